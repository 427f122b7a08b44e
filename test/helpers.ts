import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HEADER = [
  "Nummer jongere",
  "Datum start",
  "Tijd start",
  "Datum eind",
  "Tijd eind",
  "Aanleiding",
  "Type VBM",
  "Hulpverleningsplan",
];

/** Builds CSV text the way Dutch Excel writes it (`;`, CRLF), quoting where needed. */
export function csvText(
  rows: string[][],
  opts: { sep?: string; header?: string[]; eol?: string } = {},
): string {
  const sep = opts.sep ?? ";";
  const quote = (c: string) => (/[;,"\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  return (
    [opts.header ?? HEADER, ...rows].map((r) => r.map(quote).join(sep)).join(opts.eol ?? "\r\n") +
    (opts.eol ?? "\r\n")
  );
}

export function csvBytes(
  rows: string[][],
  opts: { sep?: string; header?: string[]; eol?: string; bom?: boolean } = {},
) {
  const text = csvText(rows, opts);
  const body = new TextEncoder().encode(text);
  if (!opts.bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix = "vbm-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Captures everything a CLI run prints. */
export function captureIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env },
    out: () => out.join("\n"),
    err: () => err.join("\n"),
  };
}
