import { createSign, generateKeyPairSync } from "node:crypto";
import type { InvokeCommand } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { PortalEnv } from "../../functions/portal/app.ts";
import {
  createCognitoIdentity,
  createPipelineActions,
  createPresignedUpload,
  ID_COOKIE,
  LOGIN_COOKIE,
  PipelineActionError,
  userFromClaims,
} from "../../functions/portal/aws.ts";

const DATA_KEY = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555";
const client = new S3Client({
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
});

function policyOf(fields: Record<string, string>): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(fields.Policy as string, "base64").toString("utf8"));
}

/** The drop zone's presigned uploads, as the portal handler composes them. */
const upload = createPresignedUpload({
  client,
  bucket: "vbm-dropzone-111122223333-eu-west-1",
  region: "eu-west-1",
  dataKeyArn: DATA_KEY,
  maxBytes: 50 * 1024 * 1024,
});

describe("presigned upload", () => {
  it("pins the key prefix, the size range and SSE-KMS with the data key", async () => {
    const post = await upload.presign({
      location: "AB",
      quarter: "2026-Q3",
      scope: "seclusion",
      fileName: "export.csv",
    });
    expect(post.key).toBe("AB/2026-Q3/seclusion/export.csv");
    expect(post.url).toContain("vbm-dropzone-111122223333-eu-west-1");
    // The browser posts to the one origin the Content Security Policy allows.
    expect(new URL(post.url).origin).toBe(upload.origin);
    expect(upload.origin).toBe("https://vbm-dropzone-111122223333-eu-west-1.s3.eu-west-1.amazonaws.com");
    expect(post.fields.key).toBe(post.key);
    expect(post.fields["x-amz-server-side-encryption"]).toBe("aws:kms");
    expect(post.fields["x-amz-server-side-encryption-aws-kms-key-id"]).toBe(DATA_KEY);
    const policy = policyOf(post.fields);
    expect(policy.conditions).toContainEqual(["starts-with", "$key", "AB/2026-Q3/seclusion/"]);
    expect(policy.conditions).toContainEqual(["content-length-range", 1, 50 * 1024 * 1024]);
    expect(policy.conditions).toContainEqual({ "x-amz-server-side-encryption": "aws:kms" });
    expect(policy.conditions).toContainEqual({ "x-amz-server-side-encryption-aws-kms-key-id": DATA_KEY });
    expect(policy.conditions).toContainEqual({ bucket: "vbm-dropzone-111122223333-eu-west-1" });
    // No condition lets the key start anywhere else.
    const keyConditions = policy.conditions.filter((c) => JSON.stringify(c).includes("$key"));
    expect(keyConditions).toEqual([["starts-with", "$key", "AB/2026-Q3/seclusion/"]]);
    const minutes = (Date.parse(policy.expiration) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(4);
    expect(minutes).toBeLessThanOrEqual(5);
  });

  it("keeps a file name from leaving its prefix", async () => {
    const post = await upload.presign({
      location: "AB",
      quarter: "2026-Q3",
      scope: "all",
      fileName: "../../CD/2026-Q3/all/x.csv",
    });
    expect(post.key).toBe("AB/2026-Q3/all/x.csv");
    const odd = await upload.presign({
      location: "AB",
      quarter: "2026-Q3",
      scope: "all",
      fileName: "a\nb;c.csv",
    });
    expect(odd.key).toBe("AB/2026-Q3/all/a_b_c.csv");
  });

  it("refuses a location, quarter or scope outside the drop-zone structure", async () => {
    const base = { location: "AB", quarter: "2026-Q3", scope: "all" as const, fileName: "x.csv" };
    await expect(upload.presign({ ...base, location: "A*" })).rejects.toThrow();
    await expect(upload.presign({ ...base, location: "AB/../CD" })).rejects.toThrow();
    await expect(upload.presign({ ...base, quarter: "2026-Q5" })).rejects.toThrow();
    await expect(upload.presign({ ...base, scope: "other" as "all" })).rejects.toThrow();
    // A file name is made safe (the same rule as the direct upload), never a way out of the prefix.
    expect((await upload.presign({ ...base, fileName: ".." })).key).toBe("AB/2026-Q3/all/bestand.csv");
    expect((await upload.presign({ ...base, fileName: "../../CD/x.csv" })).key).toBe("AB/2026-Q3/all/x.csv");
  });
});

describe("presigned occupancy upload (the facilitator)", () => {
  it("pins occupancy/, at most 5 MB and SSE-KMS with the data key", async () => {
    const post = await upload.presignOccupancy("../AB/2026-Q3/all/bezetting 2026.csv");
    expect(post.key).toBe("occupancy/bezetting 2026.csv");
    expect(post.fields.key).toBe(post.key);
    const policy = policyOf(post.fields);
    const keyConditions = policy.conditions.filter((c) => JSON.stringify(c).includes("$key"));
    expect(keyConditions).toEqual([["starts-with", "$key", "occupancy/"]]);
    expect(policy.conditions).toContainEqual(["content-length-range", 1, 5 * 1024 * 1024]);
    expect(policy.conditions).toContainEqual({ "x-amz-server-side-encryption": "aws:kms" });
    expect(policy.conditions).toContainEqual({ "x-amz-server-side-encryption-aws-kms-key-id": DATA_KEY });
  });
});

describe("facilitator actions through the pipeline's functions", () => {
  /** A Lambda client that records each invocation and answers as `answer` says. */
  function lambdaFake(answer: (input: InvokeCommand["input"], signal?: AbortSignal) => Promise<unknown>) {
    const calls: { input: InvokeCommand["input"]; payload: unknown }[] = [];
    const send = async (command: InvokeCommand, options?: { abortSignal?: AbortSignal }) => {
      const input = command.input;
      calls.push({ input, payload: JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) });
      return answer(input, options?.abortSignal);
    };
    return { calls, lambda: { send } as never };
  }
  const functions = { sendFactsheets: "vbm-send-factsheets", nationalReport: "vbm-national-report" };
  const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

  it("runs the reminders synchronously and returns who got one", async () => {
    const outcomes = [{ location: "CD", quarter: "2026-Q3", status: "reminded", pdfKey: null }];
    const fake = lambdaFake(async () => ({ StatusCode: 200, Payload: json(outcomes) }));
    const actions = createPipelineActions({ lambda: fake.lambda, functions });
    expect(await actions.reminders("2026-Q3")).toEqual({ status: "done", value: outcomes });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.input.FunctionName).toBe("vbm-send-factsheets");
    expect(fake.calls[0]?.input.InvocationType).toBeUndefined(); // RequestResponse
    expect(fake.calls[0]?.payload).toEqual({ quarter: "2026-Q3", only: "reminders" });
  });

  it("says the reminders go on by themselves when the function takes longer than the page waits", async () => {
    const fake = lambdaFake(
      (_input, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener("abort", () =>
            reject(Object.assign(new Error("aborted"), { name: "AbortError" })),
          ),
        ),
    );
    const actions = createPipelineActions({ lambda: fake.lambda, functions, waitMs: 30 });
    expect(await actions.reminders("2026-Q3")).toEqual({ status: "started" });
  });

  it("reports the function's own error instead of pretending it worked", async () => {
    const fake = lambdaFake(async () => ({
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: json({ errorMessage: "no mailer configured" }),
    }));
    const actions = createPipelineActions({ lambda: fake.lambda, functions });
    await expect(actions.reminders("2026-Q3")).rejects.toThrow(PipelineActionError);
    await expect(actions.reminders("2026-Q3")).rejects.toThrow(/no mailer configured/);
  });

  it("starts the national report and a factsheet asynchronously", async () => {
    const fake = lambdaFake(async () => ({ StatusCode: 202 }));
    const actions = createPipelineActions({ lambda: fake.lambda, functions });
    expect(await actions.nationalReport("2026-Q1", "2026-Q3")).toEqual({ status: "started" });
    expect(await actions.resendFactsheet("AB", "2026-Q3")).toEqual({ status: "started" });
    expect(fake.calls.map((c) => [c.input.FunctionName, c.input.InvocationType, c.payload])).toEqual([
      ["vbm-national-report", "Event", { from: "2026-Q1", to: "2026-Q3" }],
      ["vbm-send-factsheets", "Event", { quarter: "2026-Q3", location: "AB", resend: true }],
    ]);
    const refused = lambdaFake(async () => ({ StatusCode: 403 }));
    await expect(
      createPipelineActions({ lambda: refused.lambda, functions }).nationalReport("2026-Q1", "2026-Q1"),
    ).rejects.toThrow(PipelineActionError);
  });
});

