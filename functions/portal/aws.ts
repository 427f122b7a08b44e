/**
 * The portal's AWS side: the Cognito identity (managed login, the ID token verified in the app
 * with aws-jwt-verify as well as at the gateway) and uploads by presigned POST straight into
 * the drop zone.
 *
 * Sign-in flow (authorization code with PKCE, public app client: no client secret to store):
 * `/inloggen` → `/auth/login?terug=<path>` (sets a short-lived cookie with `state`, the PKCE
 * verifier and the path to return to, redirects to the managed login) → Cognito → `/auth/callback?code&state` (checks `state`,
 * exchanges the code at the token endpoint, verifies the ID token and its role, sets it as the
 * HttpOnly cookie `__Host-vbm_id`) → the path (default `/`). CloudFront copies that cookie into
 * `Authorization: Bearer` (infra/stacks/portal-stack.ts), so the API Gateway JWT authorizer
 * checks it first; `identify` checks it again (header or cookie).
 */

import { createHash, randomBytes } from "node:crypto";
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";
import type { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { locationCode, quarterId, scope as scopeSchema } from "../../schemas/delivery.ts";
import type { PortalApp } from "./app.ts";
import { safeFileName } from "./file-name.ts";
import { alert } from "./layout.ts";
import {
  type ActionOutcome,
  type FacilitatorActions,
  type IdentityProvider,
  MAX_OCCUPANCY_BYTES,
  type PortalUser,
  type UploadTarget,
} from "./types.ts";

/** The cookie holding the verified ID token (HttpOnly, Secure, host-only). */
export const ID_COOKIE = "__Host-vbm_id";
/** `state` and PKCE verifier between `/auth/login` and `/auth/callback`. */
export const LOGIN_COOKIE = "__Host-vbm_login";
const LOGIN_COOKIE_SECONDS = 600;

/** The verified claims the portal uses. */
export interface IdClaims {
  email?: unknown;
  "cognito:groups"?: unknown;
  exp?: unknown;
  [claim: string]: unknown;
}

/** Role groups of the user pool: `facilitator`, `igj` and `location-<CODE>` per location. */
export const GROUP = {
  facilitator: "facilitator",
  igj: "igj",
  location: (code: string) => `location-${code}`,
} as const;
const LOCATION_GROUP = /^location-([A-Z]{2})$/;

/**
 * The portal user of verified claims: exactly one role group gives the role (other groups are
 * ignored); no role group, or several (e.g. two locations, or a location and `igj`), give no
 * access at all, so a mistake in the group memberships never widens what someone sees.
 */
export function userFromClaims(claims: IdClaims): PortalUser | null {
  const email = typeof claims.email === "string" ? claims.email.toLowerCase() : null;
  const groups = Array.isArray(claims["cognito:groups"])
    ? claims["cognito:groups"].filter((g): g is string => typeof g === "string")
    : [];
  const roles: PortalUser[] = [];
  for (const g of new Set(groups)) {
    if (g === GROUP.facilitator) roles.push({ email: email ?? "", role: "facilitator", location: null });
    else if (g === GROUP.igj) roles.push({ email: email ?? "", role: "igj", location: null });
    else {
      const m = LOCATION_GROUP.exec(g);
      if (m?.[1]) roles.push({ email: email ?? "", role: "location", location: m[1] });
    }
  }
  if (!email || roles.length !== 1) return null;
  return roles[0] ?? null;
}

function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

/**
 * `SameSite=Lax`: the callback is a top-level navigation from the Cognito domain, which a
 * `Strict` cookie would not survive. State-changing requests are POSTs with the CSRF token
 * (functions/portal/app.ts), which a cross-site page cannot send.
 */
function cookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

export interface CognitoIdentityOptions {
  userPoolId: string;
  clientId: string;
  /** The managed-login domain, e.g. `vbm-123456789012.auth.eu-west-1.amazoncognito.com`. */
  domain: string;
  /** The portal's public origin, e.g. `https://d111111abcdef8.cloudfront.net`. */
  portalUrl: string;
  /** Verifies an ID token and returns its claims (default: aws-jwt-verify for this pool and client). */
  verify?: (token: string) => Promise<IdClaims>;
  /** For the token endpoint (tests). */
  fetch?: typeof fetch;
}

export interface CognitoIdentity extends IdentityProvider {
  readonly kind: "cognito";
  /** Adds `/auth/login`, `/auth/callback` and `/auth/uitgelogd` to the portal app. */
  routes(app: PortalApp): void;
}

const b64url = (b: Buffer) => b.toString("base64url");

export function createCognitoIdentity(opts: CognitoIdentityOptions): CognitoIdentity {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: opts.userPoolId,
    tokenUse: "id",
    clientId: opts.clientId,
  });
  const verify = opts.verify ?? ((token: string) => verifier.verify(token) as Promise<IdClaims>);
  const doFetch = opts.fetch ?? fetch;
  const portal = opts.portalUrl.replace(/\/+$/, "");
  const redirectUri = `${portal}/auth/callback`;
  const logoutUri = `${portal}/auth/uitgelogd`;
  const base = `https://${opts.domain}`;
  const signOutUrl = () =>
    `${base}/logout?${new URLSearchParams({ client_id: opts.clientId, logout_uri: logoutUri })}`;

  const claimsOf = async (token: string | undefined): Promise<IdClaims | null> => {
    if (!token) return null;
    try {
      return await verify(token);
    } catch {
      return null;
    }
  };

  return {
    kind: "cognito",
    async identify(request) {
      const header = request.headers.get("authorization");
      const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : undefined;
      const claims = await claimsOf(bearer || cookieOf(request, ID_COOKIE));
      return claims ? userFromClaims(claims) : null;
    },
    signInUrl: () => "/auth/login",
    signOutUrl,
    routes(app) {
      app.get("/auth/login", (c) => {
        const state = b64url(randomBytes(24));
        const verifierValue = b64url(randomBytes(48));
        const challenge = b64url(createHash("sha256").update(verifierValue).digest());
        const url = `${base}/oauth2/authorize?${new URLSearchParams({
          response_type: "code",
          client_id: opts.clientId,
          redirect_uri: redirectUri,
          scope: "openid email",
          state,
          code_challenge: challenge,
          code_challenge_method: "S256",
        })}`;
        // Where to go after signing in: a path of the portal only (never `//host` or a URL).
        const back = c.req.query("terug") ?? "/";
        const path = back.startsWith("/") && !back.startsWith("//") && !back.includes("\\") ? back : "/";
        c.header(
          "Set-Cookie",
          cookie(
            LOGIN_COOKIE,
            `${state}.${verifierValue}.${b64url(Buffer.from(path))}`,
            LOGIN_COOKIE_SECONDS,
          ),
          { append: true },
        );
        c.header("Cache-Control", "no-store");
        return c.redirect(url, 303);
      });

      app.get("/auth/callback", async (c) => {
        const [state, codeVerifier, back] = (cookieOf(c.req.raw, LOGIN_COOKIE) ?? "").split(".");
        const code = c.req.query("code");
        c.header("Cache-Control", "no-store");
        c.header("Set-Cookie", cookie(LOGIN_COOKIE, "", 0), { append: true });
        const refuse = (text: string, status: 400 | 403) =>
          c.html(page("Inloggen mislukt", alert("error", text), "/auth/login"), status);
        if (!state || !codeVerifier || !code || c.req.query("state") !== state)
          return refuse("De inlogpoging is verlopen of ongeldig. Probeer opnieuw in te loggen.", 400);
        const response = await doFetch(`${base}/oauth2/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "authorization_code",
            client_id: opts.clientId,
            code,
            redirect_uri: redirectUri,
            code_verifier: codeVerifier,
          }).toString(),
        });
        if (!response.ok)
          return refuse("De inlogpoging is verlopen of ongeldig. Probeer opnieuw in te loggen.", 400);
        const tokens = (await response.json()) as { id_token?: unknown; expires_in?: unknown };
        const idToken = typeof tokens.id_token === "string" ? tokens.id_token : undefined;
        const claims = await claimsOf(idToken);
        if (!idToken || !claims)
          return refuse("De inlogpoging is verlopen of ongeldig. Probeer opnieuw in te loggen.", 400);
        if (!userFromClaims(claims))
          return c.html(
            page(
              "Geen toegang",
              alert(
                "error",
                "Uw account heeft (nog) geen rol in de monitor, of meer dan één. Vraag de netwerkbegeleider om uw account aan precies één groep toe te voegen.",
              ),
              signOutUrl(),
            ),
            403,
          );
        // The cookie lives as long as the token: an expired token leaves no cookie, and CloudFront
        // sends the browser to the sign-in page instead of the gateway answering 401.
        const exp = typeof claims.exp === "number" ? claims.exp : 0;
        const seconds = Math.max(0, Math.min(3600 * 12, exp - Math.floor(Date.now() / 1000) - 30));
        c.header("Set-Cookie", cookie(ID_COOKIE, idToken, seconds), { append: true });
        const path = back ? Buffer.from(back, "base64url").toString("utf8") : "/";
        return c.redirect(path.startsWith("/") && !path.startsWith("//") ? path : "/", 303);
      });

      app.get("/auth/uitgelogd", (c) => {
        c.header("Set-Cookie", cookie(ID_COOKIE, "", 0), { append: true });
        c.header("Cache-Control", "no-store");
        return c.html(page("Uitgelogd", alert("ok", "U bent uitgelogd."), "/auth/login"));
      });
    },
  };
}

/** A minimal page for the sign-in steps (no user, no CSRF form): a message and one link. */
function page(title: string, body: unknown, next: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} – VBM-monitor</title><link rel="stylesheet" href="/static/portal.css"></head><body class="utrecht-document"><main class="utrecht-page-content"><h1 class="utrecht-heading-1">${esc(title)}</h1>${String(body)}<p class="utrecht-paragraph"><a class="utrecht-link" href="${esc(next)}">${next === "/auth/login" ? "Opnieuw inloggen" : "Uitloggen"}</a></p></main></body></html>`;
}

export interface PresignedUploadOptions {
  client: S3Client;
  /** The drop-zone bucket. */
  bucket: string;
  /** Its region: the browser posts to `https://<bucket>.s3.<region>.amazonaws.com`. */
  region: string;
  /** ARN of the data key: the only key the drop zone accepts. */
  dataKeyArn: string;
  /** The largest file accepted, in bytes. */
  maxBytes: number;
  /** How long the form may be used (default 5 minutes). */
  expiresSeconds?: number;
}

/**
 * Uploads by presigned POST: the browser posts the file straight to the drop zone. The policy,
 * signed with the portal function's role, pins the key prefix `<LOC>/<YYYY-Qn>/<scope>/`, the
 * size (1 byte up to `maxBytes`) and SSE-KMS with the data key, so a modified browser cannot
 * write elsewhere, larger, or unencrypted. The location passed in must be the signed-in user's
 * own (the route takes it from the verified identity, never from the request).
 */
export function createPresignedUpload(opts: PresignedUploadOptions): Required<UploadTarget> {
  return {
    kind: "presigned-post",
    origin: `https://${opts.bucket}.s3.${opts.region}.amazonaws.com`,
    async presign({ location, quarter, scope, fileName }) {
      const prefix = `${locationCode.parse(location)}/${quarterId.parse(quarter)}/${scopeSchema.parse(scope)}/`;
      return presignInto(opts, prefix, safeFileName(fileName), opts.maxBytes);
    },
    presignOccupancy: (fileName) => presignOccupancyUpload(opts, fileName),
  };
}

/** The presigned POST for the facilitator's occupancy file: `occupancy/<safe name>`, at most 5 MB. */
export async function presignOccupancyUpload(
  opts: PresignedUploadOptions,
  fileName: string,
): Promise<{ url: string; fields: Record<string, string>; key: string }> {
  return presignInto(
    opts,
    "occupancy/",
    safeFileName(fileName),
    Math.min(opts.maxBytes, MAX_OCCUPANCY_BYTES),
  );
}

async function presignInto(
  opts: PresignedUploadOptions,
  prefix: string,
  fileName: string,
  maxBytes: number,
): Promise<{ url: string; fields: Record<string, string>; key: string }> {
  const key = `${prefix}${fileName}`;
  const sse = {
    "x-amz-server-side-encryption": "aws:kms",
    "x-amz-server-side-encryption-aws-kms-key-id": opts.dataKeyArn,
  };
  const { url, fields } = await createPresignedPost(opts.client, {
    Bucket: opts.bucket,
    Key: key,
    Expires: opts.expiresSeconds ?? 300,
    Fields: sse,
    Conditions: [
      ["starts-with", "$key", prefix],
      ["content-length-range", 1, maxBytes],
      { "x-amz-server-side-encryption": sse["x-amz-server-side-encryption"] },
      {
        "x-amz-server-side-encryption-aws-kms-key-id": sse["x-amz-server-side-encryption-aws-kms-key-id"],
      },
    ],
  });
  return { url, fields, key };
}

export interface PipelineActionsOptions {
  lambda: Pick<LambdaClient, "send">;
  /** Function names: `vbm-send-factsheets` and `vbm-national-report`. */
  functions: { sendFactsheets: string; nationalReport: string };
  /**
   * How long the page waits for the reminders (a synchronous call); after that they go on in the
   * function and the page says so. Below API Gateway's 30 s.
   */
  waitMs?: number;
}

/** The function's own error (FunctionError), with its message when there is one. */
export class PipelineActionError extends Error {
  constructor(functionName: string, detail: string, options?: { cause?: unknown }) {
    super(`${functionName} failed: ${detail}`, options);
    this.name = "PipelineActionError";
  }
}

/**
 * The facilitator's actions on AWS: the portal function may not write documents or send mail,
 * so it invokes the pipeline's functions with its own narrow `lambda:InvokeFunction` permission.
 * Reminders are quick (no queries) and run synchronously, so the page shows who got one; the
 * national report and a factsheet need Athena and the PDF renderer, which can take longer than
 * API Gateway waits, so they are started (asynchronous invocation, retried by Lambda) and the
 * page says where the result appears.
 */
export function createPipelineActions(opts: PipelineActionsOptions): FacilitatorActions {
  const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  const start = async (functionName: string, event: unknown): Promise<{ status: "started" }> => {
    const res = await opts.lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: "Event", Payload: payload(event) }),
    );
    if (res.StatusCode !== 202)
      throw new PipelineActionError(functionName, `asynchronous invocation answered ${res.StatusCode}`);
    return { status: "started" };
  };
  return {
    async reminders(quarter) {
      const fn = opts.functions.sendFactsheets;
      let res: InvokeCommandOutput;
      try {
        res = await opts.lambda.send(
          new InvokeCommand({ FunctionName: fn, Payload: payload({ quarter, only: "reminders" }) }),
          { abortSignal: AbortSignal.timeout(opts.waitMs ?? 20_000) },
        );
      } catch (error) {
        // The call was sent but the answer takes too long: the function goes on by itself.
        if ((error as Error).name === "AbortError" || (error as Error).name === "TimeoutError")
          return { status: "started" };
        throw error;
      }
      const text = new TextDecoder().decode(res.Payload ?? new Uint8Array());
      if (res.FunctionError) throw new PipelineActionError(fn, text || res.FunctionError);
      const outcomes = JSON.parse(text || "[]") as ActionOutcome[];
      if (!Array.isArray(outcomes)) throw new PipelineActionError(fn, "unexpected answer");
      return { status: "done", value: outcomes };
    },
    nationalReport: (from, to) => start(opts.functions.nationalReport, { from, to }),
    resendFactsheet: (location, quarter) =>
      start(opts.functions.sendFactsheets, { quarter, location, resend: true }),
  };
}
