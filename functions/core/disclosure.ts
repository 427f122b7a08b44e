/**
 * Disclosure control: the one module that every figure leaving a location's own view goes
 * through (national report, IGJ provision). It turns counts into {@link Cell}s so that no young
 * person can be singled out.
 *
 * ## The rule ("vbm-line-suppression-v1")
 *
 * 1. **Primary suppression.** A count of 1 … threshold−1 (default 1–4) is suppressed and shown
 *    as `<threshold` (`<5`). A 0 is never suppressed: an empty cell reveals no person.
 * 2. **Secondary suppression.** A *line* is a published equation "these cells add up to that
 *    total": a row or column of a table with its margin, the months (or categories, start
 *    hours, care-plan answers) and the total, the types within one category and the category
 *    count, the youth-frequency bands and the number of young people. A suppressed member could
 *    be worked out from a line in which it is the only suppressed member (total minus the
 *    others, or — for a suppressed total — the sum of the cells). So: whenever a line has
 *    exactly one suppressed member (cell or total), the smallest non-zero unsuppressed cell of
 *    that line is suppressed too (ties: the first in line order). If every other cell is 0 the
 *    line's total is suppressed instead. A line whose total is suppressed together with at
 *    least one of its cells needs nothing more. This is repeated over all lines until nothing
 *    changes (a secondary suppression can leave another line with a single suppressed
 *    member). Zeros are never suppressed and never chosen as the partner.
 * 3. **Statistics.** Duration min/max/mean/median are null when based on fewer than `threshold`
 *    measures; a share is null when its count or the total it is a share of is suppressed (a
 *    share of all measures: the counts of deliveries with all types; a share within seclusion:
 *    the type's count and the seclusion category's); a rate per 10 places is null when its count
 *    of measures is suppressed.
 *
 * Worked example (threshold 5), a table with row and column totals:
 *
 * ```
 *           A    B    C | total                 A    B    C | total
 *   r1      3    8   12 |   23          r1     <5   <5   12 |   23
 *   r2      6   10    9 |   25    →     r2     <5   <5    9 |   25
 *   total   9   18   21 |   48          total   9   18   21 |   48
 * ```
 *
 * 3 is primary. Row r1 now has one suppressed cell, so its smallest other non-zero cell (8)
 * goes too; column A has one (3), so 6 goes; column B then has one (8), so 10 goes. Now every
 * row and column has two suppressed cells and no suppressed value follows from one line.
 *
 * A published document tells the two apart: a small count (primary) is shown as `<5`, a cell
 * hidden to protect another (secondary) as hidden (`x`), never as `<5` — it is not below 5.
 * Because a reader then knows a hidden secondary cell is at least `threshold` and a small one
 * at least 1, a line with a published total whose hidden cells add up to exactly those lower
 * bounds would give every hidden value away: such a line gets one more partner suppressed
 * (rule 2 is applied together with this check until nothing changes).
 *
 * Which lines a figures model has: months → total; categories → total; types within a
 * category → the category; start hours → total; care-plan answers → total; youth-frequency
 * bands → unique young people; seclusion room × locked with its margins (per room, locked / not
 * locked, protected as if published) → the seclusion category; the total, every category and
 * every type split by delivery scope (all types / seclusion only, both protected as if
 * published, with the same category and type lines within each scope), because the shares of
 * all measures publish the all-types part and so, by difference, the seclusion-only part.
 * Figures that are the same count
 * published twice are linked (a one-cell line) so they are suppressed together: a seclusion
 * type and its room × locked cell, a type and its duration `n`, a month and its rate numerator,
 * "care plan unknown" in the data-quality block and in the care-plan table. Other data-quality
 * counts get primary suppression only. Measures over 12 hours: per type with a duration
 * (over 12 hours and up to 12 hours → the type's duration `n`, so the rest cannot give a small
 * count away), the types → the total over 12 hours, and that total split into up to 3 days and
 * over 3 days. When the model has the start hour per kind of seclusion (national report):
 * blocks of 3 hours × room × locked, each room × locked's blocks → its cell, each block's
 * cells → the block's total, and the block totals → the seclusion total. {@link protectFiguresTogether} adds the lines between
 * parts and their whole (locations and the national row; quarters and their range).
 *
 * Limits: the rule protects against derivation from any single published line, not against
 * every combination of lines (that would need a linear-programming audit), and not against
 * differencing between separately published products (e.g. two overlapping ranges).
 */

