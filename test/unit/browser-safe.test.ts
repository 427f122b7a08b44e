import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Reading and validating a file must also run in a web browser (an upload page that checks a
 * file before it leaves the user's machine). Walk the import graph of the validators and make
 * sure no module in it uses Node-only APIs.
 */
const root = resolve(import.meta.dirname, "../..");
const entries = ["functions/core/validate/delivery.ts", "functions/core/validate/occupancy.ts"];

function graph(): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, "utf8");
    seen.set(file, text);
    for (const m of text.matchAll(/^import\s(?!type\s)[^;]*?from\s+"(\.[^"]+)"/gms))
      visit(resolve(dirname(file), m[1] as string));
  };
  for (const e of entries) visit(resolve(root, e));
  return seen;
}

describe("browser-safe validation core", () => {
  it("imports no node: modules and uses no Buffer or process", () => {
    const files = graph();
    expect(files.size).toBeGreaterThan(8);
    for (const [file, text] of files) {
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      expect(code, file).not.toMatch(/from\s+"node:|require\(|\bBuffer\b|\bprocess\./);
    }
  });

  it("uses only packages that run in browsers", () => {
    const allowed = new Set(["zod", "papaparse", "exceljs", "fflate", "luxon"]);
    for (const [file, text] of graph())
      for (const m of text.matchAll(/^import\s(?!type\s)[^;]*?from\s+"([^".][^"]*)"/gms))
        expect(allowed.has(m[1] as string), `${m[1]} in ${file}`).toBe(true);
  });
});
