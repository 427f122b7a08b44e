import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../../functions/compose.ts";
import { createLocalActions } from "../../../functions/portal/actions.ts";
import { createPortalApp } from "../../../functions/portal/app.ts";
import { createPasswordIdentity, createSignInLimiter } from "../../../functions/portal/session.ts";
import { addUser, checkPassword, readUsers } from "../../../functions/portal/users.ts";
import { tempDir } from "../../helpers.ts";
import { cookieClient } from "./portal-helpers.ts";

let cleanup = () => {};
afterEach(() => cleanup());
const SECRET = "test-secret-for-signing-cookies";

async function setup() {
  const t = tempDir("vbm-portal-auth-");
  cleanup = t.cleanup;
  const runtime = createRuntime({ mode: "local", dataDir: t.dir });
  await addUser(runtime.store, {
    email: "Netwerk@Demo.example",
    role: "facilitator",
    location: null,
    password: "een-lang-wachtwoord",
  });
  let clock = new Date("2024-04-02T09:00:00Z");
  const app = createPortalApp({
    runtime,
    identity: createPasswordIdentity(runtime.store, SECRET, () => clock),
    upload: { kind: "direct" },
    actions: createLocalActions(runtime),
    sessionSecret: SECRET,
    https: false,
    now: () => clock,
  });
  /** A browser: keeps cookies between requests. */
  const { jar, request, csrf } = cookieClient(() => app, { redirect: "manual" });
  const signIn = async (email: string, password: string) =>
    request("/inloggen", {
      method: "POST",
      body: new URLSearchParams({ _csrf: await csrf(), email, wachtwoord: password }),
    });
  return { runtime, request, signIn, csrf, jar, setClock: (d: Date) => (clock = d) };
}

describe("portal sign-in (local)", () => {
  it("stores only a scrypt hash, and checks the password", async () => {
    const { runtime } = await setup();
    const [user] = await readUsers(runtime.store);
    expect(user?.email).toBe("netwerk@demo.example");
    expect(user?.password).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(user?.password).not.toContain("een-lang-wachtwoord");
    expect(await checkPassword(runtime.store, "netwerk@demo.example", "een-lang-wachtwoord")).toEqual({
      email: "netwerk@demo.example",
      role: "facilitator",
      location: null,
    });
    expect(await checkPassword(runtime.store, "netwerk@demo.example", "fout")).toBeNull();
    expect(await checkPassword(runtime.store, "onbekend@demo.example", "een-lang-wachtwoord")).toBeNull();
  });

  it("signs in with a signed, HttpOnly, SameSite=Strict session cookie and lands on the role's page", async () => {
    const { signIn, request } = await setup();
    expect((await request("/")).headers.get("location")).toBe("/inloggen");
    const res = await signIn("netwerk@demo.example", "een-lang-wachtwoord");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/overzicht");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("vbm_sessie="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await request("/")).headers.get("location")).toBe("/overzicht");
  });

  it("refuses a forged or expired session", async () => {
    const { signIn, request, jar, setClock } = await setup();
    await signIn("netwerk@demo.example", "een-lang-wachtwoord");
    const session = jar.get("vbm_sessie") as string;
    const [payload, sig] = decodeURIComponent(session).split(".");
    const forged = Buffer.from(
      JSON.stringify({ email: "x@y.z", role: "igj", location: null, exp: 9e15 }),
    ).toString("base64url");
    jar.set("vbm_sessie", encodeURIComponent(`${forged}.${sig}`));
    expect((await request("/")).headers.get("location")).toBe("/inloggen");
    jar.set("vbm_sessie", encodeURIComponent(`${payload}.${sig}`));
    expect((await request("/")).headers.get("location")).toBe("/overzicht");
    setClock(new Date("2024-04-02T18:00:00Z")); // 9 hours later: the 8-hour session has ended
    expect((await request("/")).headers.get("location")).toBe("/inloggen");
  });

  it("refuses a POST without the browser's CSRF token, in Dutch", async () => {
    const { request } = await setup();
    await request("/inloggen");
    const res = await request("/inloggen", {
      method: "POST",
      body: new URLSearchParams({ email: "netwerk@demo.example", wachtwoord: "een-lang-wachtwoord" }),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Dit formulier is verlopen");
  });

  it("says the same for a wrong e-mail and a wrong password, and stops after 5 failures", async () => {
    const { signIn } = await setup();
    for (let i = 0; i < 5; i++) {
      const res = await signIn(i % 2 ? "netwerk@demo.example" : "niemand@demo.example", "fout-wachtwoord");
      expect(res.status).toBe(401);
      expect(await res.text()).toContain("Het e-mailadres of het wachtwoord klopt niet.");
    }
    const blocked = await signIn("netwerk@demo.example", "een-lang-wachtwoord");
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain("Te veel mislukte pogingen");
  });

  it("sends a strict Content Security Policy and no inline script", async () => {
    const { request } = await setup();
    const res = await request("/inloggen");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle="/);
  });

  it("limits failures per e-mail address and per client, and forgets them after a success or the window", () => {
    let t = 0;
    const limiter = createSignInLimiter({ max: 2, windowMs: 1000, now: () => t });
    limiter.failed(["a"]);
    limiter.failed(["a"]);
    expect(limiter.blocked(["a"])).toBe(true);
    expect(limiter.blocked(["b"])).toBe(false);
    t = 1001;
    expect(limiter.blocked(["a"])).toBe(false);
    limiter.failed(["a"]);
    limiter.succeeded(["a"]);
    limiter.failed(["a"]);
    expect(limiter.blocked(["a"])).toBe(false);
  });
});
