/**
 * Ports: what the core needs from the outside world. The core takes these as arguments and
 * never knows whether it runs locally (folder, key file, DuckDB) or on AWS (S3, KMS, Athena).
 */

/** Logical storage areas. Locally a sub-folder of the data dir; on AWS a bucket (and prefix). */
export type Area = "dropzone" | "quarantine" | "curated" | "receipts" | "reports" | "aggregates" | "config";

export interface StoredObject {
  body: Uint8Array;
  /** Version of the object when the store versions objects (S3), else undefined. */
  version?: string | undefined;
}

export interface ObjectStore {
  /** Writes the whole object at once: readers see the old or the new object, never a part. */
  put(area: Area, key: string, body: Uint8Array, contentType?: string): Promise<void>;
  get(area: Area, key: string): Promise<StoredObject | undefined>;
  exists(area: Area, key: string): Promise<boolean>;
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
