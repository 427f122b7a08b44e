import { GenerateMacCommand, KMSClient } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../functions/config.ts";
import { CSRF_SECRET_LABEL, createPortalHandler } from "../../functions/handlers/portal.ts";

const kms = mockClient(KMSClient);
afterEach(() => kms.reset());

const env = {
  VBM_MODE: "aws",
  AWS_REGION: "eu-west-1",
  DROPZONE_BUCKET: "vbm-dropzone-111122223333-eu-west-1",
  QUARANTINE_BUCKET: "vbm-quarantine-111122223333-eu-west-1",
  CURATED_BUCKET: "vbm-curated-111122223333-eu-west-1",
  REPORTS_BUCKET: "vbm-reports-111122223333-eu-west-1",
  USER_POOL_ID: "eu-west-1_AbC123",
  USER_POOL_CLIENT_ID: "client123",
  COGNITO_DOMAIN: "vbm-111122223333.auth.eu-west-1.amazoncognito.com",
  PORTAL_URL: "https://d111111abcdef8.cloudfront.net",
  DATA_KEY_ARN: "arn:aws:kms:eu-west-1:111122223333:key/abc",
  CSRF_KEY_ID: "arn:aws:kms:eu-west-1:111122223333:key/csrf",
  SEND_FACTSHEETS_FUNCTION: "vbm-send-factsheets",
  NATIONAL_REPORT_FUNCTION: "vbm-national-report",
};

/** An API Gateway HTTP API (payload 2.0) event, as CloudFront → gateway delivers it. */
function event(path: string, headers: Record<string, string> = {}) {
  return {
    version: "2.0",
    routeKey: `GET ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers: { host: "abc123.execute-api.eu-west-1.amazonaws.com", ...headers },
    requestContext: {
      http: { method: "GET", path, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test" },
      domainName: "abc123.execute-api.eu-west-1.amazonaws.com",
      requestId: "r1",
      routeKey: `GET ${path}`,
      stage: "$default",
    },
    isBase64Encoded: false,
  };
}

describe("portal Lambda handler", () => {
  it("derives the CSRF secret with KMS once and serves the sign-in steps with the security headers", async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32).fill(7) });
    const handle = await createPortalHandler(env);
    const calls = kms.commandCalls(GenerateMacCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.KeyId).toBe(env.CSRF_KEY_ID);
    expect(new TextDecoder().decode(calls[0]?.args[0].input.Message)).toBe(CSRF_SECRET_LABEL);

    const signIn = (await handle(event("/inloggen") as never)) as {
      statusCode: number;
      headers: Record<string, string>;
    };
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe("/auth/login");
    expect(signIn.headers["strict-transport-security"]).toContain("max-age=");
    expect(signIn.headers["content-security-policy"]).not.toContain("unsafe-inline");

    const login = (await handle(event("/auth/login") as never)) as {
      statusCode: number;
      headers: Record<string, string>;
      cookies?: string[];
    };
    // Payload 2.0 carries Set-Cookie in `cookies`, one entry per cookie.
    expect(login.cookies?.some((c) => c.startsWith("__Host-vbm_login="))).toBe(true);
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toMatch(
      /^https:\/\/vbm-111122223333\.auth\.eu-west-1\.amazoncognito\.com\/oauth2\/authorize\?.*redirect_uri=https%3A%2F%2Fd111111abcdef8\.cloudfront\.net%2Fauth%2Fcallback/,
    );

    // Without a valid token the pages send the browser to sign in (the gateway already refused it).
    const page = (await handle(event("/overzicht", { authorization: "Bearer nope" }) as never)) as {
      statusCode: number;
      headers: Record<string, string>;
    };
    expect([303, 404]).toContain(page.statusCode);
  });

  it("names every missing variable", async () => {
    const { USER_POOL_ID: _, PORTAL_URL: __, ...partial } = env;
    await expect(createPortalHandler(partial)).rejects.toThrow(ConfigError);
    await expect(createPortalHandler(partial)).rejects.toThrow(
      /USER_POOL_ID is not set.*PORTAL_URL is not set/,
    );
    await expect(createPortalHandler({ ...env, PORTAL_URL: "http://insecure.example.org" })).rejects.toThrow(
      /PORTAL_URL is invalid/,
    );
  });
});
