import { execFileSync } from "node:child_process";
import { join } from "node:path";
import {
  Aws,
  CfnOutput,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Stage,
  Validations,
} from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import type { Construct } from "constructs";
import { ID_COOKIE } from "../../functions/portal/aws.ts";
import { type InfraConfig, repoRoot } from "../config.ts";
import { LeastPrivilegePolicy, type Permission } from "../constructs/least-privilege-policy.ts";
import { acknowledgeBucketDeploymentProvider } from "../constructs/locations-config.ts";
import { PipelineFunction } from "../constructs/pipeline-function.ts";
import {
  bucketArn,
  bucketName,
  CURATED_PREFIXES,
  DATABASES,
  DROPZONE_UPLOAD_PATTERN,
  FUNCTIONS,
  functionRoleName,
  objectsArn,
  PORTAL_GROUPS,
  REPORTS_PREFIXES,
  roleArn,
  WORKGROUPS,
} from "../naming.ts";
import { dataKeyThroughS3, readLocationsConfig } from "../permissions.ts";

export interface PortalStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly dataKey: kms.IKey;
}

/** Paths the gateway serves without a token: the way to sign in and out. */
export const PUBLIC_PATHS = ["/inloggen", "/auth/"] as const;

/**
 * The Content Security Policy of the portal, the same directives as functions/portal/app.ts
 * sets, with the one upload origin (the drop zone) instead of `https://*.amazonaws.com`: no
 * inline script or style, no other origins, no analytics.
 */
export function portalCsp(): string {
  const dropzone = `https://${bucketName("dropzone")}.s3.${Aws.REGION}.amazonaws.com`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${dropzone}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    `form-action 'self' ${dropzone}`,
  ].join("; ");
}

/**
 * CloudFront Function on the API behaviour: copies the ID-token cookie into
 * `Authorization: Bearer` for the gateway's JWT authorizer, and sends a browser without the
 * cookie (never signed in, or the token expired: the cookie lives as long as the token) to
 * sign in (and back to the page it asked for) instead of the gateway's bare 401. It checks nothing itself: the gateway
 * and the app verify the token.
 */