import { codebookFor } from "../../schemas/codebook.ts";
import type { Cell, ProtectedFigures } from "../../schemas/documents.ts";
import type { FiguresModel } from "../../schemas/figures.ts";
import { quarterBounds } from "../../schemas/quarter.ts";

export interface SuppressionSettings {
  /** Counts 1 … threshold−1 are suppressed; statistics need at least `threshold` measures. */
  threshold: number;
}

export const defaultSuppression: Readonly<SuppressionSettings> = Object.freeze({ threshold: 5 });

/** Name of the rule implemented here, recorded in manifests. */
export const suppressionRule = "vbm-line-suppression-v1";

/** A published equation over a vector of values: `cells` (indices) add up to `total` (an index). */
export interface Line {
  cells: readonly number[];
  total: number;
  /** For error messages only. */
  name?: string;
}

function checkSettings(settings: SuppressionSettings): number {
  const { threshold } = settings;
  if (!Number.isInteger(threshold) || threshold < 2)
    throw new RangeError(`suppression threshold must be an integer of at least 2, got ${threshold}`);
  return threshold;
}

/** Whether a count is suppressed on its own (primary suppression). */
export function isSmallCount(value: number, settings: SuppressionSettings = defaultSuppression): boolean {
  return value >= 1 && value < checkSettings(settings);
}

/**
 * Primary and secondary suppression over a vector of counts and the lines between them (see
 * the module comment). Returns, per value, whether it is suppressed. Deterministic: lines are
 * visited in the given order, repeatedly, until no line has exactly one suppressed member.
 */
export function suppressCells(
  values: readonly number[],
  lines: readonly Line[],
  settings: SuppressionSettings = defaultSuppression,
): boolean[] {
  return suppressionOf(values, lines, settings).map((s) => s !== null);
}

/**
 * Why a value is suppressed: `small` (primary: a count of 1 … threshold−1), `secondary` (hidden
 * to protect another value; its count is 0? never — it is at least the threshold), or null
 * (published).
 */
export type Suppression = "small" | "secondary" | null;

/**
 * Like {@link suppressCells}, but says per value why it is suppressed. Since a published
 * secondary cell is known to be at least `threshold` and a small one at least 1, a line whose
 * total is published also gets a partner suppressed when its hidden members would otherwise
 * sit exactly at those lower bounds (then each hidden value would follow from the total).
 */
export function suppressionOf(
  values: readonly number[],
  lines: readonly Line[],
  settings: SuppressionSettings = defaultSuppression,
): Suppression[] {
  const threshold = checkSettings(settings);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`value ${i} is not a count: ${v}`);
  });
  const at = (i: number): number => values[i] as number;
  const members = lines.map((line) => {
    const all = [...new Set([...line.cells, line.total])];
    for (const i of all)
      if (!Number.isInteger(i) || i < 0 || i >= values.length)
        throw new RangeError(`line ${line.name ?? ""}: no value ${i}`);
    return all;
  });

  const small = values.map((v) => v >= 1 && v < threshold);
  const suppressed = [...small];
  /** The smallest published non-zero cell of a line, else its total when published and non-zero. */
  const partnerIn = (line: Line): number | undefined => {
    let partner: number | undefined;
    for (const i of line.cells)
      if (!suppressed[i] && at(i) > 0 && (partner === undefined || at(i) < at(partner))) partner = i;
    if (partner === undefined && !suppressed[line.total] && at(line.total) > 0) partner = line.total;
    return partner;
  };
  /** Lower bound a reader knows for a hidden value: 1 for a small count, the threshold otherwise. */
  const lowerBound = (i: number) => (small[i] ? 1 : threshold);
  let changed = true;
  while (changed) {
    changed = false;
    lines.forEach((line, l) => {
      let count = 0;
      for (const i of members[l] as number[]) if (suppressed[i]) count++;
      if (count === 0) return;
      if (count === 1) {
        const partner = partnerIn(line);
        if (partner === undefined)
          throw new Error(
            `line ${line.name ?? ""}: one suppressed value and nothing to pair it with (the cells do not add up to the total)`,
          );
        suppressed[partner] = true;
        changed = true;
        return;
      }
      // Published total: the hidden cells add up to a known sum. If that sum equals the sum
      // of their lower bounds, every hidden cell is exactly its lower bound: hide one more.
      if (suppressed[line.total]) return;
      const hidden = [...new Set(line.cells)].filter((i) => suppressed[i]);
      const sum =
        at(line.total) -
        [...new Set(line.cells)].filter((i) => !suppressed[i]).reduce((a, i) => a + at(i), 0);
      const bound = hidden.reduce((a, i) => a + lowerBound(i), 0);
      if (sum > bound) return;
      const partner = partnerIn(line);
      if (partner === undefined) return; // nothing left to hide but zeros: the total is all there is
      suppressed[partner] = true;
      changed = true;
    });
  }
  return suppressed.map((s, i) => (!s ? null : small[i] ? "small" : "secondary"));
}

