import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (carePlan: "yes" | "no" | "unknown") => ({
    youth: "p1",
    start: "2023-01-05 10:00",
    type: 3,
    carePlan,
  });
  await writeMeasures(dir, "AB", "2023-Q1", [m("yes"), m("unknown"), m("no"), m("unknown")]);
  await writeMeasures(dir, "CD", "2023-Q1", [m("yes"), m("unknown")]);
});
afterAll(() => removeDir(dir));

describe("care_plan.sql", () => {
  it("counts per care-plan answer, nationally", async () => {
    expect(await runQuery(dir, "care_plan", { from: "2023-Q1", to: "2023-Q1", location: null })).toEqual([
      { care_plan: "no", n: 1 },
      { care_plan: "unknown", n: 3 },
      { care_plan: "yes", n: 2 },
    ]);
  });

  it("filters on location", async () => {
    expect(await runQuery(dir, "care_plan", { from: "2023-Q1", to: "2023-Q1", location: "CD" })).toEqual([
      { care_plan: "unknown", n: 1 },
      { care_plan: "yes", n: 1 },
    ]);
  });
});