export const VIEWER_REQUEST_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === "/inloggen" || uri.indexOf("/auth/") === 0) {
    delete request.headers.authorization;
    return request;
  }
  var cookie = request.cookies["${ID_COOKIE}"];
  if (cookie && cookie.value) {
    request.headers.authorization = { value: "Bearer " + cookie.value };
    return request;
  }
  var back = uri === "/" ? "" : "?terug=" + encodeURIComponent(uri);
  return {
    statusCode: 303,
    statusDescription: "See Other",
    headers: { location: { value: "/auth/login" + back }, "cache-control": { value: "no-store" } },
  };
}`;

/**
 * The portal: static assets in a private S3 bucket and the app as a Lambda behind an API
 * Gateway HTTP API, both behind one CloudFront distribution (HTTPS only, security headers), and
 * a Cognito user pool with managed login. The gateway checks the Cognito ID token (JWT
 * authorizer) on every route but the sign-in routes, and the app checks it again
 * (functions/portal/aws.ts). Locations upload with presigned POSTs straight into the drop zone.
 */
export class PortalStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly portal: PipelineFunction;
  readonly api: apigw.HttpApi;
  readonly distribution: cloudfront.Distribution;
  readonly assets: s3.Bucket;
  readonly portalUrl: string;

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    super(scope, id, props);
    const { config, dataKey } = props;
    const retainLogs = config.retainData;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    // --- Static assets: private bucket, read by CloudFront only (origin access control).
    this.assets = new s3.Bucket(this, "Assets", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ id: "expire-noncurrent-versions", noncurrentVersionExpiration: Duration.days(30) }],
      // Built from the repository on every deploy: nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.assets.node.defaultChild as s3.CfnBucket).acknowledge(
      {
        id: "AwsSolutions-S1",
        reason:
          "Holds only the portal's public stylesheet and scripts, rebuilt from the repository on every deploy and read by CloudFront alone; access logs would record CloudFront fetching CSS, while every request for data is logged by the API Gateway access log and the function.",
      },
      {
        id: "HIPAA.Security-S3BucketLoggingEnabled",
        reason:
          "Holds only the portal's public stylesheet and scripts, read by CloudFront alone; requests for data are logged by the API Gateway access log and the function.",
      },
      {
        id: "HIPAA.Security-S3DefaultEncryptionKMS",
        reason:
          "SSE-S3: the bucket holds no data, only the portal's public stylesheet and scripts; SSE-KMS would need the data key to admit CloudFront, widening the key policy for public files.",
      },
      {
        id: "HIPAA.Security-S3BucketReplicationEnabled",
        reason:
          "The portal's static files are built from the repository on every deploy; a replica would hold nothing that a redeploy does not restore.",
      },
    );
    this.deployAssets(dataKey, logRetention, retainLogs);

    // --- Cognito: managed login, no self sign-up, MFA available (TOTP), one group per role.
    this.userPool = new cognito.UserPool(this, "Users", {
      userPoolName: "vbm-portal",
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: "Uw account voor de VBM-monitor",
        emailBody:
          "U heeft een account voor de VBM-monitor. Uw gebruikersnaam is {username} en uw tijdelijke wachtwoord is {####}. Bij de eerste keer inloggen kiest u een eigen wachtwoord.",
      },
      userVerification: {
        emailSubject: "Uw verificatiecode voor de VBM-monitor",
        emailBody: "Uw verificatiecode is {####}.",
      },
      deletionProtection: config.retainData,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool.node.defaultChild as cognito.CfnUserPool).acknowledge({
      id: "AwsSolutions-COG2",
      reason:
        "MFA is available (TOTP) and offered, not required: accounts are created by the facilitator for named staff of a handful of locations, and threat protection (Plus, full function) asks for a second factor on risky sign-ins; requiring it is a one-line change once every location has an authenticator app.",
    });

    const domainPrefix = `vbm-${Aws.ACCOUNT_ID}`;
    const domain = this.userPool.addDomain("Login", {
      cognitoDomain: { domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const cognitoDomain = `${domainPrefix}.auth.${Aws.REGION}.amazoncognito.com`;

    for (const [name, description] of [
      [PORTAL_GROUPS.facilitator, "Netwerkbegeleider: alle locaties, landelijke cijfers en rapporten"],
      [PORTAL_GROUPS.igj, "Inspectie Gezondheidszorg en Jeugd: geaggregeerde cijfers"],
      ...config.locations.map((l) => [PORTAL_GROUPS.location(l.code), `Locatie ${l.code}: ${l.name}`]),
    ] as const)
      new cognito.CfnUserPoolGroup(this, `Group-${name}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: name,
        description: description.slice(0, 2048),
      });

    // --- The portal function (its role signs the presigned uploads).
    const csrfKey = new kms.Key(this, "CsrfKey", {
      alias: "alias/vbm-portal-csrf",
      description:
        "vbm-monitor portal: HMAC key the CSRF secret is derived from (GenerateMac of a fixed label)",
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      enableKeyRotation: false,
      pendingWindow: Duration.days(7),
      // A new key only invalidates the forms that are open at the moment.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    csrfKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "OnlyThePortalComputesTheCsrfSecret",
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ["kms:GenerateMac", "kms:VerifyMac"],
        resources: ["*"],
        conditions: { ArnNotEquals: { "aws:PrincipalArn": roleArn(functionRoleName(FUNCTIONS.portal)) } },
      }),
    );

    // The portal's origin, known before the distribution exists only as its domain name.
    this.api = new apigw.HttpApi(this, "Api", {
      apiName: "vbm-portal",
      description: "vbm-monitor portal (behind CloudFront)",
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, "ApiAccessLogs", {
      retention: logRetention,
      encryptionKey: dataKey,
      removalPolicy: retainLogs ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    });
    new apigw.HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });

    const cachePolicy = new cloudfront.CachePolicy(this, "ApiCachePolicy", {
      comment: "vbm-portal: pages are never cached; the Authorization header reaches the gateway",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList("Authorization"),
      cookieBehavior: cloudfront.CacheCookieBehavior.all(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "vbm-portal: CSP without inline code or other origins, HSTS, no framing, no referrer",
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: portalCsp(), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const viewerRequest = new cloudfront.Function(this, "ViewerRequest", {
      comment: "vbm-portal: ID-token cookie to Authorization header; sign-in redirect without it",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(VIEWER_REQUEST_CODE),
    });
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "vbm-monitor portal",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: new origins.HttpOrigin(`${this.api.apiId}.execute-api.${Aws.REGION}.amazonaws.com`, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: headers,
        functionAssociations: [
          { function: viewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        "/static/*": {
          origin: origins.S3BucketOrigin.withOriginAccessControl(this.assets),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: headers,
        },
      },
    });
    const distribution = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
    Validations.of(distribution).acknowledge(
      {
        id: "AwsSolutions-CFR1",
        reason:
          "No geo restriction: facilitators and inspectors may sign in from abroad; access is by personal Cognito account (threat protection, MFA available), checked at the gateway and in the app.",
      },
      {
        id: "AwsSolutions-CFR2",
        reason:
          "No WAF: a web ACL for CloudFront must live in us-east-1 and this app deploys into one region; the gateway throttles (50 requests/s), Cognito threat protection guards sign-in, and every data route needs a valid token.",
      },
      {
        id: "AwsSolutions-CFR3",
        reason:
          "No CloudFront standard logs: they need an ACL-enabled bucket, and the monitor's buckets enforce bucket-owner ownership (no ACLs); every dynamic request is logged by the API Gateway access log (encrypted with the data key) and the function.",
      },
      {
        id: "AwsSolutions-CFR4",
        reason:
          "Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; viewers use HTTPS only and HSTS, and a custom domain with a TLSv1.2_2021 policy is the documented next step (README, Deploy).",
      },
    );

    const portalUrl = `https://${this.distribution.distributionDomainName}`;
    this.portalUrl = portalUrl;
    this.client = this.userPool.addClient("Portal", {
      userPoolClientName: "vbm-portal",
      // A public client with PKCE: the code is exchanged by the function, no client secret to keep.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [`${portalUrl}/auth/callback`],
        logoutUrls: [`${portalUrl}/auth/uitgelogd`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
    });
    new cognito.CfnManagedLoginBranding(this, "LoginBranding", {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    }).addResourceDependency(domain.node.defaultChild as cognito.CfnUserPoolDomain);

    // The portal reads the delivery and occupancy logs (status, matrix, verdicts), receipts and
    // documents; it never reads the measures, runs no query, writes no curated data or document
    // and sends no mail: those actions go to the pipeline's functions.
    const functionArn = (name: string) =>
      `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:${name}`;
    const permissions: Permission[] = [
      {
        sid: "LocateBuckets",
        actions: ["s3:GetBucketLocation"],
        resources: [bucketArn("curated"), bucketArn("reports")],
      },
      {
        sid: "ListDeliveryAndOccupancyLogs",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("curated")],
        conditions: {
          StringLike: {
            "s3:prefix": [`${CURATED_PREFIXES.deliveryLog}*`, `${CURATED_PREFIXES.occupancyLog}*`],
          },
        },
      },
      {
        sid: "ReadDeliveryAndOccupancyLogs",
        actions: ["s3:GetObject"],
        resources: [
          objectsArn("curated", CURATED_PREFIXES.deliveryLog),
          objectsArn("curated", CURATED_PREFIXES.occupancyLog),
        ],
        wildcardReason:
          "one log line per location, quarter and attempt (delivery log) or per occupancy load: the delivery status, the matrix and the verdicts after an upload",
      },
      {
        sid: "ReadOccupancyReports",
        actions: ["s3:GetObject"],
        resources: [objectsArn("quarantine", "_occupancy/")],
        wildcardReason:
          "the validation report of each occupancy load, one per attempt id, shown to the facilitator who loaded it",
      },
      {
        sid: "ListReceiptsAndDocuments",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("reports")],
        conditions: {
          StringLike: {
            "s3:prefix": [
              `${REPORTS_PREFIXES.receipts}*`,
              `${REPORTS_PREFIXES.documents}*`,
              `${REPORTS_PREFIXES.mailRequests}*`,
              `${REPORTS_PREFIXES.mailStatus}*`,
            ],
          },
        },
      },
      {
        // The overview shows which verdict mails failed, and why (the provider's error).
        sid: "ReadVerdictMailStatus",
        actions: ["s3:GetObject"],
        resources: [objectsArn("reports", REPORTS_PREFIXES.mailStatus)],
        wildcardReason: "one status record per attempt id and try of the verdict mail",
      },
      {
        sid: "ReadReceiptsAndDocuments",
        actions: ["s3:GetObject"],
        resources: [
          objectsArn("reports", REPORTS_PREFIXES.receipts),
          objectsArn("reports", REPORTS_PREFIXES.documents),
        ],
        wildcardReason:
          "a location sees its receipts and factsheets, the facilitator all of them: one object per location, quarter and attempt below these prefixes (the routes check the role and location)",
      },
      {
        sid: "StartFacilitatorActions",
        actions: ["lambda:InvokeFunction"],
        resources: [functionArn(FUNCTIONS.sendFactsheets), functionArn(FUNCTIONS.nationalReport)],
      },
      readLocationsConfig(),
      {
        // The browser's presigned POST is authorised as the role that signed it: this one. Each
        // form's policy pins `<LOC>/<YYYY-Qn>/<scope>/` of the signed-in location, the size and
        // SSE-KMS with the data key; this statement keeps even the signer to that key shape.
        sid: "SignUploadsIntoTheDropZone",
        actions: ["s3:PutObject"],
        resources: [
          objectsArn("dropzone", DROPZONE_UPLOAD_PATTERN.slice(0, -1)),
          objectsArn("dropzone", "occupancy/"),
        ],
        wildcardReason:
          "the presigned POST a browser uses is signed with this role: any drop-zone key of the form <LOC>/<YYYY-Qn>/<scope>/<file> (a location; the form's own policy pins the signed-in location's prefix) or occupancy/<file> (the facilitator)",
      },
      // Reading receipts and documents, and the presigned uploads' SSE-KMS (GenerateDataKey).
      dataKeyThroughS3(dataKey),
      {
        sid: "DeriveCsrfSecret",
        actions: ["kms:GenerateMac"],
        resources: [csrfKey.keyArn],
      },
    ];
    this.portal = new PipelineFunction(this, "Portal", {
      functionName: FUNCTIONS.portal,
      description: "vbm-monitor: the portal (Hono app) behind API Gateway and CloudFront",
      entry: "functions/handlers/portal.ts",
      environment: {
        VBM_MODE: "aws",
        DROPZONE_BUCKET: bucketName("dropzone"),
        QUARANTINE_BUCKET: bucketName("quarantine"),
        CURATED_BUCKET: bucketName("curated"),
        REPORTS_BUCKET: bucketName("reports"),
        ATHENA_WORKGROUP: WORKGROUPS.facilitator,
        ATHENA_CURATED_DATABASE: DATABASES.curated,
        ATHENA_AGGREGATES_DATABASE: DATABASES.aggregates,
        AGGREGATES_BUCKET: bucketName("aggregates"),
        USER_POOL_ID: this.userPool.userPoolId,
        USER_POOL_CLIENT_ID: this.client.userPoolClientId,
        COGNITO_DOMAIN: cognitoDomain,
        PORTAL_URL: portalUrl,
        DATA_KEY_ARN: dataKey.keyArn,
        MAX_FILE_MB: String(config.maxFileMb),
        CSRF_KEY_ID: csrfKey.keyArn,
        SEND_FACTSHEETS_FUNCTION: FUNCTIONS.sendFactsheets,
        NATIONAL_REPORT_FUNCTION: FUNCTIONS.nationalReport,
      },
      // API Gateway waits at most 30 s.
      memorySize: 1024,
      timeout: Duration.seconds(29),
      logRetention,
      // The pages read logs, receipts and documents; the synth test checks the bundle against
      // the runtime files its code reads.
      runtimeFiles: ["parquet"],
      unusedParts: ["mail", "query"],
      dataKey,
      retainLogs,
      retryAttempts: 0,
      permissions,
    });

    // --- Routes: the sign-in steps are public, everything else needs a valid ID token.
    const integration = new HttpLambdaIntegration("PortalIntegration", this.portal.function, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    const authorizer = new HttpUserPoolAuthorizer("Cognito", this.userPool, {
      userPoolClients: [this.client],
      identitySource: ["$request.header.Authorization"],
    });
    this.api.addRoutes({ path: "/inloggen", methods: [apigw.HttpMethod.GET], integration });
    this.api.addRoutes({ path: "/auth/{step}", methods: [apigw.HttpMethod.GET], integration });
    this.api.addRoutes({ path: "/", methods: [apigw.HttpMethod.ANY], integration, authorizer });
    this.api.addRoutes({ path: "/{proxy+}", methods: [apigw.HttpMethod.ANY], integration, authorizer });
    for (const route of this.api.node.findAll()) {
      const cfn = route as apigw.CfnRoute;
      if (cfn.cfnResourceType !== "AWS::ApiGatewayV2::Route" || cfn.authorizationType !== "NONE") continue;
      Validations.of(cfn).acknowledge({
        id: "AwsSolutions-APIG4",
        reason:
          "A sign-in step (GET /inloggen, /auth/login, /auth/callback, /auth/uitgelogd): it runs before there is a token; the callback accepts only a code for its own state and PKCE verifier and verifies the ID token it gets.",
      });
    }

    new CfnOutput(this, "PortalUrl", { value: portalUrl, description: "The portal (CloudFront)" });
    new CfnOutput(this, "UserPoolId", { value: this.userPool.userPoolId });
    new CfnOutput(this, "ManagedLoginDomain", { value: `https://${cognitoDomain}` });
  }

  /**
   * Builds the portal's static files at synth (functions/portal/assets.ts, in a child process:
   * esbuild is asynchronous) and deploys them to `static/` in the assets bucket, with a role
   * that may write that prefix and read the deployment asset, nothing else.
   */
  private deployAssets(dataKey: kms.IKey, logRetention: logs.RetentionDays, retainLogs: boolean): void {
    const outdir = join(Stage.of(this)?.outdir ?? repoRoot, "portal-static");
    execFileSync(
      process.execPath,
      ["--import", "tsx", join(repoRoot, "infra/build-portal-assets.ts"), outdir],
      {
        cwd: repoRoot,
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    const logGroup = new logs.LogGroup(this, "AssetsDeploymentLogs", {
      retention: logRetention,
      encryptionKey: dataKey,
      removalPolicy: retainLogs ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, "AssetsDeploymentRole", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "Deploys the portal's static files into its assets bucket",
    });
    const cdkAssets = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    const policy = new LeastPrivilegePolicy(this, "AssetsDeploymentPolicy", {
      description: "Write the portal's static files from the deployment asset",
      roles: [role],
      permissions: [
        {
          sid: "WriteOwnLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [logGroup.logGroupArn],
        },
        {
          sid: "ReadDeploymentAsset",
          actions: ["s3:GetObject"],
          resources: [`arn:${Aws.PARTITION}:s3:::${cdkAssets}/*`],
          wildcardReason:
            "the CDK bootstrap assets bucket names the zipped static files by their content hash, known only after synthesis",
        },
        {
          sid: "SyncStaticPrefix",
          actions: ["s3:ListBucket"],
          resources: [this.assets.bucketArn],
          conditions: { StringLike: { "s3:prefix": ["static/*"] } },
        },
        {
          sid: "WriteStaticFiles",
          actions: ["s3:PutObject", "s3:DeleteObject"],
          resources: [this.assets.arnForObjects("static/*")],
          wildcardReason: "the stylesheet and the browser scripts, one object per file under static/",
        },
      ],
    });
    const deployment = new s3deploy.BucketDeployment(this, "AssetsDeployment", {
      sources: [s3deploy.Source.asset(outdir)],
      destinationBucket: this.assets,
      destinationKeyPrefix: "static/",
      prune: true,
      // The pages name the files without a content hash: CloudFront revalidates them.
      cacheControl: [s3deploy.CacheControl.noCache()],
      role: role.withoutPolicyUpdates(),
      logGroup,
    });
    deployment.node.addDependency(policy.policy);

    acknowledgeBucketDeploymentProvider(this, "the portal's static files");
  }
}
