/**
 * The portal on AWS: the Hono app behind API Gateway (HTTP API, payload 2.0) and CloudFront.
 * The static assets are not served here: CloudFront serves `/static/*` from the assets bucket.
 * Everything is built once per container: the configuration (parsed with zod), the runtime,
 * the Cognito identity, the presigned uploads and the CSRF secret.
 */
import { GenerateMacCommand, KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { createRuntimeFromEnv } from "../compose.ts";
import { parseEnv, portalEnv, storageEnv } from "../config.ts";
import { createPortalApp } from "../portal/app.ts";
import { createCognitoIdentity, createPipelineActions, createPresignedUpload } from "../portal/aws.ts";

/** The label whose MAC is the CSRF secret; changing it invalidates every open form once. */
export const CSRF_SECRET_LABEL = "vbm-portal-csrf-v1";

/**
 * The secret that signs the CSRF cookies: the KMS HMAC of a fixed label. Every container
 * derives the same secret, and it is stored nowhere (no secret in the environment, nothing to
 * rotate by hand); only the portal's role may compute it.
 */
async function csrfSecret(region: string, keyId: string): Promise<string> {
  const kms = new KMSClient({ region });
  const out = await kms.send(
    new GenerateMacCommand({
      KeyId: keyId,
      MacAlgorithm: "HMAC_SHA_256",
      Message: new TextEncoder().encode(CSRF_SECRET_LABEL),
    }),
  );
  if (!out.Mac) throw new Error("KMS returned no MAC for the CSRF secret");
  return Buffer.from(out.Mac).toString("base64url");
}

export async function createPortalHandler(env: Record<string, string | undefined>) {
  const config = parseEnv(portalEnv, env);
  const { AWS_REGION: region, DROPZONE_BUCKET } = parseEnv(storageEnv, env);
  const [runtime, sessionSecret] = await Promise.all([
    createRuntimeFromEnv(env),
    csrfSecret(region, config.CSRF_KEY_ID),
  ]);
  const identity = createCognitoIdentity({
    userPoolId: config.USER_POOL_ID,
    clientId: config.USER_POOL_CLIENT_ID,
    domain: config.COGNITO_DOMAIN,
    portalUrl: config.PORTAL_URL,
  });
  const app = createPortalApp({
    runtime,
    identity,
    upload: createPresignedUpload({
      client: new S3Client({ region }),
      bucket: DROPZONE_BUCKET,
      region,
      dataKeyArn: config.DATA_KEY_ARN,
      maxBytes: Math.round(config.MAX_FILE_MB * 1024 * 1024),
    }),
    actions: createPipelineActions({
      lambda: new LambdaClient({ region }),
      functions: {
        sendFactsheets: config.SEND_FACTSHEETS_FUNCTION,
        nationalReport: config.NATIONAL_REPORT_FUNCTION,
      },
    }),
    sessionSecret,
    https: true,
  });
  identity.routes(app);
  return handle(app);
}

let portal: ReturnType<typeof createPortalHandler> | undefined;
export async function handler(event: LambdaEvent, context: LambdaContext) {
  portal ??= createPortalHandler(process.env);
  return (await portal)(event, context);
}