function cellOf(value: number, why: Suppression): Cell {
  if (why === null) return { value, suppressed: false };
  return why === "secondary"
    ? { value: null, suppressed: true, secondary: true }
    : { value: null, suppressed: true };
}

export interface ProtectedTable {
  cells: Cell[][];
  /** Per row; null when row totals are not published. */
  rowTotals: Cell[] | null;
  /** Per column; null when column totals are not published. */
  colTotals: Cell[] | null;
  /** The grand total, published with either margin; null without margins. */
  total: Cell | null;
}

/**
 * A 2-D table of counts with optional margins (computed here) after primary and secondary
 * suppression. Lines: every row with its row total, every column with its column total, and
 * each margin with the grand total.
 */
export function suppressTable(
  rows: readonly (readonly number[])[],
  rowTotals: boolean,
  colTotals: boolean,
  settings: SuppressionSettings = defaultSuppression,
): ProtectedTable {
  const nRows = rows.length;
  const nCols = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== nCols)) throw new RangeError("table rows differ in length");
  const values = rows.flat();
  const cell = (r: number, c: number) => r * nCols + c;
  const lines: Line[] = [];
  const margins = rowTotals || colTotals;
  const grand = margins ? values.push(values.reduce((a, v) => a + v, 0)) - 1 : -1;
  const rowIds = rows.map((row, r) => {
    if (!rowTotals) return -1;
    const id = values.push(row.reduce((a, v) => a + v, 0)) - 1;
    lines.push({ name: `row ${r}`, cells: row.map((_, c) => cell(r, c)), total: id });
    return id;
  });
  const colIds = Array.from({ length: nCols }, (_, c) => {
    if (!colTotals) return -1;
    const id = values.push(rows.reduce((a, row) => a + (row[c] as number), 0)) - 1;
    lines.push({ name: `column ${c}`, cells: rows.map((_, r) => cell(r, c)), total: id });
    return id;
  });
  if (rowTotals) lines.push({ name: "row totals", cells: rowIds, total: grand });
  if (colTotals) lines.push({ name: "column totals", cells: colIds, total: grand });

  const s = suppressionOf(values, lines, settings);
  const out = (i: number) => cellOf(values[i] as number, s[i] ?? null);
  return {
    cells: Array.from({ length: nRows }, (_, r) => Array.from({ length: nCols }, (_, c) => out(cell(r, c)))),
    rowTotals: rowTotals ? rowIds.map(out) : null,
    colTotals: colTotals ? colIds.map(out) : null,
    total: margins ? out(grand) : null,
  };
}

/** Bands of the number of measures per young person, as published. */
export const youthBands: readonly { band: string; min: number; max: number }[] = [
  { band: "1", min: 1, max: 1 },
  { band: "2", min: 2, max: 2 },
  { band: "3–5", min: 3, max: 5 },
  { band: "6–10", min: 6, max: 10 },
  { band: "11–20", min: 11, max: 20 },
  { band: "meer dan 20", min: 21, max: Number.POSITIVE_INFINITY },
];

