/**
 * The S3 store against s3rver on loopback: real HTTP, real SDK serialisation and signing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Store, ObjectStoreError } from "../../../functions/adapters/aws/s3-store.ts";
import type { Area, ObjectStore } from "../../../functions/ports.ts";

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverServer;
const require = createRequire(import.meta.url);
const S3rver = require("s3rver") as S3rverConstructor;

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node ≥ 17)
 * only offers through its legacy provider: every truncated page fails with a 500. Triple DES
 * with the key repeated three times computes exactly single DES, so substitute it while the
 * server runs (s3rver calls these functions on the shared `crypto` module object).
 */
const crypto = require("node:crypto") as typeof import("node:crypto");
const original = { createCipheriv: crypto.createCipheriv, createDecipheriv: crypto.createDecipheriv };
function withoutSingleDes<F extends (algorithm: string, key: Buffer, ...rest: never[]) => unknown>(f: F): F {
  return ((algorithm: string, key: Buffer, ...rest: never[]) =>
    algorithm === "des"
      ? f("des-ede3-cbc", Buffer.concat([key, key, key]), ...rest)
      : f(algorithm, key, ...rest)) as F;
}

const buckets: Record<Area, { bucket: string; prefix?: string }> = {
  dropzone: { bucket: "dropzone" },
  quarantine: { bucket: "quarantine" },
  curated: { bucket: "curated" },
  receipts: { bucket: "reports", prefix: "receipts/" },
  reports: { bucket: "reports", prefix: "documents/" },
  aggregates: { bucket: "aggregates" },
  config: { bucket: "reports", prefix: "config/" },
  mail: { bucket: "reports", prefix: "mail/" },
};

let server: S3rverServer | undefined;
let directory = "";
let client: S3Client;
let store: ObjectStore;

beforeAll(async () => {
  crypto.createCipheriv = withoutSingleDes(original.createCipheriv as never);
  crypto.createDecipheriv = withoutSingleDes(original.createDecipheriv as never);
  directory = mkdtempSync(join(tmpdir(), "vbm-s3rver-"));
  server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    directory,
    silent: true,
    configureBuckets: ["dropzone", "quarantine", "curated", "reports", "aggregates"].map((name) => ({
      name,
    })),
  });
  const { port } = await server.run();
  client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: "eu-west-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  store = createS3Store({ client, buckets, pageSize: 2 });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
  Object.assign(crypto, original);
});

describe("S3 object store against s3rver", () => {
  it("round-trips every byte value exactly", async () => {
    // Prepare
    const bytes = new Uint8Array(512).map((_, i) => (i * 7) % 256);

    // Act
    await store.put("curated", "measures/location=AB/quarter=2023-Q1/delivery.parquet", bytes);
    const got = await store.get("curated", "measures/location=AB/quarter=2023-Q1/delivery.parquet");

    // Assess
    expect(got?.body).toEqual(bytes);
  });

  it("replaces an object and keeps keys with spaces and non-ASCII characters intact", async () => {
    const key = "AB/2023-Q1/levering één (2).csv";
    await store.put("dropzone", key, new TextEncoder().encode("old"), "text/csv");
    await store.put("dropzone", key, new TextEncoder().encode("new"), "text/csv");

    expect(new TextDecoder().decode((await store.get("dropzone", key))?.body)).toBe("new");
    expect(await store.list("dropzone", "AB/")).toEqual([key]);
  });

  it("lists under a prefix across pages, relative to the area prefix", async () => {
    // Prepare: five receipts for AB, one for CD and a config object in the same bucket.
    const keys = ["AB/2023-Q3/e.json", "AB/2023-Q1/a.json", "AB/2023-Q2/c.json", "AB/2023-Q1/b.json"];
    keys.push("AB/2023-Q2/d.json");
    for (const key of [...keys, "CD/2023-Q1/x.json"]) await store.put("receipts", key, new Uint8Array([1]));
    await store.put("config", "AB/locations.json", new Uint8Array([2]));

    // Act
    const listed = await store.list("receipts", "AB/");

    // Assess: five keys with a page size of two means three pages.
    expect(listed).toEqual([...keys].sort());
    expect(await store.list("receipts", "")).toHaveLength(6);
    expect(await store.list("config", "")).toEqual(["AB/locations.json"]);
  });

  it("tells whether an object exists and deletes it", async () => {
    await store.put("quarantine", "AB/2023-Q1/bad.csv", new Uint8Array([3]));
    expect(await store.exists("quarantine", "AB/2023-Q1/bad.csv")).toBe(true);

    await store.delete("quarantine", "AB/2023-Q1/bad.csv");

    expect(await store.exists("quarantine", "AB/2023-Q1/bad.csv")).toBe(false);
    expect(await store.get("quarantine", "AB/2023-Q1/bad.csv")).toBeUndefined();
    expect(await store.list("quarantine", "AB/")).toEqual([]);
  });

  it("returns undefined for a key that was never written", async () => {
    expect(await store.get("receipts", "ZZ/2023-Q1/none.json")).toBeUndefined();
    expect(await store.exists("receipts", "ZZ/2023-Q1/none.json")).toBe(false);
  });

  it("fails with ObjectStoreError when the bucket does not exist", async () => {
    const wrong = createS3Store({ client, buckets: { ...buckets, curated: { bucket: "no-such-bucket" } } });
    await expect(wrong.get("curated", "a.parquet")).rejects.toThrow(ObjectStoreError);
    await expect(wrong.put("curated", "a.parquet", new Uint8Array([1]))).rejects.toThrow(
      /s3:\/\/no-such-bucket\/a\.parquet/,
    );
  });
});
