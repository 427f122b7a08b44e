import { describe, expect, it } from "vitest";
import {
  defaultSuppression,
  isSmallCount,
  type Line,
  suppressCells,
  suppressionOf,
  suppressTable,
} from "../../../functions/core/disclosure.ts";
import { Rng } from "../../../functions/demo/random.ts";
import type { Cell } from "../../../schemas/documents.ts";

/** `<5` for a suppressed cell, the number otherwise: tables read like the published ones. */
const show = (cells: readonly Cell[]) => cells.map((c) => (c.suppressed ? "<5" : c.value));
const line = (cells: number[], total: number): Line => ({ cells, total });

describe("primary suppression", () => {
  it("suppresses 1 … threshold−1 and never 0", () => {
    expect(suppressCells([0, 1, 2, 4, 5, 12], [])).toEqual([false, true, true, true, false, false]);
    expect(defaultSuppression.threshold).toBe(5);
    expect(isSmallCount(0)).toBe(false);
    expect(isSmallCount(4)).toBe(true);
    expect(isSmallCount(5)).toBe(false);
    expect(isSmallCount(9, { threshold: 10 })).toBe(true);
  });

  it("a table without margins gets primary suppression only", () => {
    const t = suppressTable(
      [
        [3, 8],
        [0, 9],
      ],
      false,
      false,
    );
    expect(t.cells.map(show)).toEqual([
      ["<5", 8],
      [0, 9],
    ]);
    expect(t.rowTotals).toBeNull();
    expect(t.colTotals).toBeNull();
    expect(t.total).toBeNull();
  });

  it("rejects a threshold that protects nothing and values that are not counts", () => {
    expect(() => suppressCells([1], [], { threshold: 1 })).toThrow(RangeError);
    expect(() => suppressCells([1], [], { threshold: 4.5 })).toThrow(RangeError);
    expect(() => suppressCells([-1], [])).toThrow(RangeError);
    expect(() => suppressCells([1.5], [])).toThrow(RangeError);
  });
});