/** Blocks of start hours for the start time per kind of seclusion: 3 hours each, from midnight. */
export const startHourBlocks: readonly { block: string; label: string; from: number; to: number }[] =
  Array.from({ length: 8 }, (_, i) => ({
    block: `${i * 3}-${i * 3 + 3}`,
    label: `${i * 3}:00–${i * 3 + 2}:59`,
    from: i * 3,
    to: i * 3 + 2,
  }));

/** The counts of one figures model as named values plus the lines between them. */
interface Plan {
  values: Map<string, number>;
  lines: { name: string; cells: string[]; total: string }[];
}

const keys = {
  total: "total",
  uniqueYouth: "uniqueYouth",
  month: (m: string) => `month:${m}`,
  category: (c: string) => `category:${c}`,
  type: (t: number) => `type:${t}`,
  /** A count split by delivery scope: `all` (deliveries with all types) or `seclusion` (only). */
  scoped: (scope: "all" | "seclusion", key: string) => `scope:${scope}:${key}`,
  room: (room: string, locked: boolean) => `room:${room}:${locked}`,
  roomMargin: (room: string) => `roomMargin:${room}`,
  lockedMargin: (locked: boolean) => `lockedMargin:${locked}`,
  roomsTotal: "roomsTotal",
  hour: (h: number) => `hour:${h}`,
  carePlan: (answer: string) => `carePlan:${answer}`,
  band: (band: string) => `band:${band}`,
  durationN: (t: number) => `durationN:${t}`,
  rate: (month: string, scope: string) => `rate:${month}:${scope}`,
  quality: (field: string) => `quality:${field}`,
  long: (part: "over12h" | "upTo3days" | "over3days") => `long:${part}`,
  longType: (t: number, part: "over12h" | "upTo12h") => `long:${part}:type:${t}`,
  startBlock: (block: string, room: string, locked: boolean) => `startBlock:${block}:${room}:${locked}`,
  startBlockTotal: (block: string) => `startBlockTotal:${block}`,
};

