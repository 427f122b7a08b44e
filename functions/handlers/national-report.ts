import { createRuntimeFromEnv, type Runtime } from "../compose.ts";
import { createNationalReportHandler } from "./documents.ts";

let runtime: Promise<Runtime> | undefined;
export const handler = createNationalReportHandler(
  () => (runtime ??= createRuntimeFromEnv(process.env)),
  () =>
    (process.env.FACILITATOR_EMAILS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
);
