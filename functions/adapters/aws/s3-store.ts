import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import type { Area, ObjectStore } from "../../ports.ts";
import { describeError } from "./describe-error.ts";

/** An S3 call failed for another reason than a missing object. `cause` is the SDK error. */
export class ObjectStoreError extends Error {
  override readonly name = "ObjectStoreError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface S3Location {
  bucket: string;
  /** Key prefix of the area inside the bucket, e.g. `receipts/`; a missing trailing `/` is added. */
  prefix?: string;
}

export interface S3StoreOptions {
  /** A ready client (shared, or mocked in tests) or the config to create one (any S3-compatible endpoint). */
  client: S3Client | S3ClientConfig;
  buckets: Record<Area, S3Location>;
  /** `MaxKeys` per ListObjectsV2 page; S3's default (1000) when not given. */
  pageSize?: number;
}

/** The same rule as the folder store, so a key that works locally works on S3 and vice versa. */
function checkKey(key: string): void {
  const parts = key.split("/");
  if (key.startsWith("/") || parts.some((p) => p === ".." || p === "." || p === ""))
    throw new RangeError(`unsafe object key: ${key}`);
}

/** S3 reports a missing object as `NoSuchKey` (GET) or a bare 404 `NotFound` (HEAD, no body). */
function isMissing(error: unknown): boolean {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  if (e?.name === "NoSuchKey" || e?.name === "NotFound") return true;
  return e?.$metadata?.httpStatusCode === 404 && e.name !== "NoSuchBucket";
}

/** S3 answers a failed `If-None-Match` with 412, and a concurrent conditional write with 409. */
function conditionFailed(error: unknown): "exists" | "conflict" | null {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  if (e?.name === "PreconditionFailed" || e?.$metadata?.httpStatusCode === 412) return "exists";
  if (e?.name === "ConditionalRequestConflict" || e?.$metadata?.httpStatusCode === 409) return "conflict";
  return null;
}

/** CopySource: bucket and URI-encoded key (slashes kept), with the version when given. */
function copySource(bucket: string, key: string, version?: string): string {
  const encoded = key.split("/").map(encodeURIComponent).join("/");
  return `${bucket}/${encoded}${version ? `?versionId=${encodeURIComponent(version)}` : ""}`;
}

/**
 * The object store on S3: each area is a bucket plus an optional key prefix, added to and
 * stripped from keys transparently. Buckets encrypt with their default SSE-KMS key, so no
 * encryption headers are sent. Keys are passed to the SDK as they are (it URI-encodes them).
 */
export function createS3Store(opts: S3StoreOptions): ObjectStore {
  const client = opts.client instanceof S3Client ? opts.client : new S3Client(opts.client);
  const locate = (area: Area) => {
    const { bucket, prefix = "" } = opts.buckets[area];
    return { bucket, prefix: prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/` };
  };
  const fail = (operation: string, bucket: string, key: string, cause: unknown) =>
    new ObjectStoreError(`S3 ${operation} s3://${bucket}/${key} failed: ${describeError(cause)}`, { cause });

  return {
    async put(area, key, body, contentType) {
      checkKey(key);
      const { bucket, prefix } = locate(area);
      const input = { Bucket: bucket, Key: prefix + key, Body: body, ContentType: contentType };
      try {
        const out = await client.send(new PutObjectCommand(input));
        return { version: out.VersionId };
      } catch (e) {
        throw fail("PutObject", bucket, input.Key, e);
      }
    },

    async putIfAbsent(area, key, body, contentType) {
      checkKey(key);
      const { bucket, prefix } = locate(area);
      const input = {
        Bucket: bucket,
        Key: prefix + key,
        Body: body,
        ContentType: contentType,
        IfNoneMatch: "*",
      };
      for (let attempt = 1; ; attempt++) {
        try {
          await client.send(new PutObjectCommand(input));
          return true;
        } catch (e) {
          const failed = conditionFailed(e);
          if (failed === "exists") return false;
          // 409: another conditional write to this key is in flight; S3 asks to retry.
          if (failed === "conflict" && attempt < 4) {
            await new Promise((r) => setTimeout(r, 50 * attempt));
            continue;
          }
          if (failed === "conflict") return false;
          throw fail("PutObject", bucket, input.Key, e);
        }
      }
    },

    async head(area, key, options) {
      checkKey(key);
      const { bucket, prefix } = locate(area);
      try {
        const out = await client.send(
          new HeadObjectCommand({ Bucket: bucket, Key: prefix + key, VersionId: options?.version }),
        );
        return {
          size: out.ContentLength ?? 0,
          lastModified: out.LastModified ?? new Date(0),
          version: out.VersionId,
        };
      } catch (e) {
        if (isMissing(e)) return undefined;
        throw fail("HeadObject", bucket, prefix + key, e);
      }
    },

    async copy(from, to) {
      checkKey(from.key);
      checkKey(to.key);
      const source = locate(from.area);
      const target = locate(to.area);
      try {
        await client.send(
          new CopyObjectCommand({
            Bucket: target.bucket,
            Key: target.prefix + to.key,
            CopySource: copySource(source.bucket, source.prefix + from.key, from.version),
          }),
        );
      } catch (e) {
        throw fail("CopyObject", target.bucket, target.prefix + to.key, e);
      }
    },

    async get(area, key, options) {
      checkKey(key);
      const { bucket, prefix } = locate(area);
      try {
        const out = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: prefix + key, VersionId: options?.version }),
        );
        if (!out.Body) throw new Error("response without a body");
        return { body: await out.Body.transformToByteArray(), version: out.VersionId };
      } catch (e) {
        if (isMissing(e)) return undefined;
        throw fail("GetObject", bucket, prefix + key, e);
      }
    },

    async exists(area, key) {
      checkKey(key);
      const { bucket, prefix } = locate(area);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix + key }));
        return true;
      } catch (e) {
        if (isMissing(e)) return false;
        throw fail("HeadObject", bucket, prefix + key, e);
      }
    },

    async list(area, keyPrefix) {
      const { bucket, prefix } = locate(area);
      const keys: string[] = [];
      let token: string | undefined;
      do {
        try {
          const page = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix + keyPrefix,
              ContinuationToken: token,
              MaxKeys: opts.pageSize,
            }),
          );
          for (const { Key } of page.Contents ?? []) {
            // Skip "folder" placeholder objects (keys ending in `/`): the folder store lists files only.
            if (Key?.startsWith(prefix) && !Key.endsWith("/")) keys.push(Key.slice(prefix.length));
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } catch (e) {
          throw fail("ListObjectsV2", bucket, prefix + keyPrefix, e);
        }
      } while (token);
      return keys.sort();
    },

    async delete(area, key) {
      checkKey(key);
      const { bucket, prefix } = locate(area);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix + key }));
      } catch (e) {
        throw fail("DeleteObject", bucket, prefix + key, e);
      }
    },
  };
}