describe("secondary suppression over lines", () => {
  it("a line with one suppressed cell loses its smallest other non-zero cell (ties: the first)", () => {
    // cells 3, 9, 7, 7, 0 add up to 26 (index 5)
    const s = suppressCells([3, 9, 7, 7, 0, 26], [line([0, 1, 2, 3, 4], 5)]);
    expect(s).toEqual([true, false, true, false, false, false]);
  });

  it("never chooses a zero as the partner", () => {
    const s = suppressCells([3, 0, 0, 8, 6, 17], [line([0, 1, 2, 3, 4], 5)]);
    expect(s).toEqual([true, false, false, false, true, false]);
  });

  it("a line with two suppressed cells needs nothing more", () => {
    expect(suppressCells([3, 2, 9, 14], [line([0, 1, 2], 3)])).toEqual([true, true, false, false]);
  });

  it("suppresses the total when every other cell of the line is zero", () => {
    // line A: 2 + 7 = 9; line B: 7 + 0 = 7. The 7 goes as partner of the 2 in A and would
    // then equal B's published total, so that total goes as well.
    const values = [2, 7, 9, 0, 7];
    const s = suppressCells(values, [line([0, 1], 2), line([1, 3], 4)]);
    expect(s).toEqual([true, true, false, false, true]);
  });

  it("a suppressed total whose cells are all published loses its smallest cell", () => {
    // line A: 6 + 8 = 14; line B: 14 + 3 = 17. The 14 is the partner of the 3 in B; in A it
    // would be 6 + 8, so the 6 goes too.
    const s = suppressCells([6, 8, 14, 3, 17], [line([0, 1], 2), line([2, 3], 4)]);
    expect(s).toEqual([true, false, true, true, false]);
  });

  it("a lone small type inside a category: its partner is found within the category", () => {
    // types 0..2 make up category 3; types 4..5 make up category 6; categories make up 7
    const values = [2, 20, 9, 31, 12, 40, 52, 83];
    const lines = [line([0, 1, 2], 3), line([4, 5], 6), line([3, 6], 7)];
    expect(suppressCells(values, lines)).toEqual([true, false, true, false, false, false, false, false]);
  });

  it("a small category suppresses all its types", () => {
    // category 3 = types 0 + 1 + 2 = 1 + 2 + 0; categories 3 and 6 (= 5 + 9) make up 17.
    const values = [1, 2, 0, 3, 5, 9, 14, 17];
    const lines = [line([0, 1, 2], 3), line([4, 5], 6), line([3, 6], 7)];
    // the category (3) is primary; in the category line its two types are primary too; in the
    // line of categories the 14 is its partner, and then the 5 within that category.
    expect(suppressCells(values, lines)).toEqual([true, true, false, true, true, false, true, false]);
  });

  it("throws when a line cannot be protected because its cells do not add up", () => {
    expect(() => suppressCells([3, 0, 0], [line([0, 1], 2)])).toThrow(/add up/);
  });

  it("threshold 10 changes the result", () => {
    const values = [6, 12, 15, 33];
    expect(suppressCells(values, [line([0, 1, 2], 3)])).toEqual([false, false, false, false]);
    expect(suppressCells(values, [line([0, 1, 2], 3)], { threshold: 10 })).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe("2-D tables with margins", () => {
  it("the worked example of the module comment", () => {
    const t = suppressTable(
      [
        [3, 8, 12],
        [6, 10, 9],
      ],
      true,
      true,
    );
    expect(t.cells.map(show)).toEqual([
      ["<5", "<5", 12],
      ["<5", "<5", 9],
    ]);
    expect(show(t.rowTotals ?? [])).toEqual([23, 25]);
    expect(show(t.colTotals ?? [])).toEqual([9, 18, 21]);
    expect(t.total).toEqual({ value: 48, suppressed: false });
  });

  it("cascades across rows, columns and the margins", () => {
    // 3 is primary → 8 (row) and 6 (column A); column B is then 8 + 0 with total 8, so its
    // total goes, and with it the 9 in the totals row; row 2 then needs the 9, column C the 12.
    const t = suppressTable(
      [
        [3, 8, 12],
        [6, 0, 9],
      ],
      true,
      true,
    );
    expect(t.cells.map(show)).toEqual([
      ["<5", "<5", "<5"],
      ["<5", 0, "<5"],
    ]);
    expect(show(t.rowTotals ?? [])).toEqual([23, 15]);
    expect(show(t.colTotals ?? [])).toEqual(["<5", "<5", 21]);
    expect(t.total).toEqual({ value: 38, suppressed: false });
  });

  it("a small margin is protected within the margin line", () => {
    const t = suppressTable(
      [
        [1, 2],
        [10, 20],
        [7, 30],
      ],
      true,
      false,
    );
    // row 1 = 3 (primary) with both cells; the row totals 3, 30, 37 need a partner: 30, and
    // then in row 2 the 10 (its smallest cell) is suppressed as well.
    expect(t.cells.map(show)).toEqual([
      ["<5", "<5"],
      ["<5", 20],
      [7, 30],
    ]);
    expect(show(t.rowTotals ?? [])).toEqual(["<5", "<5", 37]);
    expect(t.colTotals).toBeNull();
    expect(t.total).toEqual({ value: 70, suppressed: false });
  });

  it("exhaustive check on 500 random tables: no published line reveals a suppressed cell", () => {
    const rng = new Rng(20240101);
    let primaries = 0;
    let secondaries = 0;
    for (let n = 0; n < 500; n++) {
      const threshold = rng.chance(0.8) ? 5 : 10;
      const nRows = rng.int(1, 6);
      const nCols = rng.int(1, 6);
      const rows = Array.from({ length: nRows }, () =>
        Array.from({ length: nCols }, () => {
          const kind = rng.next();
          return kind < 0.3 ? 0 : kind < 0.6 ? rng.int(1, threshold - 1) : rng.int(threshold, 40);
        }),
      );
      const rowMargin = rng.chance(0.8);
      const colMargin = rng.chance(0.8);
      const t = suppressTable(rows, rowMargin, colMargin, { threshold });

      // Every cell: published values are the input; zeros published; no small count shown.
      const all: [number, Cell][] = rows.flatMap((row, r) =>
        row.map((v, c): [number, Cell] => [v, t.cells[r]?.[c] as Cell]),
      );
      const rowSums = rows.map((row) => row.reduce((a, v) => a + v, 0));
      const colSums = Array.from({ length: nCols }, (_, c) => rows.reduce((a, row) => a + (row[c] ?? 0), 0));
      const grand = rowSums.reduce((a, v) => a + v, 0);
      if (t.rowTotals) all.push(...rowSums.map((v, r): [number, Cell] => [v, t.rowTotals?.[r] as Cell]));
      if (t.colTotals) all.push(...colSums.map((v, c): [number, Cell] => [v, t.colTotals?.[c] as Cell]));
      if (t.total) all.push([grand, t.total]);
      for (const [v, cell] of all) {
        if (cell.suppressed) expect(cell.value).toBeNull();
        else expect(cell.value).toBe(v);
        if (v === 0) expect(cell.suppressed).toBe(false);
        if (v >= 1 && v < threshold) {
          expect(cell.suppressed).toBe(true);
          primaries++;
        } else if (cell.suppressed) secondaries++;
        if (cell.value !== null) expect(cell.value === 0 || cell.value >= threshold).toBe(true);
      }
      const noSmall = all.every(([v]) => v === 0 || v >= threshold);
      if (noSmall) expect(all.some(([, c]) => c.suppressed)).toBe(false);

      // Every published line: never exactly one suppressed member (cells and total together).
      const lines: Cell[][] = [];
      if (t.rowTotals) lines.push(...t.cells.map((row, r) => [...row, t.rowTotals?.[r] as Cell]));
      if (t.colTotals)
        for (let c = 0; c < nCols; c++)
          lines.push([...t.cells.map((row) => row[c] as Cell), t.colTotals[c] as Cell]);
      if (t.rowTotals && t.total) lines.push([...t.rowTotals, t.total]);
      if (t.colTotals && t.total) lines.push([...t.colTotals, t.total]);
      for (const members of lines) expect(members.filter((c) => c.suppressed).length).not.toBe(1);
    }
    // The random tables really exercised both kinds of suppression.
    expect(primaries).toBeGreaterThan(1000);
    expect(secondaries).toBeGreaterThan(500);
  });
});

describe("why a cell is hidden: a small count or hidden to protect another", () => {
  it("tells a small count (primary) from its partner (secondary)", () => {
    // 3 + 8 + 12 = 23: the 3 is small, the 8 goes with it to protect it; it is not below 5.
    expect(suppressionOf([3, 8, 12, 23], [{ cells: [0, 1, 2], total: 3 }])).toEqual([
      "small",
      "secondary",
      null,
      null,
    ]);
  });

  it("hides one more when the hidden cells would sit exactly at what a reader knows of them", () => {
    // 1 + 5 + 20 = 26. Hiding the 1 and the 5 leaves 26 − 20 = 6 for them; a reader knows the
    // small one is at least 1 and the hidden partner at least 5, so both would follow (1 and 5).
    const line = [{ cells: [0, 1, 2], total: 3 }];
    expect(suppressionOf([1, 5, 20, 26], line)).toEqual(["small", "secondary", "secondary", null]);
    expect(suppressCells([1, 5, 20, 26], line)).toEqual([true, true, true, false]);
    // 2 + 5 + 20 = 27: 7 for two hidden cells (at least 1 and 5) leaves room: nothing more.
    expect(suppressionOf([2, 5, 20, 27], line)).toEqual(["small", "secondary", null, null]);
  });
});
