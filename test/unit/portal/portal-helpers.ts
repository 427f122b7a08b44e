import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deliverFile } from "../../../functions/cli/actions.ts";
import { createRuntime, type Runtime } from "../../../functions/compose.ts";
import { createLocalActions } from "../../../functions/portal/actions.ts";
import { createPortalApp } from "../../../functions/portal/app.ts";
import { createPasswordIdentity } from "../../../functions/portal/session.ts";
import type { PortalDeps, PortalUser } from "../../../functions/portal/types.ts";
import { addUser } from "../../../functions/portal/users.ts";
import { deliveryKey } from "../../../schemas/delivery.ts";

export const PASSWORD = "een-lang-wachtwoord";

/** A portal over a fresh local data dir, with a clock the test moves. */
export function portalFixture(
  dataDir: string,
  locations: { code: string; name: string; emails: string[] }[],
  /** Replaces parts of the composition, e.g. the AWS-side actions and uploads. */
  overrides: (runtime: Runtime) => Partial<PortalDeps> = () => ({}),
) {
  mkdirSync(join(dataDir, "config"), { recursive: true });
  writeFileSync(join(dataDir, "config", "locations.json"), JSON.stringify(locations));
  const clock = { at: new Date("2023-10-20T10:00:00Z") };
  const now = () => clock.at;
  const runtime = createRuntime({ mode: "local", dataDir }, { clock: { now } });
  const app = createPortalApp({
    runtime,
    identity: createPasswordIdentity(runtime.store, "test-secret", now),
    upload: { kind: "direct" },
    actions: createLocalActions(runtime),
    sessionSecret: "test-secret",
    https: false,
    now,
    ...overrides(runtime),
  });

  const deliver = (
    location: string,
    quarter: string,
    scope: "all" | "seclusion",
    name: string,
    bytes: Uint8Array,
  ) => deliverFile(runtime, { key: deliveryKey(location, quarter, scope, name), load: async () => bytes });

  const user = (email: string, role: PortalUser["role"], location: string | null = null) =>
    addUser(runtime.store, { email, role, location, password: PASSWORD });

  /** Signs in; returns the cookie header and the CSRF token for forms. */
  async function signIn(email: string): Promise<{ cookie: string; csrf: string }> {
    const form = await app.request("/inloggen");
    const csrfCookie = (form.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
    const res = await app.request("/inloggen", {
      method: "POST",
      headers: { cookie: csrfCookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, wachtwoord: PASSWORD, _csrf: csrf }).toString(),
    });
    if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
    const session = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    return { cookie: `${csrfCookie}; ${session}`, csrf };
  }

  const get = (path: string, who: { cookie: string }) =>
    app.request(path, { headers: { cookie: who.cookie } });
  const post = (
    path: string,
    who: { cookie: string; csrf: string },
    fields: Record<string, string>,
    withCsrf = true,
  ) =>
    app.request(path, {
      method: "POST",
      headers: { cookie: who.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...fields, ...(withCsrf ? { _csrf: who.csrf } : {}) }).toString(),
    });

  return { app, runtime, clock, deliver, user, signIn, get, post };
}

/** The cells of the table captioned "Leveringen": location code → status texts per quarter. */
export function matrixOf(page: string): { quarters: string[]; rows: Map<string, string[]> } {
  const table = /<caption[^>]*>Leveringen<\/caption>([\s\S]*?)<\/table>/.exec(page)?.[1] ?? "";
  const quarters = [
    ...(/<thead[\s\S]*?<\/thead>/.exec(table)?.[0] ?? "").matchAll(/<th scope="col">([^<]*)<\/th>/g),
  ]
    .map((m) => m[1] ?? "")
    .slice(1);
  const rows = new Map<string, string[]>();
  for (const tr of table.matchAll(/<tr>\s*<th scope="row">([^<]*)<\/th>([\s\S]*?)<\/tr>/g))
    rows.set(
      tr[1] ?? "",
      [...(tr[2] ?? "").matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
        (m[1] ?? "")
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .trim(),
      ),
    );
  return { quarters, rows };
}

/**
 * A browser for `app.request`: keeps the cookies the app sets and sends them back, and reads the
 * CSRF token of the sign-in form. `redirect: "manual"` keeps redirects as responses.
 */
export function cookieClient(
  target: () => { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  opts: { redirect?: RequestRedirect } = {},
) {
  const jar = new Map<string, string>();
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await target().request(path, {
      ...init,
      headers,
      ...(opts.redirect ? { redirect: opts.redirect } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, ...v] = (pair ?? "").split("=");
      if (k) jar.set(k, v.join("="));
    }
    return res;
  };
  const csrf = async () => {
    const page = await (await request("/inloggen")).text();
    return /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
  };
  return { jar, request, csrf };
}
