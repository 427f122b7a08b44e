/** `vbm-monitor serve`: the portal on this machine, on the local data dir (folder, DuckDB, outbox). */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { serve } from "@hono/node-server";
import type { Runtime } from "../compose.ts";
import type { ReadLimits } from "../core/read/types.ts";
import { createLocalActions } from "./actions.ts";
import { createPortalApp } from "./app.ts";
import { buildAssets } from "./assets.ts";
import { createPasswordIdentity } from "./session.ts";

/** The secret that signs session cookies: `<data-dir>/keys/portal-session.key`, made on first use. */
async function sessionSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, "keys", "portal-session.key");
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const secret = randomBytes(32).toString("base64url");
    await writeFile(path, `${secret}\n`, { mode: 0o600, flag: "wx" }).catch(() => undefined);
    await chmod(path, 0o600);
    return (await readFile(path, "utf8")).trim();
  }
}

export async function startPortal(opts: {
  runtime: Runtime;
  port: number;
  host: string;
  /** Deadline for a quarter's delivery, in days after the quarter ends. */
  deadlineDays?: number;
  limits?: ReadLimits;
}): Promise<{ url: string; close(): Promise<void> }> {
  const now = () => new Date();
  const secret = await sessionSecret(opts.runtime.places.dataDir);
  const app = createPortalApp({
    runtime: opts.runtime,
    identity: createPasswordIdentity(opts.runtime.store, secret, now),
    upload: { kind: "direct" },
    actions: createLocalActions(opts.runtime),
    sessionSecret: secret,
    https: false,
    assets: await buildAssets(),
    ...(opts.deadlineDays === undefined ? {} : { deadlineDays: opts.deadlineDays }),
    ...(opts.limits ? { limits: opts.limits } : {}),
    now,
  });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, (info: AddressInfo) => {
      resolve({
        url: `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once("error", reject);
  });
}
