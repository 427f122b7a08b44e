/** The loader hook of loaded-modules.mjs (runs on the loader thread). */
import { appendFileSync } from "node:fs";

export async function load(url, context, nextLoad) {
  if (process.env.VBM_LOADED_MODULES) appendFileSync(process.env.VBM_LOADED_MODULES, `${url}\n`);
  return nextLoad(url, context);
}
