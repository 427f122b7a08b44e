import { describe, expect, it } from "vitest";
import { protectFigures, protectFiguresTogether, youthBands } from "../../../functions/core/disclosure.ts";
import { Rng } from "../../../functions/demo/random.ts";
import { codebookFor } from "../../../schemas/codebook.ts";
import type { Cell, ProtectedFigures } from "../../../schemas/documents.ts";
import { type FiguresModel, figuresModel } from "../../../schemas/figures.ts";
import { monthRange, quarterOfMonth, quarterRange } from "../../../schemas/quarter.ts";

/** One measure of a hand-made data set. */
interface M {
  youth: string;
  month: string;
  type: number;
  hour?: number;
  carePlan?: "yes" | "no" | "unknown";
  /** Duration; null = no end. Default: 30 for types with a duration, null for point-in-time types. */
  minutes?: number | null;
  /** From a delivery of seclusion only (counts in `total`, not in the shares of all measures). */
  seclusionOnly?: boolean;
}

const codebook = codebookFor("2024-01-01");

/** A figures model computed from a list of measures, exactly as the SQL would (valid per the schema). */
function figures(location: string | null, from: string, to: string, measures: readonly M[]): FiguresModel {
  const typeOf = (code: number) => {
    const t = codebook.types.find((x) => x.code === code);
    if (!t) throw new Error(`no type ${code}`);
    return t;
  };
  const all = measures.map((m) => ({
    ...m,
    t: typeOf(m.type),
    hour: m.hour ?? 10,
    carePlan: m.carePlan ?? "yes",
    minutes: m.minutes === undefined ? (typeOf(m.type).pointInTime ? null : 30) : m.minutes,
  }));
  const total = all.length;
  const count = (pred: (m: (typeof all)[number]) => boolean) => all.filter(pred).length;
  const allScopeTotal = all.filter((m) => !m.seclusionOnly).length;
  const share = (n: number) => (allScopeTotal > 0 ? n / allScopeTotal : 0);
  const seclusionTotal = count((m) => !!m.t.seclusion);
  const perYouth = new Map<string, number>();
  for (const m of all) perYouth.set(m.youth, (perYouth.get(m.youth) ?? 0) + 1);
  const frequency = new Map<number, number>();
  for (const k of perYouth.values()) frequency.set(k, (frequency.get(k) ?? 0) + 1);
  const months = monthRange(from, to);
  return figuresModel.parse({
    location,
    from,
    to,
    codebookVersions: total > 0 ? [codebook.version] : [],
    deliveries: quarterRange(from, to).map((quarter) => ({
      location: location ?? "AA",
      quarter,
      status: "all",
      rows: count((m) => quarterOfMonth(m.month) === quarter),
    })),
    total,
    allScopeTotal,
    uniqueYouth: perYouth.size,
    byMonth: months.map((month) => ({ month, count: count((m) => m.month === month) })),
    byCategory: codebook.categories.map((c) => {
      const n = count((m) => m.t.category === c.id);
      const a = count((m) => m.t.category === c.id && !m.seclusionOnly);
      return { category: c.id, label: c.label, count: n, allScopeCount: a, share: share(a) };
    }),
    byType: codebook.types.map((t) => {
      const n = count((m) => m.type === t.code);
      const a = count((m) => m.type === t.code && !m.seclusionOnly);
      return {
        type: t.code,
        label: t.label,
        category: t.category,
        count: n,
        allScopeCount: a,
        share: share(a),
        seclusionShare: t.seclusion ? (seclusionTotal > 0 ? n / seclusionTotal : 0) : null,
      };
    }),
    seclusionByRoom: codebook.rooms.flatMap((r) =>
      [true, false].map((locked) => ({
        room: r.id,
        label: r.label,
        locked,
        count: count((m) => m.t.seclusion?.room === r.id && m.t.seclusion.locked === locked),
      })),
    ),
    byStartHour: Array.from({ length: 24 }, (_, hour) => ({ hour, count: count((m) => m.hour === hour) })),
    duration: codebook.types.flatMap((t) => {
      const d = all
        .filter((m) => m.type === t.code && m.minutes !== null)
        .map((m) => m.minutes as number)
        .sort((a, b) => a - b);
      if (d.length === 0) return [];
      const mid = Math.floor(d.length / 2);
      const median = d.length % 2 ? (d[mid] as number) : ((d[mid - 1] as number) + (d[mid] as number)) / 2;
      return [
        {
          type: t.code,
          label: t.label,
          n: d.length,
          min: d[0] as number,
          max: d[d.length - 1] as number,
          mean: d.reduce((a, v) => a + v, 0) / d.length,
          median,
        },
      ];
    }),
    carePlan: {
      yes: count((m) => m.carePlan === "yes"),
      no: count((m) => m.carePlan === "no"),
      unknown: count((m) => m.carePlan === "unknown"),
    },
    youthFrequency: [...frequency.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([measures, youth]) => ({ measures, youth })),
    rates: months.flatMap((month) =>
      (["all", "seclusion"] as const).map((scope) => {
        const n = count((m) => m.month === month && (scope === "all" || !!m.t.seclusion));
        return { month, scope, measures: n, occupancy: 20, per10: n / 2 };
      }),
    ),
    longMeasures: {
      over12h: count((m) => m.minutes !== null && m.minutes > 12 * 60),
      over3days: count((m) => m.minutes !== null && m.minutes > 3 * 24 * 60),
      byType: codebook.types
        .filter((t) => all.some((m) => m.type === t.code && m.minutes !== null))
        .map((t) => ({
          type: t.code,
          over12h: count((m) => m.type === t.code && m.minutes !== null && m.minutes > 12 * 60),
          over3days: count((m) => m.type === t.code && m.minutes !== null && m.minutes > 3 * 24 * 60),
        })),
    },
    dataQuality: {
      missingEnd: count((m) => m.minutes === null && !m.t.pointInTime),
      zeroDuration: count((m) => m.minutes === 0),
      carePlanUnknown: count((m) => m.carePlan === "unknown"),
      missingReason: 0,
    },
  } satisfies FiguresModel);
}

