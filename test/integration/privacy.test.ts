import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../functions/cli/main.ts";
import { captureIo, csvBytes, tempDir } from "../helpers.ts";

/**
 * Privacy: raw youth numbers and reason texts never reach curated data, the delivery log, the
 * program's logs or national output. (The location's own receipt and quarantine may show its
 * own values; they are never national data.)
 */

let dir = "";
let cleanup = () => {};
const youth = ["QX0417", "QX0932", "QX0008"];
const reasons = [
  "Zwaantje Pietersen sloeg Mirabel",
  "Ruzie met Xandravera op de gang",
  'Weigerde; "Koenraad" riep',
];
const captured: string[] = [];

function allFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir("vbm-privacy-"));
  const data = join(dir, "data");
  const rows = youth.map((y, i) => [
    y,
    `0${i + 1}.02.2023`,
    "10:00",
    `0${i + 1}.02.2023`,
    "10:45",
    reasons[i] as string,
    String(6 + i),
    "1",
  ]);
  const good = join(dir, "good.csv");
  writeFileSync(good, csvBytes(rows));
  const bad = join(dir, "bad.csv");
  writeFileSync(
    bad,
    csvBytes([...rows, ["QX0555", "31.02.2023", "10:00", "", "", "Naam Tjitske in tekst", "3", ""]]),
  );
  for (const [f, args] of [
    [good, ["deliver"]],
    [bad, ["deliver"]],
    [good, ["validate"]],
  ] as const) {
    const c = captureIo({});
    await run([...args, f, "--location", "QX", "--quarter", "2023-Q1", "--data-dir", data], c.io);
    captured.push(c.err());
  }
  for (const json of [[], ["--json"]]) {
    const c = captureIo({});
    await run(["figures", "--quarter", "2023-Q1", "--data-dir", data, ...json], c.io);
    captured.push(c.out(), c.err());
  }
});
afterAll(() => cleanup());

const secrets = [
  ...youth,
  "QX0555",
  ...reasons.flatMap((r) => r.split(/[ ;"]+/).filter((w) => w.length > 5)),
  "Tjitske",
];

describe("privacy", () => {
  it("curated Parquet, delivery log and program log hold no youth number and no reason text", () => {
    const files = [...allFiles(join(dir, "data", "curated")), ...allFiles(join(dir, "data", "logs"))];
    expect(files.some((f) => f.endsWith(".parquet"))).toBe(true);
    expect(files.some((f) => f.includes("delivery-log"))).toBe(true);
    expect(files.some((f) => f.endsWith("vbm-monitor.log"))).toBe(true);
    for (const f of files) {
      // Parquet strings are stored uncompressed-dictionary or snappy; check raw bytes and a
      // latin1 view so a secret cannot hide in either.
      const text = readFileSync(f).toString("latin1");
      for (const s of secrets) expect(text.includes(s), `${s} in ${f}`).toBe(false);
    }
  });

  it("decoded Parquet values (not just its bytes, which are compressed) hold none either", async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    const rows = (
      await c.runAndReadAll(
        `SELECT * FROM read_parquet('${join(dir, "data", "curated")}/**/*.parquet', union_by_name = true)`,
      )
    ).getRowsJson();
    c.closeSync();
    const text = JSON.stringify(rows);
    expect(text).toContain("gedwongen_afzonderen");
    for (const s of secrets) expect(text.includes(s), s).toBe(false);
  });

  it("national figures output (text and JSON) and captured stderr hold none either", () => {
    expect(captured.join("").length).toBeGreaterThan(100);
    for (const s of secrets) expect(captured.join("\n").includes(s), s).toBe(false);
  });

  it("the location's own receipt does show its values, so the scan above is meaningful", () => {
    const receipts = allFiles(join(dir, "data", "receipts"))
      .map((f) => readFileSync(f, "utf8"))
      .join("");
    expect(receipts).toContain("31.02.2023");
    const quarantined = allFiles(join(dir, "data", "quarantine"))
      .map((f) => readFileSync(f, "latin1"))
      .join("");
    expect(quarantined).toContain("Tjitske");
  });
});
