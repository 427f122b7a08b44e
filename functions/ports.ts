/**
 * Ports: what the core needs from the outside world. The core takes these as arguments and
 * never knows whether it runs locally (folder, key file, DuckDB) or on AWS (S3, KMS, Athena).
 */

/**
 * Logical storage areas. Locally a sub-folder of the data dir; on AWS a bucket (and prefix).
 * `mail`: verdict e-mails waiting to be sent and their send status.
 */
export type Area =
  | "dropzone"
  | "quarantine"
  | "curated"
  | "receipts"
  | "reports"
  | "aggregates"
  | "config"
  | "mail";

export interface StoredObject {
  body: Uint8Array;
  /** Version of the object when the store versions objects (S3), else undefined. */
  version?: string | undefined;
}

export interface ObjectInfo {
  size: number;
  lastModified: Date;
  version?: string | undefined;
}

/** Selects one version of an object (S3 version id); without it, the latest. */
export interface VersionOption {
  version?: string | undefined;
}

export interface ObjectStore {
  /**
   * Writes the whole object at once: readers see the old or the new object, never a part. The
   * object is durable when the promise resolves (locally: fsynced before the rename).
   */
  put(
    area: Area,
    key: string,
    body: Uint8Array,
    contentType?: string,
  ): Promise<{ version?: string | undefined }>;
  /**
   * Writes the object only when no object exists under the key (S3 `If-None-Match: *`; locally an
   * atomic link). Returns false, writing nothing, when one exists. Two concurrent callers: one wins.
   */
  putIfAbsent(area: Area, key: string, body: Uint8Array, contentType?: string): Promise<boolean>;
  get(area: Area, key: string, options?: VersionOption): Promise<StoredObject | undefined>;
  /** Size and time of an object without reading it; undefined when it does not exist. */
  head(area: Area, key: string, options?: VersionOption): Promise<ObjectInfo | undefined>;
  exists(area: Area, key: string): Promise<boolean>;
  /** Copies an object inside the store without passing its bytes through this process (S3 CopyObject). */
  copy(
    from: { area: Area; key: string; version?: string | undefined },
    to: { area: Area; key: string },
  ): Promise<void>;
  /** Keys under a prefix, sorted. */
  list(area: Area, prefix: string): Promise<string[]>;
  delete(area: Area, key: string): Promise<void>;
}

export interface Pseudonymiser {
  /** Identifies the key (material + domain prefix); recorded with every delivery. */
  readonly keyVersion: string;
  /** Pseudonyms for normalised youth numbers (deduplicate before calling). */
  pseudonymise(youthNumbers: readonly string[]): Promise<Map<string, string>>;
}

export type SqlValue = string | number | boolean | null;
export type Row = Record<string, SqlValue>;

export interface QueryEngine {
  readonly dialect: "duckdb" | "athena";
  /**
   * Objects of the run's snapshot that could not be read (damaged log line, truncated Parquet),
   * with the location and quarter they belong to; they are left out of every table. A caller
   * refuses figures whose scope they touch (see `brokenInScope` in core/current.ts).
   */
  readonly broken: readonly {
    key: string;
    location: string | null;
    quarter: string | null;
    problem: string;
  }[];
  /** Runs one bare SELECT (Athena/Trino dialect) with `?` parameters. */
  query(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** Structured logs. Callers never pass youth numbers or reason texts. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Ports {
  store: ObjectStore;
  pseudonymiser: Pseudonymiser;
  clock: Clock;
  logger: Logger;
}

export interface MailAttachment {
  filename: string;
  content: Uint8Array;
  contentType: string;
}

export interface MailMessage {
  to: readonly string[];
  subject: string;
  /** Plain-text body (always present, for mail clients without HTML). */
  text: string;
  html?: string;
  attachments?: readonly MailAttachment[];
  /** Stable id for idempotent sending (e.g. `factsheet/2023-Q1/AB`); goes into a header. */
  idempotencyKey?: string;
}

export interface Mailer {
  /** Sends (or, locally, writes to the outbox) one message; returns the provider's message id. */
  send(message: MailMessage): Promise<{ messageId: string }>;
}