function planOf(m: FiguresModel): Plan {
  const values = new Map<string, number>();
  const lines: Plan["lines"] = [];
  const add = (key: string, value: number) => {
    if (values.has(key)) throw new Error(`figures model ${m.location ?? "national"}: ${key} appears twice`);
    values.set(key, value);
  };
  const value = (key: string) => values.get(key) ?? 0;
  const sumOf = (ks: readonly string[]) => ks.reduce((a, k) => a + value(k), 0);
  /** A structural line: holds by construction of the figures model. */
  const line = (name: string, cells: string[], total: string) => lines.push({ name, cells, total });
  /** A link between figures that are the same count (or its parts), only when they add up. */
  const link = (name: string, cells: string[], total: string) => {
    if (cells.length > 0 && values.has(total) && sumOf(cells) === value(total)) line(name, cells, total);
  };

  add(keys.total, m.total);
  add(keys.uniqueYouth, m.uniqueYouth);

  for (const r of m.byMonth) add(keys.month(r.month), r.count);
  line(
    "byMonth",
    m.byMonth.map((r) => keys.month(r.month)),
    keys.total,
  );

  for (const r of m.byCategory) add(keys.category(r.category), r.count);
  line(
    "byCategory",
    m.byCategory.map((r) => keys.category(r.category)),
    keys.total,
  );

  for (const r of m.byType) add(keys.type(r.type), r.count);
  for (const c of m.byCategory) {
    const types = m.byType.filter((t) => t.category === c.category).map((t) => keys.type(t.type));
    if (types.length > 0) line(`byType in ${c.category}`, types, keys.category(c.category));
  }
  const orphan = m.byType.find((t) => !m.byCategory.some((c) => c.category === t.category));
  if (orphan) throw new Error(`type ${orphan.type}: category "${orphan.category}" is not in byCategory`);

  // Scope: shares of all measures count deliveries with all types only, so their numerators and
  // denominator (`allScope…`) are published figures too, and so is what they leave out (the
  // deliveries of seclusion only: total minus it, per category and type). Both parts are
  // protected as a table scope × (total, categories, types) with the counts as its margin:
  // otherwise a share would give away a small seclusion-only count (total − count ÷ share).
  const scopes = ["all", "seclusion"] as const;
  const rest = (whole: number, part: number, what: string) => {
    if (part > whole) throw new Error(`figures model ${m.location ?? "national"}: ${what} exceeds its count`);
    return whole - part;
  };
  add(keys.scoped("all", keys.total), m.allScopeTotal);
  add(keys.scoped("seclusion", keys.total), rest(m.total, m.allScopeTotal, "allScopeTotal"));
  line(
    "total by scope",
    scopes.map((s) => keys.scoped(s, keys.total)),
    keys.total,
  );
  for (const c of m.byCategory) {
    const k = keys.category(c.category);
    add(keys.scoped("all", k), c.allScopeCount);
    add(keys.scoped("seclusion", k), rest(c.count, c.allScopeCount, `allScopeCount of ${c.category}`));
    line(
      `${k} by scope`,
      scopes.map((s) => keys.scoped(s, k)),
      k,
    );
  }
  for (const t of m.byType) {
    const k = keys.type(t.type);
    add(keys.scoped("all", k), t.allScopeCount);
    add(keys.scoped("seclusion", k), rest(t.count, t.allScopeCount, `allScopeCount of type ${t.type}`));
    line(
      `${k} by scope`,
      scopes.map((s) => keys.scoped(s, k)),
      k,
    );
  }
  for (const s of scopes) {
    line(
      `byCategory, scope ${s}`,
      m.byCategory.map((c) => keys.scoped(s, keys.category(c.category))),
      keys.scoped(s, keys.total),
    );
    for (const c of m.byCategory) {
      const types = m.byType
        .filter((t) => t.category === c.category)
        .map((t) => keys.scoped(s, keys.type(t.type)));
      if (types.length > 0)
        line(`byType in ${c.category}, scope ${s}`, types, keys.scoped(s, keys.category(c.category)));
    }
  }

  // Seclusion: room × locked with both margins (protected as if published) and their total.
  const rooms = [...new Set(m.seclusionByRoom.map((r) => r.room))];
  for (const r of m.seclusionByRoom) add(keys.room(r.room, r.locked), r.count);
  for (const room of rooms) {
    const cells = m.seclusionByRoom.filter((r) => r.room === room).map((r) => keys.room(r.room, r.locked));
    add(keys.roomMargin(room), sumOf(cells));
    line(`seclusion room ${room}`, cells, keys.roomMargin(room));
  }
  for (const locked of [true, false]) {
    const cells = m.seclusionByRoom
      .filter((r) => r.locked === locked)
      .map((r) => keys.room(r.room, r.locked));
    add(keys.lockedMargin(locked), sumOf(cells));
    line(`seclusion locked=${locked}`, cells, keys.lockedMargin(locked));
  }
  add(keys.roomsTotal, sumOf(rooms.map(keys.roomMargin)));
  line("seclusion rooms", rooms.map(keys.roomMargin), keys.roomsTotal);
  line("seclusion locked", [true, false].map(keys.lockedMargin), keys.roomsTotal);
  // The same counts by type code: a room × locked cell is the sum of the types in that room.
  const codebook = codebookFor(quarterBounds(m.from).first);
  for (const r of m.seclusionByRoom) {
    const codes = codebook.types
      .filter((t) => t.seclusion?.room === r.room && t.seclusion.locked === r.locked)
      .map((t) => keys.type(t.code))
      .filter((k) => values.has(k));
    link(`types in room ${r.room} locked=${r.locked}`, codes, keys.room(r.room, r.locked));
  }
  const seclusionCategories = [...new Set(codebook.types.filter((t) => t.seclusion).map((t) => t.category))];
  for (const c of seclusionCategories) link(`seclusion ${c}`, [keys.roomsTotal], keys.category(c));

  for (const r of m.byStartHour) add(keys.hour(r.hour), r.count);
  line(
    "byStartHour",
    m.byStartHour.map((r) => keys.hour(r.hour)),
    keys.total,
  );

  for (const answer of ["yes", "no", "unknown"] as const) add(keys.carePlan(answer), m.carePlan[answer]);
  line("carePlan", ["yes", "no", "unknown"].map(keys.carePlan), keys.total);

  for (const b of youthBands)
    add(
      keys.band(b.band),
      m.youthFrequency
        .filter((f) => f.measures >= b.min && f.measures <= b.max)
        .reduce((a, f) => a + f.youth, 0),
    );
  line(
    "youthFrequency",
    youthBands.map((b) => keys.band(b.band)),
    keys.uniqueYouth,
  );

  for (const d of m.duration) {
    add(keys.durationN(d.type), d.n);
    link(`duration n of type ${d.type}`, [keys.durationN(d.type)], keys.type(d.type));
  }

  for (const r of m.rates) {
    add(keys.rate(r.month, r.scope), r.measures);
    link(`rate ${r.month} ${r.scope}`, [keys.rate(r.month, r.scope)], keys.month(r.month));
  }

  for (const [field, v] of Object.entries(m.dataQuality)) add(keys.quality(field), v);
  link("care plan unknown", [keys.quality("carePlanUnknown")], keys.carePlan("unknown"));

  // Measures over 12 hours: the total split at 3 days, and per type with a duration split at
  // 12 hours (the part up to 12 hours is protected as if published: it is the duration n minus
  // the published part).
  const long = m.longMeasures;
  add(keys.long("over12h"), long.over12h);
  add(keys.long("over3days"), long.over3days);
  add(keys.long("upTo3days"), rest(long.over12h, long.over3days, "longMeasures.over3days"));
  line(
    "over 12 hours, split at 3 days",
    [keys.long("upTo3days"), keys.long("over3days")],
    keys.long("over12h"),
  );
  if (long.byType) {
    for (const t of long.byType) {
      const d = m.duration.find((x) => x.type === t.type);
      if (!d && t.over12h > 0) throw new Error(`longMeasures: type ${t.type} has no duration`);
      if (!d) continue;
      add(keys.longType(t.type, "over12h"), t.over12h);
      add(keys.longType(t.type, "upTo12h"), rest(d.n, t.over12h, `longMeasures of type ${t.type}`));
      line(
        `duration n of type ${t.type}, split at 12 hours`,
        [keys.longType(t.type, "upTo12h"), keys.longType(t.type, "over12h")],
        keys.durationN(t.type),
      );
    }
    const perType = long.byType.filter((t) => values.has(keys.longType(t.type, "over12h")));
    if (perType.reduce((a, t) => a + t.over12h, 0) !== long.over12h)
      throw new Error(`figures model ${m.location ?? "national"}: longMeasures.byType does not add up`);
    line(
      "over 12 hours by type",
      perType.map((t) => keys.longType(t.type, "over12h")),
      keys.long("over12h"),
    );
  }

  // Start time per kind of seclusion, in blocks of hours (only when the model has it).
  if (m.seclusionByStartHour) {
    const byStart = m.seclusionByStartHour;
    for (const r of m.seclusionByRoom) {
      const cells = startHourBlocks.map((b) => {
        const key = keys.startBlock(b.block, r.room, r.locked);
        add(
          key,
          byStart
            .filter((e) => e.room === r.room && e.locked === r.locked && e.hour >= b.from && e.hour <= b.to)
            .reduce((a, e) => a + e.count, 0),
        );
        return key;
      });
      if (sumOf(cells) !== r.count)
        throw new Error(
          `seclusionByStartHour of ${r.room} locked=${r.locked} does not add up to its room count`,
        );
      line(`start blocks of room ${r.room} locked=${r.locked}`, cells, keys.room(r.room, r.locked));
    }
    for (const b of startHourBlocks) {
      const cells = m.seclusionByRoom.map((r) => keys.startBlock(b.block, r.room, r.locked));
      add(keys.startBlockTotal(b.block), sumOf(cells));
      line(`start block ${b.block}`, cells, keys.startBlockTotal(b.block));
    }
    line(
      "start blocks",
      startHourBlocks.map((b) => keys.startBlockTotal(b.block)),
      keys.roomsTotal,
    );
  }

  return { values, lines };
}

