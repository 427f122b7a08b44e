/**
 * AWS upload target of the portal: a presigned POST straight into the drop-zone bucket, so the
 * file never passes through the portal Lambda. The policy pins the exact key (which the portal
 * built from the signed-in user's location, the quarter, the scope and the safe file name), the
 * size range and SSE-KMS with the data key, and expires after a few minutes.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { deliveryKey } from "../../../schemas/delivery.ts";
import type { UploadTarget } from "../../portal/types.ts";

export function createPresignedUpload(opts: {
  client: S3Client;
  bucket: string;
  /** The data key (ARN or id) the drop-zone bucket requires. */
  kmsKeyId: string;
  maxBytes: number;
  expiresSeconds?: number;
}): UploadTarget {
  return {
    kind: "presigned-post",
    async presign({ location, quarter, scope, fileName }) {
      const key = deliveryKey(location, quarter, scope, fileName);
      const sse = {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": opts.kmsKeyId,
      };
      const { url, fields } = await createPresignedPost(opts.client, {
        Bucket: opts.bucket,
        Key: key, // adds the condition {key: <key>}: exactly this key, nothing else
        Conditions: [
          ["starts-with", "$key", deliveryKey(location, quarter, scope, "")],
          ["content-length-range", 1, opts.maxBytes],
          ...Object.entries(sse).map(([k, v]) => ({ [k]: v })),
        ],
        Fields: sse,
        Expires: opts.expiresSeconds ?? 300,
      });
      return { url, fields, key };
    },
  };
}
