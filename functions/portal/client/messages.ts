/** Messages between the delivery page (client/deliver.ts) and its worker (client/validate-worker.ts). */
import type { Scope } from "../../../schemas/delivery.ts";
import type { ValidationReport } from "../../../schemas/report.ts";

export interface ValidateRequest {
  file: File;
  location: string;
  quarter: string;
  scope: Scope;
  fileName: string;
  /** The portal's file size limit, when it differs from the default. */
  maxBytes?: number;
}

export type WorkerReply =
  /** Reading the file: `percent` of its bytes read. */
  | { type: "lezen"; percent: number }
  /** Checking the rows (the validator reports no progress of its own). */
  | { type: "bezig" }
  | { type: "rapport"; report: ValidationReport }
  /** Larger than the limit: not read at all (the server would refuse it too). */
  | { type: "te-groot"; bytes: number; maxBytes: number }
  | { type: "fout"; message: string };