/** `n` measures of one kind, each by a different young person unless `youth` is given. */
function many(n: number, m: Omit<M, "youth"> & { youth?: string }, prefix = "AB"): M[] {
  return Array.from({ length: n }, (_, i) => ({
    ...m,
    youth: m.youth ?? `${prefix}${String(i + 1).padStart(4, "0")}`,
  }));
}

const jan = "2024-01";
const feb = "2024-02";
const mar = "2024-03";
const Q = "2024-Q1";

const typeCell = (p: ProtectedFigures, code: number) =>
  p.byType.find((t) => t.type === code) as (typeof p.byType)[number];
const monthCell = (p: ProtectedFigures, month: string) =>
  p.byMonth.find((r) => r.month === month)?.count as Cell;
const roomCell = (p: ProtectedFigures, room: string, locked: boolean) =>
  p.seclusionByRoom.find((r) => r.room === room && r.locked === locked)?.count as Cell;
const published = (value: number): Cell => ({ value, suppressed: false });
/** A small count (primary suppression): shown as <5. */
const hidden: Cell = { value: null, suppressed: true };
/** Hidden to protect another cell (secondary suppression): shown as hidden, never as <5. */
const secondary: Cell = { value: null, suppressed: true, secondary: true };

/** Every count cell of a protected model, by a name that is the same across models. */
function keyedCells(p: ProtectedFigures): Map<string, Cell> {
  return new Map<string, Cell>([
    ["total", p.total],
    ["allScopeTotal", p.allScopeTotal],
    ["uniqueYouth", p.uniqueYouth],
    ...p.byMonth.map((r): [string, Cell] => [`month ${r.month}`, r.count]),
    ...p.byCategory.map((r): [string, Cell] => [`category ${r.category}`, r.count]),
    ...p.byCategory.map((r): [string, Cell] => [`all-types category ${r.category}`, r.allScopeCount]),
    ...p.byType.map((r): [string, Cell] => [`type ${r.type}`, r.count]),
    ...p.byType.map((r): [string, Cell] => [`all-types type ${r.type}`, r.allScopeCount]),
    ...p.seclusionByRoom.map((r): [string, Cell] => [`room ${r.room} ${r.locked}`, r.count]),
    ...p.byStartHour.map((r): [string, Cell] => [`hour ${r.hour}`, r.count]),
    ...p.duration.map((r): [string, Cell] => [`duration n ${r.type}`, r.n]),
    ...Object.entries(p.carePlan).map(([k, c]): [string, Cell] => [`care plan ${k}`, c]),
    ...p.youthFrequency.map((r): [string, Cell] => [`band ${r.band}`, r.youth]),
    ...p.rates.map((r): [string, Cell] => [`rate ${r.month} ${r.scope}`, r.measures]),
    ...Object.entries(p.dataQuality).map(([k, c]): [string, Cell] => [`quality ${k}`, c]),
  ]);
}
const allCells = (p: ProtectedFigures) => [...keyedCells(p).values()];

