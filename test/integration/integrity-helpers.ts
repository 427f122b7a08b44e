/**
 * Helpers for the integrity tests: a fault-injecting store, and a check that a data dir is in
 * one complete state (the delivery status and the data agree) computed without the engine's
 * own notion of "current" — from the raw log lines and Parquet files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Area, ObjectStore } from "../../functions/ports.ts";

export class InjectedFault extends Error {
  override readonly name = "InjectedFault";
}

/**
 * Wraps a store so that the `failAt`-th write (put, putIfAbsent, copy, delete; counted from 1)
 * throws instead of writing. `writes` lists every write attempted, in order.
 */
export function faultyStore(inner: ObjectStore, failAt: number | null) {
  const writes: string[] = [];
  const guard = (what: string) => {
    writes.push(what);
    if (failAt !== null && writes.length === failAt)
      throw new InjectedFault(`injected failure of write ${failAt}: ${what}`);
  };
  const store: ObjectStore = {
    ...inner,
    async put(area: Area, key: string, body: Uint8Array, contentType?: string) {
      guard(`put ${area}/${key}`);
      return inner.put(area, key, body, contentType);
    },
    async putIfAbsent(area: Area, key: string, body: Uint8Array, contentType?: string) {
      guard(`putIfAbsent ${area}/${key}`);
      return inner.putIfAbsent(area, key, body, contentType);
    },
    async copy(from, to) {
      guard(`copy ${from.area}/${from.key} → ${to.area}/${to.key}`);
      return inner.copy(from, to);
    },
    async delete(area: Area, key: string) {
      guard(`delete ${area}/${key}`);
      return inner.delete(area, key);
    },
  };
  return { store, writes };
}

/** Every file under a folder, relative, sorted. */
export function filesUnder(dir: string): string[] {
  try {
    return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
      .sort();
  } catch {
    return [];
  }
}

export interface RawLogLine {
  attempt_id: string;
  status: string;
  rows: number;
  received_at: string;
  sequencer: string | null;
  curated_key: string | null;
  file_name: string;
}

/** The log lines of a location and quarter, read as plain JSON (every one must parse). */
export function rawLog(dataDir: string, location: string, quarter: string): RawLogLine[] {
  const dir = join(dataDir, "curated", "delivery-log", location, quarter);
  return filesUnder(dir)
    .filter((f) => !f.includes(".tmp-"))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as RawLogLine);
}

/** Rows of a Parquet file, counted by DuckDB directly. */
export async function parquetRows(file: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${file.replaceAll("'", "''")}')`,
    );
    return Number(r.getRowsJson()[0]?.[0]);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/**
 * The delivery that counts by the README's rule, computed here independently: of the accepted
 * log lines, the latest by (received_at, sequencer, attempt_id).
 */
export function expectedCurrent(lines: readonly RawLogLine[]): RawLogLine | null {
  const accepted = lines.filter((l) => l.status === "accepted");
  accepted.sort((a, b) =>
    a.received_at !== b.received_at
      ? a.received_at < b.received_at
        ? -1
        : 1
      : (a.sequencer ?? "") !== (b.sequencer ?? "")
        ? (a.sequencer ?? "") < (b.sequencer ?? "")
          ? -1
          : 1
        : a.attempt_id < b.attempt_id
          ? -1
          : 1,
  );
  return accepted.at(-1) ?? null;
}