describe("roles from Cognito groups", () => {
  const user = (groups: unknown, email: unknown = "A@Example.org") =>
    userFromClaims({ email, "cognito:groups": groups });

  it("maps exactly one role group to the role", () => {
    expect(user(["facilitator"])).toEqual({ email: "a@example.org", role: "facilitator", location: null });
    expect(user(["igj"])).toEqual({ email: "a@example.org", role: "igj", location: null });
    expect(user(["location-AB"])).toEqual({ email: "a@example.org", role: "location", location: "AB" });
    // Groups that are no role are ignored.
    expect(user(["location-AB", "beheer"])?.location).toBe("AB");
  });

  it("gives no access without a role group, with several, or without an e-mail address", () => {
    expect(user(undefined)).toBeNull();
    expect(user([])).toBeNull();
    expect(user(["location-AB", "location-CD"])).toBeNull();
    expect(user(["location-AB", "igj"])).toBeNull();
    expect(user(["facilitator", "igj"])).toBeNull();
    expect(user(["location-ab"])).toBeNull();
    expect(user(["location-ABC"])).toBeNull();
    expect(user(["facilitator"], null)).toBeNull();
  });
});

/** A user pool of our own: an RSA key whose JWKS the verifier is given, and ID tokens signed with it. */
function fakePool() {
  const userPoolId = "eu-west-1_TestPool1";
  const clientId = "testclient123";
  const issuer = `https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "RS256", use: "sig" };
  const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId });
  verifier.cacheJwks({ keys: [jwk] } as never);
  const token = (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const body = `${enc({ alg: "RS256", kid: "k1", typ: "JWT" })}.${enc({
      iss: issuer,
      aud: clientId,
      token_use: "id",
      iat: now,
      exp: now + 3600,
      email: "loc@example.org",
      ...claims,
    })}`;
    const signature = createSign("RSA-SHA256").update(body).sign(privateKey).toString("base64url");
    return `${body}.${signature}`;
  };
  return { userPoolId, clientId, verifier, token };
}

function identityWith(pool: ReturnType<typeof fakePool>, tokenEndpoint?: typeof fetch) {
  return createCognitoIdentity({
    userPoolId: pool.userPoolId,
    clientId: pool.clientId,
    domain: "vbm-test.auth.eu-west-1.amazoncognito.com",
    portalUrl: "https://portal.example.org/",
    verify: (t) => pool.verifier.verify(t),
    ...(tokenEndpoint ? { fetch: tokenEndpoint } : {}),
  });
}

describe("Cognito identity", () => {
  const pool = fakePool();
  const identity = identityWith(pool);
  const req = (headers: Record<string, string>) => new Request("https://portal.example.org/", { headers });

  it("accepts a verified ID token from the gateway's Authorization header or the cookie", async () => {
    const t = pool.token({ "cognito:groups": ["location-AB"] });
    const expected = { email: "loc@example.org", role: "location", location: "AB" };
    expect(await identity.identify(req({ authorization: `Bearer ${t}` }))).toEqual(expected);
    expect(await identity.identify(req({ cookie: `x=1; ${ID_COOKIE}=${t}` }))).toEqual(expected);
  });

  it("refuses a forged, expired, foreign or access token", async () => {
    const good = pool.token({ "cognito:groups": ["facilitator"] });
    const [h, p] = good.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(p as string, "base64url").toString()),
        "cognito:groups": ["igj"],
      }),
    ).toString("base64url");
    const forged = `${h}.${forgedPayload}.${good.split(".")[2]}`;
    for (const t of [
      forged,
      pool.token({ "cognito:groups": ["facilitator"], exp: Math.floor(Date.now() / 1000) - 60 }),
      pool.token({ "cognito:groups": ["facilitator"], aud: "otherclient" }),
      pool.token({ "cognito:groups": ["facilitator"], token_use: "access" }),
      pool.token({
        "cognito:groups": ["facilitator"],
        iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other",
      }),
      "not-a-jwt",
    ])
      expect(await identity.identify(req({ authorization: `Bearer ${t}` }))).toBeNull();
    expect(await identity.identify(req({}))).toBeNull();
  });

  it("signs in with the authorization code and PKCE, checking state, and sets the token cookie", async () => {
    const calls: { url: string; body: URLSearchParams }[] = [];
    const idToken = pool.token({ "cognito:groups": ["location-AB"] });
    const app = new Hono<PortalEnv>();
    identityWith(pool, (async (url: string, init: RequestInit) => {
      calls.push({ url, body: new URLSearchParams(String(init.body)) });
      return Response.json({ id_token: idToken, access_token: "a", expires_in: 3600 });
    }) as typeof fetch).routes(app);

    const login = await app.request("https://portal.example.org/auth/login?terug=%2Faanleveren");
    expect(login.status).toBe(303);
    const to = new URL(login.headers.get("location") as string);
    expect(to.origin + to.pathname).toBe(
      "https://vbm-test.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
    );
    expect(to.searchParams.get("code_challenge_method")).toBe("S256");
    expect(to.searchParams.get("redirect_uri")).toBe("https://portal.example.org/auth/callback");
    const loginCookie = (login.headers.get("set-cookie") as string).split(";")[0] as string;
    expect(loginCookie.startsWith(`${LOGIN_COOKIE}=`)).toBe(true);
    expect(login.headers.get("set-cookie")).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/);
    const state = to.searchParams.get("state") as string;

    // A callback whose state does not match the browser's cookie is refused, without a token exchange.
    const wrong = await app.request(`https://portal.example.org/auth/callback?code=c1&state=other`, {
      headers: { cookie: loginCookie },
    });
    expect(wrong.status).toBe(400);
    expect(calls).toHaveLength(0);

    const back = await app.request(`https://portal.example.org/auth/callback?code=c1&state=${state}`, {
      headers: { cookie: loginCookie },
    });
    expect(back.status).toBe(303);
    // Back to the page that was asked for before signing in.
    expect(back.headers.get("location")).toBe("/aanleveren");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("https://vbm-test.auth.eu-west-1.amazoncognito.com/oauth2/token");
    const verifierValue = decodeURIComponent(loginCookie.split("=")[1] as string).split(".")[1] as string;
    expect(verifierValue.length).toBeGreaterThanOrEqual(43);
    expect(calls[0]?.body.get("code_verifier")).toBe(verifierValue);
    expect(calls[0]?.body.get("grant_type")).toBe("authorization_code");
    expect(calls[0]?.body.get("client_secret")).toBeNull();
    const cookies = back.headers.getSetCookie();
    const id = cookies.find((c) => c.startsWith(`${ID_COOKIE}=`)) as string;
    expect(id).toContain(encodeURIComponent(idToken));
    expect(id).toMatch(/; Secure; HttpOnly; SameSite=Lax; Max-Age=(3[0-5]\d\d)$/);
  });

  it("returns only to a path of the portal after signing in", async () => {
    const idToken = pool.token({ "cognito:groups": ["igj"] });
    const app = new Hono<PortalEnv>();
    identityWith(pool, (async () => Response.json({ id_token: idToken })) as unknown as typeof fetch).routes(
      app,
    );
    for (const terug of ["https://evil.example", "//evil.example/x", "/\\evil.example"]) {
      const login = await app.request(
        `https://portal.example.org/auth/login?terug=${encodeURIComponent(terug)}`,
      );
      const loginCookie = (login.headers.get("set-cookie") as string).split(";")[0] as string;
      const state = new URL(login.headers.get("location") as string).searchParams.get("state");
      const back = await app.request(`https://portal.example.org/auth/callback?code=c&state=${state}`, {
        headers: { cookie: loginCookie },
      });
      expect(back.headers.get("location"), terug).toBe("/");
    }
  });

  it("sets no cookie for a user without exactly one role group", async () => {
    const app = new Hono<PortalEnv>();
    const idToken = pool.token({ "cognito:groups": ["location-AB", "location-CD"] });
    identityWith(pool, (async () => Response.json({ id_token: idToken })) as unknown as typeof fetch).routes(
      app,
    );
    const login = await app.request("https://portal.example.org/auth/login");
    const loginCookie = (login.headers.get("set-cookie") as string).split(";")[0] as string;
    const state = new URL(login.headers.get("location") as string).searchParams.get("state");
    const back = await app.request(`https://portal.example.org/auth/callback?code=c&state=${state}`, {
      headers: { cookie: loginCookie },
    });
    expect(back.status).toBe(403);
    expect(await back.text()).toContain("precies één groep");
    expect(back.headers.getSetCookie().some((c) => c.startsWith(`${ID_COOKIE}=`))).toBe(false);
  });
});
