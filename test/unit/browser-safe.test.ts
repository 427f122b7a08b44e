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
/** package.json's `browser` map: modules a browser bundle replaces by their browser version. */
const browserMap = new Map(
  Object.entries(
    (JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { browser?: Record<string, string> })
      .browser ?? {},
  ).map(([from, to]) => [resolve(root, from), resolve(root, to)]),
);

function graph(): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (imported: string) => {
    const file = browserMap.get(imported) ?? imported;
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

  it("follows package.json's browser map, so a Node-only reader is replaced in the browser", () => {
    const files = graph();
    for (const [node, browser] of browserMap) {
      expect(files.has(node), node).toBe(false);
      expect(files.has(browser), browser).toBe(true);
    }
  });

  it("uses only packages that run in browsers", () => {
    const allowed = new Set(["zod", "papaparse", "exceljs", "fflate", "luxon"]);
    for (const [file, text] of graph())
      for (const m of text.matchAll(/^import\s(?!type\s)[^;]*?from\s+"([^".][^"]*)"/gms))
        expect(allowed.has(m[1] as string), `${m[1]} in ${file}`).toBe(true);
  });
});