/** Solves the suppression for several plans at once; `extra` adds lines between plans. */
function solve(
  plans: readonly Plan[],
  extra: readonly { name: string; cells: [number, string][]; total: [number, string] }[],
  settings: SuppressionSettings,
): (plan: number, key: string) => Cell {
  const values: number[] = [];
  const ids = plans.map((p) => {
    const id = new Map<string, number>();
    for (const [key, v] of p.values) id.set(key, values.push(v) - 1);
    return id;
  });
  const idOf = (plan: number, key: string): number => {
    const id = ids[plan]?.get(key);
    if (id === undefined) throw new Error(`no figure ${key}`);
    return id;
  };
  const lines: Line[] = [
    ...plans.flatMap((p, i) =>
      p.lines.map((l) => ({
        name: l.name,
        cells: l.cells.map((k) => idOf(i, k)),
        total: idOf(i, l.total),
      })),
    ),
    ...extra.map((l) => ({
      name: l.name,
      cells: l.cells.map(([p, k]) => idOf(p, k)),
      total: idOf(...l.total),
    })),
  ];
  const suppressed = suppressionOf(values, lines, settings);
  return (plan, key) => {
    const id = idOf(plan, key);
    return cellOf(values[id] as number, suppressed[id] ?? null);
  };
}

function render(m: FiguresModel, cell: (key: string) => Cell, threshold: number): ProtectedFigures {
  const total = cell(keys.total);
  const allScopeTotal = cell(keys.scoped("all", keys.total));
  // A share of all measures: of the deliveries with all types (numerator and denominator).
  const shareOf = (allScopeCount: Cell, share: number) =>
    allScopeCount.suppressed || allScopeTotal.suppressed ? null : share;
  // A share within seclusion: the type's count over the seclusion category's count.
  const seclusionCategories = new Set(
    codebookFor(quarterBounds(m.from).first)
      .types.filter((t) => t.seclusion)
      .map((t) => t.category),
  );
  const seclusionShareOf = (count: Cell, category: string, share: number | null) =>
    share === null ||
    count.suppressed ||
    !seclusionCategories.has(category) ||
    cell(keys.category(category)).suppressed
      ? null
      : share;
  const stat = (n: number, v: number) => (n >= threshold ? v : null);
  return {
    location: m.location,
    from: m.from,
    to: m.to,
    threshold,
    total,
    allScopeTotal,
    uniqueYouth: cell(keys.uniqueYouth),
    byMonth: m.byMonth.map((r) => ({ month: r.month, count: cell(keys.month(r.month)) })),
    byCategory: m.byCategory.map((r) => {
      const count = cell(keys.category(r.category));
      const allScopeCount = cell(keys.scoped("all", keys.category(r.category)));
      return {
        category: r.category,
        label: r.label,
        count,
        allScopeCount,
        share: shareOf(allScopeCount, r.share),
      };
    }),
    byType: m.byType.map((r) => {
      const count = cell(keys.type(r.type));
      const allScopeCount = cell(keys.scoped("all", keys.type(r.type)));
      return {
        type: r.type,
        label: r.label,
        category: r.category,
        count,
        allScopeCount,
        share: shareOf(allScopeCount, r.share),
        seclusionShare: seclusionShareOf(count, r.category, r.seclusionShare),
      };
    }),
    seclusionByRoom: m.seclusionByRoom.map((r) => ({
      room: r.room,
      label: r.label,
      locked: r.locked,
      count: cell(keys.room(r.room, r.locked)),
    })),
    seclusionRoomMargins: {
      byRoom: [...new Map(m.seclusionByRoom.map((r) => [r.room, r.label])).entries()].map(
        ([room, label]) => ({
          room,
          label,
          count: cell(keys.roomMargin(room)),
        }),
      ),
      byLocked: [true, false].map((locked) => ({ locked, count: cell(keys.lockedMargin(locked)) })),
      total: cell(keys.roomsTotal),
    },
    ...(m.seclusionByStartHour
      ? {
          seclusionByStartBlock: {
            blocks: startHourBlocks.map((b) => ({ ...b, total: cell(keys.startBlockTotal(b.block)) })),
            cells: startHourBlocks.flatMap((b) =>
              m.seclusionByRoom.map((r) => ({
                block: b.block,
                room: r.room,
                label: r.label,
                locked: r.locked,
                count: cell(keys.startBlock(b.block, r.room, r.locked)),
              })),
            ),
          },
        }
      : {}),
    byStartHour: m.byStartHour.map((r) => ({ hour: r.hour, count: cell(keys.hour(r.hour)) })),
    duration: m.duration.map((d) => ({
      type: d.type,
      label: d.label,
      n: cell(keys.durationN(d.type)),
      min: stat(d.n, d.min),
      max: stat(d.n, d.max),
      mean: stat(d.n, d.mean),
      median: stat(d.n, d.median),
    })),
    carePlan: {
      yes: cell(keys.carePlan("yes")),
      no: cell(keys.carePlan("no")),
      unknown: cell(keys.carePlan("unknown")),
    },
    youthFrequency: youthBands.map((b) => ({ band: b.band, youth: cell(keys.band(b.band)) })),
    rates: m.rates.map((r) => {
      const measures = cell(keys.rate(r.month, r.scope));
      return {
        month: r.month,
        scope: r.scope,
        measures,
        occupancy: r.occupancy,
        per10: measures.suppressed ? null : r.per10,
      };
    }),
    dataQuality: {
      missingEnd: cell(keys.quality("missingEnd")),
      zeroDuration: cell(keys.quality("zeroDuration")),
      carePlanUnknown: cell(keys.quality("carePlanUnknown")),
      missingReason: cell(keys.quality("missingReason")),
    },
    longMeasures: {
      over12h: cell(keys.long("over12h")),
      over3days: cell(keys.long("over3days")),
      byType: m.duration.flatMap((d) => {
        if (!m.longMeasures.byType) return [];
        const t = m.longMeasures.byType.find((x) => x.type === d.type);
        const withEnd = cell(keys.durationN(d.type));
        const over12h = t ? cell(keys.longType(d.type, "over12h")) : { value: 0, suppressed: false };
        return [
          {
            type: d.type,
            label: d.label,
            withEnd,
            over12h,
            share: withEnd.suppressed || over12h.suppressed || d.n === 0 ? null : (over12h.value ?? 0) / d.n,
          },
        ];
      }),
    },
  };
}

