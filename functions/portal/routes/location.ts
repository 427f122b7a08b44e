import type { PortalApp } from "../app.ts";
import type { PortalDeps } from "../types.ts";

/** Routes of the location pages (to be filled in). */
export function locationRoutes(_app: PortalApp, _deps: PortalDeps): void {}
