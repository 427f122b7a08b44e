/** Messages between the delivery page (client/deliver.ts) and its worker (client/validate-worker.ts). */
import type { Scope } from "../../../schemas/delivery.ts";
import type { ValidationReport } from "../../../schemas/report.ts";

export interface ValidateRequest {
  file: File;
  location: string;
  quarter: string;
  scope: Scope;
  fileName: string;
}

export type WorkerReply =
  /** Reading the file: `percent` of its bytes read. */
  | { type: "lezen"; percent: number }
  /** Checking the rows (the validator reports no progress of its own). */
  | { type: "bezig" }
  | { type: "rapport"; report: ValidationReport }
  | { type: "fout"; message: string };