/** The published lines of a protected model, each as its cells plus its total. */
function publishedLines(p: ProtectedFigures): Cell[][] {
  const byCat = p.byCategory.map((c) => [
    ...p.byType.filter((t) => t.category === c.category).map((t) => t.count),
    c.count,
  ]);
  return [
    [...p.byMonth.map((r) => r.count), p.total],
    [...p.byCategory.map((r) => r.count), p.total],
    [...p.byCategory.map((r) => r.allScopeCount), p.allScopeTotal],
    ...byCat,
    [...p.byStartHour.map((r) => r.count), p.total],
    [p.carePlan.yes, p.carePlan.no, p.carePlan.unknown, p.total],
    [...p.youthFrequency.map((r) => r.youth), p.uniqueYouth],
  ];
}

describe("protectFigures", () => {
  it("publishes everything when no count is small, zeros included", () => {
    const p = protectFigures(figures("AB", Q, Q, many(30, { month: jan, type: 3 })));
    expect(allCells(p).every((c) => !c.suppressed)).toBe(true);
    expect(p.total).toEqual(published(30));
    expect(monthCell(p, feb)).toEqual(published(0));
    expect(typeCell(p, 3)).toMatchObject({ count: published(30), share: 1 });
    expect(typeCell(p, 1)).toMatchObject({ count: published(0), share: 0 });
    expect(p.threshold).toBe(5);
    expect(p).toMatchObject({ location: "AB", from: Q, to: Q });
  });

  it("a location with 3 measures shows no count of them, only zeros", () => {
    const p = protectFigures(
      figures("AB", Q, Q, [...many(2, { month: jan, type: 3 }), { youth: "AB0009", month: feb, type: 10 }]),
    );
    for (const c of allCells(p)) expect(c).toEqual(c.suppressed ? hidden : published(0));
    expect(p.total).toEqual(hidden);
    expect(p.uniqueYouth).toEqual(hidden);
    expect(monthCell(p, mar)).toEqual(published(0));
    expect(p.byType.every((t) => t.count.value === 0 || t.share === null)).toBe(true);
  });

  it("a lone small type inside a category takes its partner from the same category", () => {
    const p = protectFigures(
      figures("AB", Q, Q, [
        ...many(20, { month: jan, type: 3 }), // holding
        ...many(2, { month: jan, type: 2 }), // exclusion order, same category
        ...many(30, { month: jan, type: 11 }), // own room not locked
        ...many(12, { month: jan, type: 15 }), // body search
      ]),
    );
    expect(typeCell(p, 2)).toMatchObject({ count: hidden, share: null });
    expect(typeCell(p, 3)).toMatchObject({ count: hidden, share: null });
    const movement = p.byCategory.find((c) => c.category === "beperken_bewegingsvrijheid");
    expect(movement).toMatchObject({ count: published(22), share: 22 / 64 });
    expect(typeCell(p, 11).count).toEqual(published(30));
    expect(typeCell(p, 15).count).toEqual(published(12));
    expect(p.total).toEqual(published(64));
  });

  it("a month with a small count takes the smallest other month with it", () => {
    const p = protectFigures(
      figures("AB", Q, Q, [
        ...many(12, { month: jan, type: 3 }),
        ...many(3, { month: feb, type: 3 }),
        ...many(9, { month: mar, type: 3 }),
      ]),
    );
    expect([jan, feb, mar].map((m) => monthCell(p, m))).toEqual([published(12), hidden, secondary]);
    // the rate numerators are the same counts, so they go too, with their rates
    const rate = (month: string) => p.rates.find((r) => r.month === month && r.scope === "all");
    expect(rate(feb)).toMatchObject({ measures: hidden, per10: null, occupancy: 20 });
    expect(rate(mar)).toMatchObject({ measures: hidden, per10: null });
    expect(rate(jan)).toMatchObject({ measures: published(12), per10: 6 });
  });

  it("seclusion by room and the seclusion types are suppressed alike (they are the same counts)", () => {
    const p = protectFigures(
      figures("AB", Q, Q, [
        ...many(3, { month: jan, type: 6 }), // isolation room locked
        ...many(8, { month: jan, type: 7 }), // isolation room not locked
        ...many(15, { month: jan, type: 10 }), // own room locked
        ...many(25, { month: jan, type: 11 }), // own room not locked
        ...many(9, { month: jan, type: 15 }),
      ]),
    );
    for (const t of codebook.types.filter((x) => x.seclusion)) {
      const s = t.seclusion as { room: string; locked: boolean };
      expect(roomCell(p, s.room, s.locked), `type ${t.code}`).toEqual(typeCell(p, t.code).count);
    }
    // 3 is primary; its room row takes the 8; the column "locked" (3 + 0 + 15, a margin that
    // reports show) takes the 15, and then the own-room row the 25.
    expect(roomCell(p, "isoleer_separeerruimte", true)).toEqual(hidden);
    expect(roomCell(p, "isoleer_separeerruimte", false)).toEqual(secondary);
    expect(roomCell(p, "overige_ruimte", true)).toEqual(published(0));
    expect(roomCell(p, "eigen_kamer", true)).toEqual(secondary);
    expect(roomCell(p, "eigen_kamer", false)).toEqual(secondary);
    expect(p.byCategory.find((c) => c.category === "gedwongen_afzonderen")?.count).toEqual(published(51));
    expect(typeCell(p, 15).count).toEqual(published(9));
  });

  it("duration statistics need at least `threshold` measures with an end", () => {
    const model = figures("AB", Q, Q, [
      ...[10, 20, 30, 40].map((minutes, i) => ({ youth: `AB000${i}`, month: jan, type: 3, minutes })),
      ...many(10, { month: jan, type: 4, minutes: 15 }), // same category as 3: its partner
      ...[0, 5, 60, 65, 90].map((minutes, i) => ({ youth: `AB001${i}`, month: jan, type: 11, minutes })),
      ...many(20, { month: feb, type: 15 }),
    ]);
    const p = protectFigures(model);
    expect(p.duration.find((d) => d.type === 3)).toEqual({
      type: 3,
      label: "Vastpakken en/of vasthouden",
      n: hidden,
      min: null,
      max: null,
      mean: null,
      median: null,
    });
    expect(p.duration.find((d) => d.type === 11)).toMatchObject({
      n: published(5),
      min: 0,
      max: 90,
      mean: 44,
      median: 60,
    });
    // n is the type's count, hidden as the partner of type 3; its statistics rest on 10 measures
    expect(p.duration.find((d) => d.type === 4)).toMatchObject({ n: hidden, min: 15, median: 15 });
    const strict = protectFigures(model, { threshold: 10 });
    expect(strict.threshold).toBe(10);
    expect(strict.duration.find((d) => d.type === 11)).toMatchObject({
      n: hidden,
      min: null,
      median: null,
    });
  });

  it("youth frequency in bands, adding up to the number of young people", () => {
    const p = protectFigures(
      figures("AB", Q, Q, [
        ...many(6, { month: jan, type: 3 }), // 6 young people with 1 measure
        ...many(2, { month: jan, type: 3, youth: "AB0100" }), // 1 with 2
        ...many(4, { month: jan, type: 3, youth: "AB0101" }), // 3 with 4
        ...many(4, { month: jan, type: 3, youth: "AB0102" }),
        ...many(4, { month: jan, type: 3, youth: "AB0103" }),
        ...many(25, { month: feb, type: 3, youth: "AB0104" }), // 1 with 25
      ]),
    );
    expect(p.youthFrequency.map((b) => b.band)).toEqual(youthBands.map((b) => b.band));
    expect(p.youthFrequency.map((b) => b.band)).toEqual(["1", "2", "3–5", "6–10", "11–20", "meer dan 20"]);
    // 6 | 1 | 3 | 0 | 0 | 1 of 11: three small bands, so nothing needs a partner
    expect(p.youthFrequency.map((b) => b.youth)).toEqual([
      published(6),
      hidden,
      hidden,
      published(0),
      published(0),
      hidden,
    ]);
    expect(p.uniqueYouth).toEqual(published(11));
  });

  it("the data-quality count of unknown care plans is the care-plan table's count", () => {
    const p = protectFigures(
      figures("AB", Q, Q, [
        ...many(20, { month: jan, type: 3, carePlan: "yes" }),
        ...many(3, { month: jan, type: 3, carePlan: "no" }),
        ...many(7, { month: jan, type: 3, carePlan: "unknown" }),
      ]),
    );
    expect(p.carePlan).toEqual({ yes: published(20), no: hidden, unknown: secondary });
    expect(p.dataQuality.carePlanUnknown).toEqual(secondary);
    // 30 measures of a type with a duration, none without an end: primary only, 0 published
    expect(p.dataQuality.missingEnd).toEqual(published(0));
  });

  it("the result holds the same for threshold 10: more is suppressed", () => {
    const model = figures("AB", Q, Q, [
      ...many(7, { month: jan, type: 3 }),
      ...many(30, { month: feb, type: 3 }),
    ]);
    expect(monthCell(protectFigures(model), jan)).toEqual(published(7));
    const strict = protectFigures(model, { threshold: 10 });
    expect(monthCell(strict, jan)).toEqual(hidden);
    expect(monthCell(strict, feb)).toEqual(secondary);
    expect(strict.total).toEqual(published(37));
  });
});

