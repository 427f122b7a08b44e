import type { PortalApp } from "../app.ts";
import type { PortalDeps } from "../types.ts";

/** Routes of the facilitator pages (to be filled in). */
export function facilitatorRoutes(_app: PortalApp, _deps: PortalDeps): void {}
