/**
 * Local sign-in: a signed session cookie (HMAC-SHA256, `HttpOnly`, `SameSite=Strict`, `Secure`
 * over HTTPS) that names the user and expires; a CSRF token per browser (double submit: a signed
 * cookie and a hidden form field or `x-csrf-token` header that must match); and a limit on failed
 * sign-ins per e-mail address and per client address.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ObjectStore } from "../ports.ts";
import type { IdentityProvider, PortalUser } from "./types.ts";
import { checkPassword } from "./users.ts";

export const SESSION_COOKIE = "vbm_sessie";
export const CSRF_COOKIE = "vbm_csrf";
const SESSION_HOURS = 8;

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const sign = (secret: string, value: string) =>
  createHmac("sha256", secret).update(value).digest("base64url");

function signed(secret: string, value: string): string {
  return `${value}.${sign(secret, value)}`;
}

function unsign(secret: string, token: string | undefined): string | null {
  if (!token) return null;
  const dot = token.lastIndexOf(".");
  if (dot < 0) return null;
  const value = token.slice(0, dot);
  const expected = Buffer.from(sign(secret, value));
  const actual = Buffer.from(token.slice(dot + 1));
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? value : null;
}

export function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

export function cookieHeader(
  name: string,
  value: string,
  opts: { https: boolean; maxAgeSeconds?: number },
): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    ...(opts.https ? ["Secure"] : []),
    ...(opts.maxAgeSeconds !== undefined ? [`Max-Age=${opts.maxAgeSeconds}`] : []),
  ].join("; ");
}

export function sessionCookie(secret: string, user: PortalUser, now: Date, https: boolean): string {
  const payload = b64(JSON.stringify({ ...user, exp: now.getTime() + SESSION_HOURS * 3600_000 }));
  return cookieHeader(SESSION_COOKIE, signed(secret, payload), {
    https,
    maxAgeSeconds: SESSION_HOURS * 3600,
  });
}

export function clearSessionCookie(https: boolean): string {
  return cookieHeader(SESSION_COOKIE, "", { https, maxAgeSeconds: 0 });
}

export function readSession(secret: string, request: Request, now: Date): PortalUser | null {
  const value = unsign(secret, cookieOf(request, SESSION_COOKIE));
  if (!value) return null;
  try {
    const s = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as PortalUser & { exp: number };
    if (typeof s.exp !== "number" || s.exp < now.getTime()) return null;
    return { email: s.email, role: s.role, location: s.location ?? null };
  } catch {
    return null;
  }
}

/** The browser's CSRF token (from its signed cookie), or a new one with the cookie to set. */
export function csrfToken(
  secret: string,
  request: Request,
  https: boolean,
): { token: string; setCookie?: string } {
  const existing = unsign(secret, cookieOf(request, CSRF_COOKIE));
  if (existing) return { token: existing };
  const token = randomBytes(18).toString("base64url");
  return { token, setCookie: cookieHeader(CSRF_COOKIE, signed(secret, token), { https }) };
}

/** Whether a state-changing request carries the browser's CSRF token (form field or header). */
export function csrfValid(secret: string, request: Request, submitted: string | null | undefined): boolean {
  const expected = unsign(secret, cookieOf(request, CSRF_COOKIE));
  if (!expected || !submitted) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Failed sign-ins: at most `max` per e-mail address and per client address within `windowMs`. */
export function createSignInLimiter(opts: { max?: number; windowMs?: number; now?: () => number } = {}) {
  const max = opts.max ?? 5;
  const windowMs = opts.windowMs ?? 15 * 60_000;
  const now = opts.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const recent = (key: string) => (failures.get(key) ?? []).filter((t) => now() - t < windowMs);
  return {
    blocked(keys: readonly string[]): boolean {
      return keys.some((k) => recent(k).length >= max);
    },
    failed(keys: readonly string[]): void {
      for (const k of keys) failures.set(k, [...recent(k), now()]);
    },
    succeeded(keys: readonly string[]): void {
      for (const k of keys) failures.delete(k);
    },
  };
}

/** Local identity: users from `config/users.json`, the session from the signed cookie. */
export function createPasswordIdentity(
  store: ObjectStore,
  secret: string,
  now: () => Date,
): IdentityProvider {
  return {
    kind: "password",
    identify: async (request) => readSession(secret, request, now()),
    signIn: (email, password) => checkPassword(store, email, password),
  };
}