describe("protectFigures: shares of all measures leave out seclusion-only deliveries", () => {
  // 2024-Q1, national. Deliveries with all types: 60 measures (type 3 ×20, type 6 ×10,
  // type 11 ×20, type 15 ×10). One location delivered seclusion only: type 6 ×2, type 11 ×1.
  // Shares of all measures are over the 60 (type 3: 20/60); the total is 63. Published as is,
  // total − count ÷ share = 63 − 20 ÷ (20/60) = 3 would give the seclusion-only count away.
  const allTypes = [
    ...many(20, { month: jan, type: 3 }),
    ...many(10, { month: feb, type: 6 }),
    ...many(20, { month: mar, type: 11 }),
    ...many(10, { month: jan, type: 15 }),
  ];
  const seclusionOnly = [
    ...many(2, { month: jan, type: 6, seclusionOnly: true }, "CD"),
    ...many(1, { month: feb, type: 11, seclusionOnly: true }, "CD"),
  ];
  const model = figures(null, Q, Q, [...allTypes, ...seclusionOnly]);

  it("fixture: the unprotected shares would reveal the seclusion-only count", () => {
    expect(model.total).toBe(63);
    expect(model.allScopeTotal).toBe(60);
    const type3 = model.byType.find((t) => t.type === 3);
    expect(type3?.share).toBeCloseTo(20 / 60, 12);
    expect(model.total - (type3?.allScopeCount ?? 0) / (type3?.share ?? 1)).toBeCloseTo(3, 9);
  });

  it("hides the all-types total (as hidden, not <5) and every share of all measures", () => {
    const p = protectFigures(model);
    expect(p.total).toEqual(published(63));
    expect(p.allScopeTotal).toEqual(secondary);
    expect(p.byCategory.every((c) => c.share === null)).toBe(true);
    expect(p.byType.every((t) => t.share === null)).toBe(true);
  });

  it("leaves nothing from which the seclusion-only count follows", () => {
    const p = protectFigures(model);
    const derivable: number[] = [];
    const t = p.total.value;
    const a = p.allScopeTotal.value;
    if (t !== null && a !== null) derivable.push(t - a);
    for (const x of [...p.byCategory, ...p.byType]) {
      // total − count ÷ share, and count − all-types count
      if (t !== null && x.share !== null && x.share > 0 && x.allScopeCount.value !== null)
        derivable.push(t - x.allScopeCount.value / x.share);
      if (x.count.value !== null && x.allScopeCount.value !== null) {
        const rest = x.count.value - x.allScopeCount.value;
        if (rest > 0) derivable.push(rest);
      }
    }
    // the all-types parts in their lines: a single hidden member would follow from the line
    for (const l of publishedLines(p)) expect(l.filter((c) => c.suppressed).length).not.toBe(1);
    expect(
      derivable.filter((v) => Math.abs(v - 3) < 0.5 || Math.abs(v - 2) < 0.5 || Math.abs(v - 1) < 0.5),
    ).toEqual([]);
  });

  it("keeps shares within seclusion: over every seclusion delivery", () => {
    const p = protectFigures(model);
    // seclusion: 33 measures, type 6 12, type 11 21
    expect(typeCell(p, 6).count).toEqual(published(12));
    expect(typeCell(p, 6).seclusionShare).toBeCloseTo(12 / 33, 12);
    expect(typeCell(p, 11).seclusionShare).toBeCloseTo(21 / 33, 12);
    expect(typeCell(p, 3).seclusionShare).toBeNull();
  });

  it("publishes the shares when the seclusion-only count is not small", () => {
    const bigger = figures(null, Q, Q, [
      ...allTypes,
      ...many(7, { month: jan, type: 6, seclusionOnly: true }, "CD"),
      ...many(5, { month: feb, type: 11, seclusionOnly: true }, "CD"),
    ]);
    const p = protectFigures(bigger);
    expect(p.total).toEqual(published(72));
    expect(p.allScopeTotal).toEqual(published(60));
    const cat = (id: string) => p.byCategory.find((c) => c.category === id);
    expect(cat("gedwongen_afzonderen")?.count).toEqual(published(42));
    expect(cat("gedwongen_afzonderen")?.allScopeCount).toEqual(published(30));
    expect(cat("gedwongen_afzonderen")?.share).toBeCloseTo(30 / 60, 12);
    expect(cat("beperken_bewegingsvrijheid")?.share).toBeCloseTo(20 / 60, 12);
    expect(typeCell(p, 6).seclusionShare).toBeCloseTo(17 / 42, 12);
  });
});

