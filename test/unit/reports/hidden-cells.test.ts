import { describe, expect, it } from "vitest";
import { protectFigures } from "../../../functions/core/disclosure.ts";
import type { Block } from "../../../functions/reports/blocks.ts";
import { buildNationalReport } from "../../../functions/reports/national.ts";
import type { NationalReportInput } from "../../../schemas/documents.ts";
import { makeModel } from "./fixtures.ts";

/**
 * A cell hidden to protect another one (secondary suppression) is not below 5: the national
 * report shows it as hidden ("x", with a legend), never as "<5", and its share as "–".
 *
 * Hand-made national quarter, per category: elektronisch toezicht 30, bewegingsvrijheid 90,
 * afzonderen 120, geneeskundige behandeling 2, beperken contacten 17 (type 13: 14, type 14: 3),
 * controles 60; total 319. The 2 (medical) is small; the smallest other category (contacts, 17)
 * is hidden to protect it. Within contacts, type 14 (3) is small and the category is already
 * hidden, so type 13 (14) stays published.
 */
const model = makeModel({
  location: null,
  from: "2023-Q3",
  types: {
    1: [10, 10, 10],
    3: [30, 30, 30],
    11: [40, 40, 40],
    12: [1, 0, 1],
    13: [5, 5, 4],
    14: [1, 1, 1],
    15: [20, 20, 20],
  },
  uniqueYouth: 80,
  youthFrequency: [
    { measures: 2, youth: 40 },
    { measures: 6, youth: 40 },
  ],
  duration: [],
  carePlan: { yes: 150, no: 100 },
  occupancy: [100, 100, 100],
  deliveries: [
    { location: "AB", quarter: "2023-Q3", status: "all", rows: 200 },
    { location: "CD", quarter: "2023-Q3", status: "all", rows: 119 },
  ],
});

const rowsOf = (blocks: Block[], firstHeader: string): string[][] =>
  blocks.flatMap((b) => {
    if (b.kind === "table" && b.headers[0] === firstHeader) return b.rows;
    if (b.kind === "chart" && b.data?.headers[0] === firstHeader) return b.data.rows;
    return [];
  });

describe("hidden cells in the national report", () => {
  it("shows a small count as <5, a cell hidden to protect it as x, and a hidden share as –", async () => {
    expect(model.total).toBe(319);
    const p = protectFigures(model);
    const range: NationalReportInput = {
      from: "2023-Q3",
      to: "2023-Q3",
      total: model,
      perQuarter: [model],
      matrix: [
        { location: "AB", quarter: "2023-Q3", status: "all" },
        { location: "CD", quarter: "2023-Q3", status: "all" },
      ],
      generatedAt: "2023-10-20T12:00:00.000Z",
      suppressionThreshold: 5,
    };
    const doc = await buildNationalReport({ range, total: p, perQuarter: [p] });
    const categories = rowsOf(doc.blocks, "Categorie");
    expect(categories).toContainEqual(["Geneeskundige behandeling", "<5", "–"]);
    expect(categories).toContainEqual(["Beperken contacten", "x", "–"]);
    expect(categories).toContainEqual(["Controles", "60", expect.stringMatching(/%$/)]);
    const types = rowsOf(doc.blocks, "Type");
    expect(types.find((r) => r[0]?.startsWith("13."))?.slice(1, 2)).toEqual(["14"]);
    expect(types.find((r) => r[0]?.startsWith("14."))?.slice(1)).toEqual(["<5", "–"]);
    // No share column ever says <5.
    for (const r of [...categories, ...types]) expect(r[2]).not.toBe("<5");
    // The legend explains both markers.
    const text = doc.blocks
      .flatMap((b) => (b.kind === "paragraph" ? [b.text] : b.kind === "bullets" ? b.items : []))
      .join("\n");
    expect(text).toMatch(/x.*verborgen/i);
  });
});
