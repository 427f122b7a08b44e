import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../functions/compose.ts";
import { portalEnv } from "../../functions/config.ts";
import { createPortalApp } from "../../functions/portal/app.ts";
import { ID_COOKIE } from "../../functions/portal/aws.ts";
import type { FacilitatorActions } from "../../functions/portal/types.ts";
import { VIEWER_REQUEST_CODE } from "../../infra/stacks/portal-stack.ts";
import {
  type Assembly,
  actionsOn,
  asList,
  flat,
  flatBucketName,
  infraConfig,
  type Json,
  props,
  resourcesOf,
  sharedAssembly,
  statementsForFunction,
  statementsOf,
} from "./assembly.ts";

let assembly: Assembly;
let portal: Template;

beforeAll(async () => {
  assembly = (await sharedAssembly()).assembly;
  portal = assembly.template("VbmPortal");
}, 360_000);

function one(type: string): Json {
  const found = resourcesOf(portal, type);
  expect(found, type).toHaveLength(1);
  return props((found[0] as [string, Json])[1]);
}

function edgeCsp(): string {
  const policy = one("AWS::CloudFront::ResponseHeadersPolicy").ResponseHeadersPolicyConfig as Json;
  return flat(((policy.SecurityHeadersConfig as Json).ContentSecurityPolicy as Json).ContentSecurityPolicy);
}

function distributionConfig(): Json {
  return one("AWS::CloudFront::Distribution").DistributionConfig as Json;
}