describe("protectFigures: measures over 12 hours", () => {
  const holding = (n: number, minutes: number) => many(n, { month: jan, type: 3, minutes });
  const holdingRow = (p: ProtectedFigures) => p.longMeasures.byType.find((t) => t.type === 3);

  it("publishes the count per type and its share of the measures with an end when no part is small", () => {
    // 12 holds with an end: 6 over 12 hours (900 min), 6 of 30 min → 6 of 12 = 50%.
    const p = protectFigures(figures(null, Q, Q, [...holding(6, 900), ...holding(6, 30)]));
    expect(p.longMeasures.over12h).toEqual(published(6));
    expect(p.longMeasures.over3days).toEqual(published(0));
    expect(holdingRow(p)).toEqual({
      type: 3,
      label: "Vastpakken en/of vasthouden",
      withEnd: published(12),
      over12h: published(6),
      share: 0.5,
    });
  });

  it("hides a count over 12 hours whose rest up to 12 hours is small (hidden, not <5), and its share", () => {
    // 7 holds with an end: 5 over 12 hours and 2 shorter. Publishing 5 next to the 7 would give
    // the 2 away: the 5 is hidden, and the total over 12 hours (the same 5) with it.
    const p = protectFigures(figures(null, Q, Q, [...holding(5, 900), ...holding(2, 30)]));
    expect(holdingRow(p)).toEqual({
      type: 3,
      label: "Vastpakken en/of vasthouden",
      withEnd: published(7),
      over12h: secondary,
      share: null,
    });
    expect(p.longMeasures.over12h).toEqual(secondary);
  });

  it("hides the count over 3 days when the rest (12 hours to 3 days) is small", () => {
    // 8 holds over 12 hours: 6 over 3 days (5000 min), 2 between 12 hours and 3 days.
    const p = protectFigures(figures(null, Q, Q, [...holding(6, 5000), ...holding(2, 900)]));
    expect(p.longMeasures.over12h).toEqual(published(8));
    expect(p.longMeasures.over3days).toEqual(secondary);
    expect(holdingRow(p)?.over12h).toEqual(published(8));
  });
});

