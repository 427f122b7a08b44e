import type { PortalApp } from "../app.ts";
import type { PortalDeps } from "../types.ts";

/** Routes of the igj pages (to be filled in). */
export function igjRoutes(_app: PortalApp, _deps: PortalDeps): void {}
