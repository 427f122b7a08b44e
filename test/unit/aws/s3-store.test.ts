import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createS3Store, ObjectStoreError } from "../../../functions/adapters/aws/s3-store.ts";
import type { Area } from "../../../functions/ports.ts";

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

const buckets: Record<Area, { bucket: string; prefix?: string }> = {
  dropzone: { bucket: "vbm-dropzone" },
  quarantine: { bucket: "vbm-quarantine" },
  curated: { bucket: "vbm-curated" },
  receipts: { bucket: "vbm-reports", prefix: "receipts/" },
  reports: { bucket: "vbm-reports", prefix: "documents/" },
  aggregates: { bucket: "vbm-aggregates", prefix: "" },
  config: { bucket: "vbm-reports", prefix: "config" },
  mail: { bucket: "vbm-reports", prefix: "mail/" },
};

function store() {
  return createS3Store({ client: new S3Client({ region: "eu-west-1" }), buckets });
}

/** The part of a GetObject body the store uses. */
function body(bytes: Uint8Array): GetObjectCommandOutput["Body"] {
  return { transformToByteArray: async () => bytes } as unknown as GetObjectCommandOutput["Body"];
}

const meta = { $metadata: { httpStatusCode: 404 } };

describe("S3 object store (mocked SDK)", () => {
  it("puts an object under the area's bucket and prefix with its content type and no SSE headers", async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const bytes = new Uint8Array([0, 1, 2, 255]);

    // Act
    await store().put("receipts", "AB/2023-Q1/receipt.json", bytes, "application/json");
    await store().put("curated", "measures/x.parquet", bytes);

    // Assess
    const calls = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      {
        Bucket: "vbm-reports",
        Key: "receipts/AB/2023-Q1/receipt.json",
        Body: bytes,
        ContentType: "application/json",
      },
      { Bucket: "vbm-curated", Key: "measures/x.parquet", Body: bytes, ContentType: undefined },
    ]);
    expect(calls[0]).not.toHaveProperty("ServerSideEncryption");
  });

  it("adds the missing slash to an area prefix", async () => {
    s3.on(PutObjectCommand).resolves({});
    await store().put("config", "locations.json", new Uint8Array([1]));
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key).toBe("config/locations.json");
  });

  it("gets the bytes and the version of an object", async () => {
    // Prepare
    const bytes = new TextEncoder().encode("Nummer jongere;…");
    s3.on(GetObjectCommand, { Bucket: "vbm-reports", Key: "receipts/AB/r.json" }).resolves({
      Body: body(bytes),
      VersionId: "v42",
    });

    // Act
    const got = await store().get("receipts", "AB/r.json");

    // Assess
    expect(got).toEqual({ body: bytes, version: "v42" });
  });

  it("returns undefined for a missing key and false from exists", async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: "The specified key does not exist.", ...meta }));
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: "NotFound", ...meta }));

    expect(await store().get("dropzone", "AB/2023-Q1/missing.csv")).toBeUndefined();
    expect(await store().exists("dropzone", "AB/2023-Q1/missing.csv")).toBe(false);
  });

  it("says an existing object exists", async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: "NotFound", ...meta }));
    s3.on(HeadObjectCommand, { Bucket: "vbm-dropzone", Key: "AB/x.csv" }).resolves({ ContentLength: 3 });

    expect(await store().exists("dropzone", "AB/x.csv")).toBe(true);
    expect(await store().exists("dropzone", "AB/y.csv")).toBe(false);
  });

  it("does not mistake a missing bucket for a missing key", async () => {
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({ name: "NoSuchBucket", $fault: "client", message: "no bucket", ...meta }),
    );
    await expect(store().get("curated", "a.parquet")).rejects.toThrow(ObjectStoreError);
  });

  it("lists keys over several pages, relative to the area prefix and sorted", async () => {
    // Prepare
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [{ Key: "receipts/AB/2023-Q2/b.json" }, { Key: "receipts/AB/" }],
        IsTruncated: true,
        NextContinuationToken: "page-2",
      })
      .resolvesOnce({ Contents: [{ Key: "receipts/AB/2023-Q1/a.json" }], IsTruncated: false });

    // Act
    const keys = await store().list("receipts", "AB/");

    // Assess
    expect(keys).toEqual(["AB/2023-Q1/a.json", "AB/2023-Q2/b.json"]);
    const inputs = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(inputs).toMatchObject([
      { Bucket: "vbm-reports", Prefix: "receipts/AB/", ContinuationToken: undefined },
      { Bucket: "vbm-reports", Prefix: "receipts/AB/", ContinuationToken: "page-2" },
    ]);
  });

  it("lists nothing from an empty area", async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });
    expect(await store().list("quarantine", "")).toEqual([]);
  });

  it("deletes an object", async () => {
    s3.on(DeleteObjectCommand).resolves({});
    await store().delete("receipts", "AB/r.json");
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: "vbm-reports",
      Key: "receipts/AB/r.json",
    });
  });

  it("wraps other errors with bucket and key, keeping the SDK error as cause", async () => {
    // Prepare
    const denied = new S3ServiceException({
      name: "AccessDenied",
      $fault: "client",
      message: "Access Denied",
      $metadata: { httpStatusCode: 403 },
    });
    s3.on(GetObjectCommand).rejects(denied);
    s3.on(PutObjectCommand).rejects(denied);
    s3.on(ListObjectsV2Command).rejects(denied);

    // Act
    const error = await store()
      .get("receipts", "AB/r.json")
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect((error as Error).message).toContain("s3://vbm-reports/receipts/AB/r.json");
    expect((error as Error).message).toContain("AccessDenied");
    expect((error as Error).cause).toBe(denied);
    await expect(store().put("curated", "x.parquet", new Uint8Array())).rejects.toThrow(
      /PutObject s3:\/\/vbm-curated\/x\.parquet failed/,
    );
    await expect(store().list("receipts", "AB/")).rejects.toThrow(/s3:\/\/vbm-reports\/receipts\/AB\//);
  });

  it("refuses the keys the folder store refuses, without calling S3", async () => {
    await expect(store().put("curated", "../outside", new Uint8Array())).rejects.toThrow(RangeError);
    await expect(store().get("curated", "/abs")).rejects.toThrow(RangeError);
    await expect(store().exists("curated", "a//b")).rejects.toThrow(RangeError);
    expect(s3.calls()).toHaveLength(0);
  });

  it("creates its own client from a client config", async () => {
    s3.on(PutObjectCommand).resolves({});
    const own = createS3Store({ client: { region: "eu-west-1" }, buckets });
    await own.put("dropzone", "AB/x.csv", new Uint8Array([1]));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });
});
