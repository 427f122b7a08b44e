import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { createPresignedUpload } from "../../../functions/adapters/aws/presigned-upload.ts";

describe("presigned POST into the drop zone", () => {
  it("pins the key, the size range and SSE-KMS with the data key", async () => {
    const target = createPresignedUpload({
      client: new S3Client({
        region: "eu-west-1",
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      }),
      bucket: "vbm-dropzone",
      kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/data",
      maxBytes: 50 * 1024 * 1024,
    });
    expect(target.kind).toBe("presigned-post");
    const post = await target.presign?.({
      location: "AB",
      quarter: "2023-Q1",
      scope: "all",
      fileName: "export.csv",
    });
    expect(post?.key).toBe("AB/2023-Q1/all/export.csv");
    expect(post?.url).toMatch(/^https:\/\/vbm-dropzone\.s3\.eu-west-1\.amazonaws\.com\/?$/);
    expect(post?.fields).toMatchObject({
      key: "AB/2023-Q1/all/export.csv",
      "x-amz-server-side-encryption": "aws:kms",
      "x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-west-1:123456789012:key/data",
    });
    const policy = JSON.parse(Buffer.from(post?.fields.Policy ?? "", "base64").toString("utf8")) as {
      conditions: unknown[];
    };
    expect(policy.conditions).toContainEqual({ key: "AB/2023-Q1/all/export.csv" });
    expect(policy.conditions).toContainEqual(["starts-with", "$key", "AB/2023-Q1/all/"]);
    expect(policy.conditions).toContainEqual(["content-length-range", 1, 50 * 1024 * 1024]);
    expect(policy.conditions).toContainEqual({ "x-amz-server-side-encryption": "aws:kms" });
  });
});
