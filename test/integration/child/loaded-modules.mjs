/**
 * `node --import ./loaded-modules.mjs …`: appends the URL of every module the process loads
 * (through the ESM loader: all of the CLI's own modules and each package's entry) to the file
 * named by VBM_LOADED_MODULES. Plain JavaScript, so it needs no tsx.
 */
import { register } from "node:module";

register("./loaded-modules-hooks.mjs", import.meta.url);
