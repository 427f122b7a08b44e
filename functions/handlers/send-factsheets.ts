import { createRuntimeFromEnv, type Runtime } from "../compose.ts";
import { createSendFactsheetsHandler } from "./documents.ts";

let runtime: Promise<Runtime> | undefined;
export const handler = createSendFactsheetsHandler(() => (runtime ??= createRuntimeFromEnv(process.env)));