/**
 * One figures model after disclosure control (see the module comment for the rule). Throws
 * when a line cannot be protected because the model's counts do not add up where they must.
 */
export function protectFigures(
  model: FiguresModel,
  settings: SuppressionSettings = defaultSuppression,
): ProtectedFigures {
  const threshold = checkSettings(settings);
  const cell = solve([planOf(model)], [], settings);
  return render(model, (key) => cell(0, key), threshold);
}

/**
 * Several figures models that are published together and whose counts add up to another
 * published model: the locations and the national row of the IGJ provision, or the quarters
 * and the whole range of a national report. Besides each model's own lines, every count of
 * `whole` that equals the sum of the same count over `parts` (a part without it counts 0) is a
 * line: the parts are its cells, the whole its total. Counts that do not add up (the number of
 * unique young people over quarters) get no such line — they cannot be derived by adding.
 * In such a line a part is always preferred as the partner over the whole, so the whole (the
 * national row) gets exactly the suppression `protectFigures(whole)` gives it, except where one
 * part is its only non-zero part and that part had to be suppressed (then they are equal and
 * go together).
 */
export function protectFiguresTogether(
  parts: readonly FiguresModel[],
  whole: FiguresModel,
  settings: SuppressionSettings = defaultSuppression,
): { parts: ProtectedFigures[]; whole: ProtectedFigures } {
  const threshold = checkSettings(settings);
  const plans = [...parts.map(planOf), planOf(whole)];
  const w = parts.length;
  const wholePlan = plans[w] as Plan;
  const extra: { name: string; cells: [number, string][]; total: [number, string] }[] = [];
  for (const [key, v] of wholePlan.values) {
    const cells: [number, string][] = [];
    let sum = 0;
    parts.forEach((_, p) => {
      const pv = plans[p]?.values.get(key);
      if (pv === undefined) return;
      cells.push([p, key]);
      sum += pv;
    });
    if (cells.length > 0 && sum === v) extra.push({ name: `parts of ${key}`, cells, total: [w, key] });
  }
  const cell = solve(plans, extra, settings);
  const protect = (m: FiguresModel, p: number) => render(m, (key) => cell(p, key), threshold);
  return { parts: parts.map(protect), whole: protect(whole, w) };
}