describe("protectFiguresTogether", () => {
  const locations = ["AB", "CD", "EF"];

  it("a small count of one location cannot be derived from the national figure", () => {
    const per = {
      AB: [...many(3, { month: jan, type: 3 }, "AB"), ...many(20, { month: feb, type: 3 }, "AB")],
      CD: [...many(8, { month: jan, type: 3 }, "CD"), ...many(20, { month: feb, type: 3 }, "CD")],
      EF: [...many(12, { month: jan, type: 3 }, "EF"), ...many(20, { month: feb, type: 3 }, "EF")],
    } as const;
    const parts = locations.map((l) => figures(l, Q, Q, per[l as keyof typeof per]));
    const whole = figures(null, Q, Q, Object.values(per).flat());
    const alone = parts.map((m) => protectFigures(m));
    // each location on its own: AB January (3) is hidden with its February; CD and EF publish January
    expect(monthCell(alone[1] as ProtectedFigures, jan)).toEqual(published(8));
    const joint = protectFiguresTogether(parts, whole);
    const jans = joint.parts.map((p) => monthCell(p, jan));
    // national January (23) is published, so a second location's January must go: the smallest (8)
    expect(jans).toEqual([hidden, secondary, published(12)]);
    expect(monthCell(joint.whole, jan)).toEqual(published(23));
    // the national figures get no more suppression than on their own
    expect(joint.whole).toEqual(protectFigures(whole));
    for (const p of joint.parts)
      for (const l of publishedLines(p)) expect(l.filter((c) => c.suppressed).length).not.toBe(1);
  });

  it("quarters and their range: counts that do not add up (unique young people) get no line", () => {
    const q1 = many(3, { month: jan, type: 3 }); // AB0001..AB0003
    const q2 = many(10, { month: "2024-04", type: 3 }); // AB0001..AB0010
    const whole = figures("AB", "2024-Q1", "2024-Q2", [...q1, ...q2]);
    const parts = [figures("AB", "2024-Q1", "2024-Q1", q1), figures("AB", "2024-Q2", "2024-Q2", q2)];
    const joint = protectFiguresTogether(parts, whole);
    // measures add up: 3 + 10 = 13, so the 10 goes with the 3
    expect(joint.parts.map((p) => p.total)).toEqual([hidden, secondary]);
    expect(joint.whole.total).toEqual(published(13));
    expect(monthCell(joint.parts[1] as ProtectedFigures, "2024-04")).toEqual(secondary);
    // young people do not (3 + 10 ≠ 10): the 10 of Q2 stays
    expect(joint.parts.map((p) => p.uniqueYouth)).toEqual([hidden, published(10)]);
    expect(joint.whole.uniqueYouth).toEqual(published(10));
  });

  it("random locations: no line within or across locations has exactly one suppressed member", () => {
    const rng = new Rng(7);
    for (let round = 0; round < 40; round++) {
      const codes = ["AB", "CD", "EF", "GH"].slice(0, rng.int(1, 4));
      const data = codes.map((code) =>
        Array.from({ length: rng.int(0, 60) }, () => ({
          youth: `${code}${String(rng.int(1, 25)).padStart(4, "0")}`,
          month: rng.pick([jan, feb, mar]),
          type: rng.pick([1, 2, 3, 6, 7, 10, 11, 11, 11, 13, 15, 16, 17]),
          hour: rng.int(0, 23),
          carePlan: rng.pick(["yes", "no", "unknown"] as const),
          minutes: rng.chance(0.1) ? null : rng.int(0, 600),
        })),
      );
      const parts = codes.map((code, i) => figures(code, Q, Q, data[i] ?? []));
      const whole = figures(null, Q, Q, data.flat());
      const joint = protectFiguresTogether(parts, whole);
      for (const p of [...joint.parts, joint.whole]) {
        for (const c of allCells(p))
          if (!c.suppressed) expect(c.value === 0 || (c.value ?? 0) >= 5).toBe(true);
        for (const l of publishedLines(p)) expect(l.filter((c) => c.suppressed).length).not.toBe(1);
        for (const r of p.seclusionByRoom) {
          const type = codebook.types.find(
            (t) => t.seclusion?.room === r.room && t.seclusion.locked === r.locked,
          );
          expect(r.count).toEqual(typeCell(p, type?.code ?? 0).count);
        }
        for (const d of p.duration)
          if (d.median !== null) expect(d.n.value === null || d.n.value >= 5).toBe(true);
      }
      // across locations (youth numbers belong to one location, so every count adds up)
      const partCells = joint.parts.map(keyedCells);
      for (const [key, w] of keyedCells(joint.whole)) {
        const members = [...partCells.flatMap((cells) => cells.get(key) ?? []), w];
        expect(members.filter((c) => c.suppressed).length, key).not.toBe(1);
      }
    }
  });
});
