import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../../functions/cli/main.ts";
import { captureIo, csvBytes, tempDir } from "../../helpers.ts";

/** `vbm-monitor deliveries`: the facilitator's matrix in the terminal. */
let dir = "";
let cleanup = () => {};
const cli = async (args: string[], env: Record<string, string> = {}) => {
  const c = captureIo(env);
  const code = await run([...args, "--data-dir", join(dir, "data")], c.io);
  return { code, out: c.out(), err: c.err() };
};

beforeAll(async () => {
  ({ dir, cleanup } = tempDir("vbm-deliveries-"));
  mkdirSync(join(dir, "data", "config"), { recursive: true });
  writeFileSync(
    join(dir, "data", "config", "locations.json"),
    JSON.stringify([
      { code: "AB", name: "De Eik", emails: [] },
      { code: "CD", name: "Het Veld", emails: [] },
      { code: "EF", name: "De Beek", emails: [] },
    ]),
  );
  writeFileSync(join(dir, "ab.csv"), csvBytes([["AB0001", "01.08.2023", "10:00", "", "", "", "16", "1"]]));
  writeFileSync(join(dir, "ef.csv"), csvBytes([["EF0001", "01.08.2023", "10:00", "", "", "", "99", "1"]]));
  expect((await cli(["deliver", join(dir, "ab.csv"), "--location", "AB", "--quarter", "2023-Q3"])).code).toBe(
    0,
  );
  expect((await cli(["deliver", join(dir, "ef.csv"), "--location", "EF", "--quarter", "2023-Q3"])).code).toBe(
    1,
  );
}, 60_000);
afterAll(() => cleanup());

describe("vbm-monitor deliveries", () => {
  it("prints a Dutch table with a status per location and quarter, and the errors of rejected files", async () => {
    const res = await cli(["deliveries", "--quarter", "2023-q3", "--to", "2023-Q4"]);
    expect(res.code, res.err).toBe(0);
    const lines = res.out.split("\n");
    expect(lines.find((l) => l.startsWith("Locatie"))).toMatch(/^Locatie\s+2023-Q3\s+2023-Q4$/);
    expect(lines.find((l) => l.startsWith("AB "))).toMatch(/^AB\s+geleverd \(na termijn\)\s+te laat$/);
    expect(lines.find((l) => l.startsWith("CD "))).toMatch(/^CD\s+te laat\s+te laat$/);
    expect(lines.find((l) => l.startsWith("EF "))).toMatch(/^EF\s+afgewezen\s+te laat$/);
    expect(res.out).toContain("EF 2023-Q3: Onbekend type VBM");
  });

  it("gives the matrix as JSON, with the deadline from VBM_DEADLINE_DAYS", async () => {
    const res = await cli(["deliveries", "--quarter", "2023-Q3", "--json"], { VBM_DEADLINE_DAYS: "10" });
    const m = JSON.parse(res.out) as {
      rows: { location: string; cells: { status: string; deadline: string }[] }[];
    };
    expect(m.rows.map((r) => [r.location, r.cells[0]?.status, r.cells[0]?.deadline])).toEqual([
      ["AB", "geleverd", "2023-10-10"],
      ["CD", "te laat", "2023-10-10"],
      ["EF", "afgewezen", "2023-10-10"],
    ]);
  });

  it("explains a wrong quarter or deadline in Dutch", async () => {
    const bad = await cli(["deliveries", "--quarter", "2023-Q5"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("geen kwartaal");
    const days = await cli(["deliveries", "--quarter", "2023-Q3"], { VBM_DEADLINE_DAYS: "dertig" });
    expect(days.code).toBe(2);
    expect(days.err).toContain("VBM_DEADLINE_DAYS");
  });
});
