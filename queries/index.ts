/**
 * The reviewed SQL of the product: one bare query per `queries/<name>.sql`, in the Athena
 * engine v3 (Trino) dialect that DuckDB also runs unchanged, with positional `?` parameters.
 *
 * Each file declares its parameters by name in a header line `-- @params a, b, ...` (one name
 * per `?`, in order); `bindParams` turns named values into the positional list.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SqlValue } from "../functions/ports.ts";

const dir = fileURLToPath(new URL(".", import.meta.url));
const cache = new Map<string, string>();

/** Names of all queries (file names without `.sql`), sorted. */
export function queryNames(): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.slice(0, -".sql".length))
    .sort();
}

/** The text of `queries/<name>.sql` (read once, then cached). */
export function loadQuery(name: string): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`invalid query name: ${name}`);
  const text = readFileSync(new URL(`./${name}.sql`, import.meta.url), "utf8");
  cache.set(name, text);
  return text;
}

/** sha256 (hex) of the query file text, to record in release manifests which SQL produced a figure. */
export function queryHash(name: string): string {
  return createHash("sha256").update(loadQuery(name), "utf8").digest("hex");
}

/** The parameter names declared in the `-- @params` header line, in `?` order. */
export function queryParams(name: string): string[] {
  const match = /^--\s*@params\s+(.+)$/m.exec(loadQuery(name));
  if (!match?.[1]) return [];
  return match[1].split(",").map((p) => p.trim());
}

/** Positional parameters for a query from named values; throws when a declared name has no value. */
export function bindParams(name: string, values: Readonly<Record<string, SqlValue>>): SqlValue[] {
  return queryParams(name).map((param) => {
    if (!Object.hasOwn(values, param)) throw new Error(`query ${name}: no value for parameter ${param}`);
    return values[param] as SqlValue;
  });
}