/** CSP directives as name → sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name as string, sources]),
  );
}

describe("portal stack: CloudFront", () => {
  it("serves /static/* from the private assets bucket through origin access control", () => {
    const config = distributionConfig();
    const statics = asList(config.CacheBehaviors as Json[]).find((b) => b.PathPattern === "/static/*");
    expect(statics).toBeDefined();
    const origin = asList(config.Origins as Json[]).find((o) => o.Id === statics?.TargetOriginId) as Json;
    expect(origin.OriginAccessControlId).toBeDefined();
    expect((origin.S3OriginConfig as Json).OriginAccessIdentity).toBe("");
    const oac = one("AWS::CloudFront::OriginAccessControl").OriginAccessControlConfig as Json;
    expect(oac.OriginAccessControlOriginType).toBe("s3");
    expect(oac.SigningBehavior).toBe("always");

    const bucket = one("AWS::S3::Bucket");
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const read = statementsOf(one("AWS::S3::BucketPolicy").PolicyDocument).find(
      (s) => s.Effect === "Allow" && asList(s.Action).includes("s3:GetObject"),
    );
    expect(read?.Principal).toEqual({ Service: "cloudfront.amazonaws.com" });
    expect(flat(read?.Condition?.StringEquals?.["AWS:SourceArn"])).toContain("Distribution");
  });

  it("is HTTPS only, to the viewer and to the API origin (TLS 1.2)", () => {
    const config = distributionConfig();
    const behaviors = [config.DefaultCacheBehavior as Json, ...asList(config.CacheBehaviors as Json[])];
    expect(behaviors).toHaveLength(2);
    for (const b of behaviors) expect(b.ViewerProtocolPolicy).toBe("https-only");
    const api = asList(config.Origins as Json[]).find((o) => o.CustomOriginConfig) as Json;
    expect(api.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: "https-only",
      OriginSSLProtocols: ["TLSv1.2"],
    });
    expect(flat(api.DomainName)).toMatch(/^<Api.*>\.execute-api\.<AWS::Region>\.amazonaws\.com$/);
  });

  it("sends the security headers on every response: a CSP without inline code or other origins, and HSTS", () => {
    const policy = one("AWS::CloudFront::ResponseHeadersPolicy").ResponseHeadersPolicyConfig as Json;
    const security = policy.SecurityHeadersConfig as Json;
    const hsts = security.StrictTransportSecurity as Json;
    expect(hsts.Override).toBe(true);
    expect(hsts.IncludeSubdomains).toBe(true);
    expect(hsts.AccessControlMaxAgeSec as number).toBeGreaterThanOrEqual(365 * 24 * 3600);
    expect((security.FrameOptions as Json).FrameOption).toBe("DENY");
    expect((security.ReferrerPolicy as Json).ReferrerPolicy).toBe("no-referrer");
    expect((security.ContentTypeOptions as Json).Override).toBe(true);

    expect((security.ContentSecurityPolicy as Json).Override).toBe(true);
    const csp = edgeCsp();
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    const dropzone = `https://${flatBucketName("dropzone")}.s3.<AWS::Region>.amazonaws.com`;
    const d = directives(csp);
    expect(d.get("default-src")).toEqual(["'self'"]);
    expect(d.get("script-src")).toEqual(["'self'"]);
    expect(d.get("style-src")).toEqual(["'self'"]);
    expect(d.get("connect-src")).toEqual(["'self'", dropzone]);
    expect(d.get("form-action")).toEqual(["'self'", dropzone]);
    // Nothing but the site itself, data: images and the drop zone.
    for (const [name, sources] of d)
      for (const s of sources) expect(["'self'", "'none'", "data:", dropzone], `${name} ${s}`).toContain(s);

    const config = distributionConfig();
    const id = Object.keys(portal.findResources("AWS::CloudFront::ResponseHeadersPolicy"))[0];
    for (const b of [config.DefaultCacheBehavior as Json, ...asList(config.CacheBehaviors as Json[])])
      expect(b.ResponseHeadersPolicyId).toEqual({ Ref: id });
  });

  it("has the same CSP directives as the app, with the one drop-zone origin for its wildcard", async () => {
    const app = createPortalApp({
      runtime: {} as Runtime,
      identity: { kind: "cognito", identify: async () => null, signInUrl: () => "/auth/login" },
      upload: { kind: "presigned-post" },
      actions: {} as FacilitatorActions,
      sessionSecret: "test",
      https: true,
    });
    const res = await app.request("https://portal.example.org/inloggen");
    const ours = directives(res.headers.get("content-security-policy") as string);
    const edge = directives(edgeCsp());
    expect([...edge.keys()].sort()).toEqual(
      [...ours.keys()].filter((k) => k !== "upgrade-insecure-requests").sort(),
    );
    for (const [name, sources] of ours) {
      if (name === "upgrade-insecure-requests") continue;
      const expected = sources.map((s) =>
        s === "https://*.amazonaws.com"
          ? `https://${flatBucketName("dropzone")}.s3.<AWS::Region>.amazonaws.com`
          : s,
      );
      expect(edge.get(name), name).toEqual(expected);
    }
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("passes the ID-token cookie to the gateway as a bearer token, and sends a browser without it to sign in", () => {
    const code = one("AWS::CloudFront::Function");
    expect(code.FunctionCode).toBe(VIEWER_REQUEST_CODE);
    expect((code.FunctionConfig as Json).Runtime).toBe("cloudfront-js-2.0");
    const handler = new Function(`${VIEWER_REQUEST_CODE}; return handler;`)() as (e: Json) => Json;
    const request = (uri: string, cookies: Json = {}, headers: Json = {}) => ({
      request: { uri, cookies, headers, querystring: {}, method: "GET" },
    });

    const signedIn = handler(request("/aanleveren", { [ID_COOKIE]: { value: "tok.en.sig" } }));
    expect((signedIn.headers as Json).authorization).toEqual({ value: "Bearer tok.en.sig" });

    const anonymous = handler(request("/aanleveren"));
    expect(anonymous.statusCode).toBe(303);
    expect(((anonymous.headers as Json).location as Json).value).toBe("/auth/login?terug=%2Faanleveren");
    expect(((handler(request("/")).headers as Json).location as Json).value).toBe("/auth/login");

    // The sign-in steps pass without a token, and a viewer's own Authorization header is dropped.
    for (const uri of ["/inloggen", "/auth/callback"]) {
      const passed = handler(request(uri, {}, { authorization: { value: "Bearer forged" } }));
      expect(passed.uri).toBe(uri);
      expect((passed.headers as Json).authorization).toBeUndefined();
    }
  });

  it("forwards Authorization to the API only through a cache policy that caches nothing", () => {
    const config = distributionConfig();
    const id = (config.DefaultCacheBehavior as Json).CachePolicyId as Json;
    const [, policy] = resourcesOf(portal, "AWS::CloudFront::CachePolicy").find(([k]) => k === id.Ref) as [
      string,
      Json,
    ];
    const c = props(policy).CachePolicyConfig as Json;
    expect(c.DefaultTTL).toBe(0);
    expect(c.MinTTL).toBe(0);
    expect(c.MaxTTL as number).toBeLessThanOrEqual(1);
    const key = c.ParametersInCacheKeyAndForwardedToOrigin as Json;
    expect((key.HeadersConfig as Json).Headers).toEqual(["Authorization"]);
  });
});

describe("portal stack: API Gateway", () => {
  it("checks the Cognito JWT at the gateway on every route except the sign-in steps", () => {
    const authorizer = one("AWS::ApiGatewayV2::Authorizer");
    expect(authorizer.AuthorizerType).toBe("JWT");
    expect(authorizer.IdentitySource).toEqual(["$request.header.Authorization"]);
    const jwt = authorizer.JwtConfiguration as Json;
    expect(flat(jwt.Issuer)).toMatch(/^https:\/\/cognito-idp\.<AWS::Region>\.amazonaws\.com\/<Users.*>$/);
    expect(asList(jwt.Audience as Json[]).map(flat)).toEqual([expect.stringMatching(/^<UsersPortal.*>$/)]);

    const routes = resourcesOf(portal, "AWS::ApiGatewayV2::Route").map(([, r]) => props(r));
    const open = routes.filter((r) => r.AuthorizationType === "NONE").map((r) => r.RouteKey);
    expect(open.sort()).toEqual(["GET /auth/{step}", "GET /inloggen"]);
    const guarded = routes.filter((r) => r.AuthorizationType !== "NONE");
    expect(guarded.map((r) => r.RouteKey).sort()).toEqual(["ANY /", "ANY /{proxy+}"]);
    for (const r of guarded) {
      expect(r.AuthorizationType).toBe("JWT");
      expect(r.AuthorizerId).toBeDefined();
    }
  });

  it("logs every request into an encrypted log group and throttles", () => {
    const stage = one("AWS::ApiGatewayV2::Stage");
    expect(stage.StageName).toBe("$default");
    expect((stage.AccessLogSettings as Json).DestinationArn).toBeDefined();
    expect((stage.DefaultRouteSettings as Json).ThrottlingRateLimit).toBe(50);
  });
});

describe("portal stack: Cognito", () => {
  it("has no self sign-up, MFA optional with TOTP, a strong password policy and threat protection", () => {
    const pool = one("AWS::Cognito::UserPool");
    expect((pool.AdminCreateUserConfig as Json).AllowAdminCreateUserOnly).toBe(true);
    expect(pool.MfaConfiguration).toBe("OPTIONAL");
    expect(pool.EnabledMfas).toEqual(["SOFTWARE_TOKEN_MFA"]);
    expect((pool.Policies as Json).PasswordPolicy).toMatchObject({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
    expect((pool.UserPoolAddOns as Json).AdvancedSecurityMode).toBe("ENFORCED");
    const domain = one("AWS::Cognito::UserPoolDomain");
    expect(domain.ManagedLoginVersion).toBe(2);
    expect(resourcesOf(portal, "AWS::Cognito::ManagedLoginBranding")).toHaveLength(1);
  });

  it("has a public app client with the authorization code grant and the portal's callback", () => {
    const client = one("AWS::Cognito::UserPoolClient");
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(["code"]);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(asList(client.CallbackURLs as Json[]).map(flat)).toEqual([
      expect.stringMatching(/^https:\/\/<Distribution.*\.DomainName>\/auth\/callback$/),
    ]);
    expect(asList(client.LogoutURLs as Json[]).map(flat)).toEqual([
      expect.stringMatching(/^https:\/\/<Distribution.*\.DomainName>\/auth\/uitgelogd$/),
    ]);
    expect(client.SupportedIdentityProviders).toEqual(["COGNITO"]);
  });

  it("has the groups facilitator, igj and one per location of the config", () => {
    const groups = resourcesOf(portal, "AWS::Cognito::UserPoolGroup").map(([, g]) => props(g).GroupName);
    const codes = infraConfig().locations.map((l) => l.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(groups.sort()).toEqual(["facilitator", "igj", ...codes.map((c) => `location-${c}`)].sort());
  });
});

describe("portal stack: the portal function", () => {
  const fnName = "vbm-portal";

  it("gets exactly the configuration the handler parses", () => {
    const [, fn] = resourcesOf(portal, "AWS::Lambda::Function").find(
      ([, r]) => props(r).FunctionName === fnName,
    ) as [string, Json];
    const env = (props(fn).Environment as Json).Variables as Json;
    for (const key of Object.keys(portalEnv.shape)) expect(Object.keys(env), key).toContain(key);
    expect(flat(env.PORTAL_URL)).toMatch(/^https:\/\/<Distribution.*\.DomainName>$/);
    expect(env.MAX_FILE_MB).toBe("50");
    expect(env.COGNITO_DOMAIN).toBeDefined();
    expect(flat(env.COGNITO_DOMAIN)).toBe("vbm-<AWS::AccountId>.auth.<AWS::Region>.amazoncognito.com");
    expect(props(fn).Timeout).toBeLessThanOrEqual(29);
  });

  it("may sign uploads into the drop zone's <LOC>/<YYYY-Qn>/ and occupancy/ keys only, and writes nowhere else", () => {
    const statements = statementsForFunction(portal, fnName);
    const actions = actionsOn(statements);
    expect(actions.get("s3:PutObject")).toEqual([
      `arn:<AWS::Partition>:s3:::${flatBucketName("dropzone")}/??/????-Q?/*`,
      `arn:<AWS::Partition>:s3:::${flatBucketName("dropzone")}/occupancy/*`,
    ]);
    for (const a of ["s3:DeleteObject", "s3:PutObjectAcl"]) expect(actions.has(a), a).toBe(false);
    // The presigned upload's SSE-KMS: the data key through S3 only.
    const dataKey = statements.find((s) => s.Sid === "UseDataKeyThroughS3");
    expect(asList(dataKey?.Action)).toContain("kms:GenerateDataKey");
    expect(flat(dataKey?.Condition?.StringEquals?.["kms:ViaService"])).toBe("s3.<AWS::Region>.amazonaws.com");
    // The CSRF secret: a MAC with the portal's own key, nothing else of KMS MACs.
    const mac = statements.filter((s) => asList(s.Action).includes("kms:GenerateMac"));
    expect(mac).toHaveLength(1);
    expect(flat(asList(mac[0]?.Resource)[0])).toMatch(/^<CsrfKey.*\.Arn>$/);
    // Reads receipts, documents and the delivery and occupancy logs; of the quarantine only the
    // occupancy reports; never the measures, the aggregates bucket or Athena.
    expect(actions.get("s3:GetObject")?.filter((r) => r.includes("vbm-quarantine"))).toEqual([
      `arn:<AWS::Partition>:s3:::${flatBucketName("quarantine")}/_occupancy/*`,
    ]);
    const all = JSON.stringify(statements.map((s) => asList(s.Resource).map(flat)));
    expect(all).toContain("/receipts/*");
    expect(all).toContain("/delivery-log/*");
    expect(all).not.toContain("/measures/");
    expect(all).not.toContain("vbm-aggregates");
    expect([...actions.keys()].filter((a) => a.startsWith("athena:") || a.startsWith("glue:"))).toEqual([]);
  });

  it("starts the facilitator's actions by invoking exactly the two document functions", () => {
    const actions = actionsOn(statementsForFunction(portal, fnName));
    expect(actions.get("lambda:InvokeFunction")).toEqual([
      "arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:vbm-national-report",
      "arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:vbm-send-factsheets",
    ]);
  });

  it("keeps the CSRF key's MAC to the portal's role", () => {
    const key = one("AWS::KMS::Key");
    expect(key.KeySpec).toBe("HMAC_256");
    const deny = statementsOf(key.KeyPolicy).find((s) => s.Effect === "Deny");
    expect(asList(deny?.Action).sort()).toEqual(["kms:GenerateMac", "kms:VerifyMac"]);
    expect(flat(deny?.Condition?.ArnNotEquals?.["aws:PrincipalArn"])).toBe(
      "arn:<AWS::Partition>:iam::<AWS::AccountId>:role/vbm-portal-function",
    );
  });

  it("deploys the static files built at synth to static/ in the assets bucket", () => {
    const deployment = one("Custom::CDKBucketDeployment");
    expect(deployment.DestinationBucketKeyPrefix).toBe("static/");
    expect(deployment.Prune).toBe(true);
    // Built by functions/portal/assets.ts at synth, next to the templates.
    const built = readdirSync(join(assembly.dir, "portal-static"));
    expect(built).toContain("portal.css");
    const [, bucketDeployment] = resourcesOf(portal, "Custom::CDKBucketDeployment")[0] as [string, Json];
    expect(JSON.stringify(props(bucketDeployment).SourceObjectKeys)).toMatch(/\.zip/);
  });
});
