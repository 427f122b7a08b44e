/**
 * Builds the figures model (schemas/figures.ts) for one location or nationally over a range of
 * quarters, from the reviewed SQL in `queries/` run on any `QueryEngine` (DuckDB locally,
 * Athena on AWS). The SQL only aggregates; codebook knowledge (labels, zero-filling, which
 * types are point-in-time) is applied here.
 */

import { bindParams, loadQuery } from "../../queries/index.ts";
import { type Codebook, type CodebookType, codebookByVersion, codebookFor } from "../../schemas/codebook.ts";
import { type FiguresModel, figuresModel } from "../../schemas/figures.ts";
import { monthRange, quarterBounds, quarterRange } from "../../schemas/quarter.ts";
import { BrokenObjectError } from "../errors.ts";
import type { QueryEngine, Row, SqlValue } from "../ports.ts";
import { brokenInScope, brokenMessage } from "./current.ts";

export interface FiguresOptions {
  from: string;
  to: string;
  /** Location code, or null for the national figures. */
  location: string | null;
  /** All known location codes, so that a location without a delivery shows as `missing`. */
  locations: readonly string[];
  /**
   * Details only some documents publish (and that disclosure control then protects): the start
   * hour per kind of seclusion (`seclusionByStartHour`, the national report). Without it the
   * model has no such field, so nothing is protected that is not shown.
   */
  details?: { seclusionByStartHour?: boolean };
}

export async function buildFigures(engine: QueryEngine, opts: FiguresOptions): Promise<FiguresModel> {
  if (opts.from > opts.to) throw new RangeError(`quarter range ${opts.from}..${opts.to} is empty`);
  // A damaged object in scope would make every figure wrong: refuse, naming it. Out of scope, it
  // does not matter: other locations and quarters keep working.
  const broken = brokenInScope(engine.broken, opts);
  if (broken.length > 0)
    throw new BrokenObjectError(
      broken,
      brokenMessage(
        broken,
        `de gegevens van ${opts.location ?? "alle locaties"} over ${opts.from === opts.to ? opts.from : `${opts.from} t/m ${opts.to}`}`,
      ),
    );
  const codebook = codebookFor(quarterBounds(opts.from).first);
  const seclusionCategory = seclusionCategoryOf(codebook);
  const values: Record<string, SqlValue> = {
    from: opts.from,
    to: opts.to,
    location: opts.location,
    seclusionCategory,
  };
  const run = (name: string): Promise<Row[]> => engine.query(loadQuery(name), bindParams(name, values));

  // Independent queries: started together (the DuckDB engine serialises them, Athena runs them in parallel).
  const [
    deliveryRows,
    totalsRows,
    monthRows,
    typeRows,
    hourRows,
    roomRows,
    durationRows,
    carePlanRows,
    frequencyRows,
    rateRows,
    qualityRows,
    hourCategoryRows,
    typeScopeRows,
  ] = await Promise.all([
    run("delivery_status"),
    run("totals"),
    run("by_month"),
    run("by_type"),
    run("by_start_hour"),
    run("seclusion_by_room"),
    run("duration"),
    run("care_plan"),
    run("youth_frequency"),
    run("rates"),
    run("data_quality"),
    run("by_start_hour_category"),
    run("by_type_scope"),
  ]);
  const seclusionHourRows = opts.details?.seclusionByStartHour ? await run("seclusion_by_start_hour") : null;

  const totals = totalsRows[0];
  const total = totals ? int(totals, "total") : 0;
  const versions = [...new Set(qualityRows.map((r) => str(r, "codebook_version")))].sort();
  const labelCodebooks = [codebook, ...versions.map(codebookByVersion).filter((c): c is Codebook => !!c)];
  const typeInfo = (code: number): CodebookType | undefined => {
    for (const cb of labelCodebooks) {
      const t = cb.types.find((x) => x.code === code);
      if (t) return t;
    }
    return undefined;
  };

  // Deliveries: every (location, quarter) in scope, `missing` without an accepted delivery.
  const delivered = new Map(deliveryRows.map((r) => [`${str(r, "location")}/${str(r, "quarter")}`, r]));
  const locations = opts.location
    ? [opts.location]
    : [...new Set([...opts.locations, ...deliveryRows.map((r) => str(r, "location"))])].sort();
  const deliveries: FiguresModel["deliveries"] = [];
  for (const location of locations) {
    for (const quarter of quarterRange(opts.from, opts.to)) {
      const row = delivered.get(`${location}/${quarter}`);
      const scope = row ? str(row, "scope") : "missing";
      if (scope !== "all" && scope !== "seclusion" && scope !== "missing")
        throw new Error(`delivery ${location} ${quarter}: unknown scope ${scope}`);
      deliveries.push({ location, quarter, status: scope, rows: row ? int(row, "rows") : 0 });
    }
  }

  // Months: every month in range (plus, defensively, any month the data has outside it).
  const monthCounts = countMap(monthRows, "n", (r) => str(r, "start_month"));
  const months = [...new Set([...monthRange(opts.from, opts.to), ...monthCounts.keys()])].sort();
  const byMonth = months.map((month) => ({ month, count: monthCounts.get(month) ?? 0 }));

  // Types in code order; a code the codebook does not know is listed after them.
  const typeCounts = new Map<number, number>();
  const categoryCounts = new Map<string, number>();
  const dataCategoryOfType = new Map<number, string>();
  for (const r of typeRows) {
    const code = int(r, "type_code");
    const category = str(r, "category");
    typeCounts.set(code, (typeCounts.get(code) ?? 0) + int(r, "n"));
    categoryCounts.set(category, (categoryCounts.get(category) ?? 0) + int(r, "n"));
    dataCategoryOfType.set(code, category);
  }
  const typeCodes = [...new Set([...codebook.types.map((t) => t.code), ...typeCounts.keys()])].sort(
    (a, b) => a - b,
  );
  // Scope-aware shares: a share of all measures only over deliveries with all types (numerator
  // and denominator); a share within seclusion over every delivery that holds seclusion.
  const allScopeTypeCounts = new Map<number, number>();
  const allScopeCategoryCounts = new Map<string, number>();
  let allScopeTotal = 0;
  for (const r of typeScopeRows) {
    const scope = str(r, "scope");
    if (scope !== "all" && scope !== "seclusion") throw new Error(`by_type_scope: unknown scope ${scope}`);
    if (scope !== "all") continue;
    const code = int(r, "type_code");
    const category = str(r, "category");
    allScopeTypeCounts.set(code, (allScopeTypeCounts.get(code) ?? 0) + int(r, "n"));
    allScopeCategoryCounts.set(category, (allScopeCategoryCounts.get(category) ?? 0) + int(r, "n"));
    allScopeTotal += int(r, "n");
  }
  const share = (n: number): number => (allScopeTotal > 0 ? n / allScopeTotal : 0);
  const seclusionTotal = categoryCounts.get(seclusionCategory) ?? 0;
  const byType = typeCodes.map((code) => {
    const t = typeInfo(code);
    const count = typeCounts.get(code) ?? 0;
    const allScopeCount = allScopeTypeCounts.get(code) ?? 0;
    const category = t?.category ?? dataCategoryOfType.get(code) ?? "";
    return {
      type: code,
      label: t?.label ?? `Type ${code}`,
      category,
      count,
      allScopeCount,
      share: share(allScopeCount),
      seclusionShare:
        category === seclusionCategory ? (seclusionTotal > 0 ? count / seclusionTotal : 0) : null,
    };
  });
  const categoryLabels = new Map(codebook.categories.map((c) => [c.id, c.label]));
  const categoryIds = [...new Set([...categoryLabels.keys(), ...categoryCounts.keys()])];
  const byCategory = categoryIds.map((category) => {
    const count = categoryCounts.get(category) ?? 0;
    const allScopeCount = allScopeCategoryCounts.get(category) ?? 0;
    return {
      category,
      label: categoryLabels.get(category) ?? category,
      count,
      allScopeCount,
      share: share(allScopeCount),
    };
  });

  // Seclusion rooms: every room of the codebook × locked / not locked.
  const roomCounts = countMap(roomRows, "n", (r) => `${str(r, "room")}/${bool(r, "locked")}`);
  const roomLabels = new Map(codebook.rooms.map((r) => [r.id, r.label]));
  const roomKeys = codebook.rooms.flatMap((r) => [`${r.id}/true`, `${r.id}/false`]);
  for (const key of roomCounts.keys()) if (!roomKeys.includes(key)) roomKeys.push(key);
  const seclusionByRoom = roomKeys.map((key) => {
    const [room = "", locked] = key.split("/");
    return {
      room,
      label: roomLabels.get(room) ?? room,
      locked: locked === "true",
      count: roomCounts.get(key) ?? 0,
    };
  });

  // Start hour per room × locked (on request), zero-filled: every hour of every combination.
  const seclusionByStartHour = seclusionHourRows
    ? (() => {
        const counts = countMap(
          seclusionHourRows,
          "n",
          (r) => `${int(r, "start_hour")}|${str(r, "room")}/${bool(r, "locked")}`,
        );
        const known = new Set(seclusionByRoom.map((r) => `${r.room}/${r.locked}`));
        for (const k of counts.keys())
          if (!known.has(k.split("|")[1] ?? ""))
            throw new Error(`seclusion_by_start_hour: room ${k} is not in seclusion_by_room`);
        return seclusionByRoom.flatMap((r) =>
          Array.from({ length: 24 }, (_, hour) => ({
            hour,
            room: r.room,
            label: r.label,
            locked: r.locked,
            count: counts.get(`${hour}|${r.room}/${r.locked}`) ?? 0,
          })),
        );
      })()
    : undefined;

  const hourCounts = countMap(hourRows, "n", (r) => String(int(r, "start_hour")));
  const byStartHour = Array.from({ length: 24 }, (_, hour) => ({
    hour,
    count: hourCounts.get(String(hour)) ?? 0,
  }));

  // Per hour and category, zero-filled for every category of the codebook (in its order).
  const hourCategoryCounts = countMap(
    hourCategoryRows,
    "n",
    (r) => `${int(r, "start_hour")}|${String(r.category)}`,
  );
  const byStartHourCategory = codebook.categories.flatMap((c) =>
    Array.from({ length: 24 }, (_, hour) => ({
      hour,
      category: c.id,
      count: hourCategoryCounts.get(`${hour}|${c.id}`) ?? 0,
    })),
  );

  const duration = durationRows.map((r) => {
    const code = int(r, "type_code");
    return {
      type: code,
      label: typeInfo(code)?.label ?? `Type ${code}`,
      n: int(r, "n"),
      min: num(r, "min_duration"),
      max: num(r, "max_duration"),
      mean: num(r, "mean_duration"),
      median: num(r, "median_duration"),
    };
  });

  const carePlan = { yes: 0, no: 0, unknown: 0 };
  for (const r of carePlanRows) {
    const answer = str(r, "care_plan");
    if (answer !== "yes" && answer !== "no" && answer !== "unknown")
      throw new Error(`unknown care_plan ${answer}`);
    carePlan[answer] += int(r, "n");
  }

  const youthFrequency = frequencyRows.map((r) => ({ measures: int(r, "measures"), youth: int(r, "youth") }));

  const rateByKey = new Map(rateRows.map((r) => [`${str(r, "month")}/${str(r, "scope")}`, r]));
  const rates = months.flatMap((month) =>
    (["all", "seclusion"] as const).map((scope) => {
      const r = rateByKey.get(`${month}/${scope}`);
      if (!r) return { month, scope, measures: 0, occupancy: 0, per10: null };
      return {
        month,
        scope,
        measures: int(r, "measures"),
        occupancy: num(r, "occupancy"),
        per10: numOrNull(r, "per10"),
      };
    }),
  );

  const dataQuality = { missingEnd: 0, zeroDuration: 0, carePlanUnknown: 0, missingReason: 0 };
  const longMeasures = { over12h: 0, over3days: 0 };
  const longByType = new Map<number, { over12h: number; over3days: number }>();
  for (const r of qualityRows) {
    const version = str(r, "codebook_version");
    const code = int(r, "type_code");
    const type =
      (codebookByVersion(version) ?? codebook).types.find((t) => t.code === code) ?? typeInfo(code);
    // A point-in-time measure (search, test) has no end by design; an unknown type is counted.
    if (!type?.pointInTime) dataQuality.missingEnd += int(r, "missing_end");
    dataQuality.zeroDuration += int(r, "zero_duration");
    dataQuality.carePlanUnknown += int(r, "care_plan_unknown");
    dataQuality.missingReason += int(r, "missing_reason");
    longMeasures.over12h += int(r, "over_12h");
    longMeasures.over3days += int(r, "over_3days");
    const t = longByType.get(code) ?? { over12h: 0, over3days: 0 };
    t.over12h += int(r, "over_12h");
    t.over3days += int(r, "over_3days");
    longByType.set(code, t);
  }

  for (const [code, t] of longByType)
    if (t.over12h > 0 && !duration.some((d) => d.type === code))
      throw new Error(`type ${code}: measures over 12 hours but no duration`);

  return figuresModel.parse({
    location: opts.location,
    from: opts.from,
    to: opts.to,
    codebookVersions: versions,
    deliveries,
    total,
    allScopeTotal,
    uniqueYouth: totals ? int(totals, "unique_youth") : 0,
    byMonth,
    byCategory,
    byType,
    seclusionByRoom,
    byStartHour,
    byStartHourCategory,
    duration,
    carePlan,
    youthFrequency,
    rates,
    dataQuality,
    longMeasures: {
      ...longMeasures,
      // Per type with a duration (the types of `duration`, in its order): a measure over 12
      // hours has an end, so every such type is there.
      byType: duration.map((d) => ({
        type: d.type,
        over12h: longByType.get(d.type)?.over12h ?? 0,
        over3days: longByType.get(d.type)?.over3days ?? 0,
      })),
    },
    ...(seclusionByStartHour ? { seclusionByStartHour } : {}),
  } satisfies FiguresModel);
}

/** The category of the codebook's seclusion types (the types with a room); exactly one is expected. */
function seclusionCategoryOf(codebook: Codebook): string {
  const categories = new Set(codebook.types.filter((t) => t.seclusion).map((t) => t.category));
  const [only, ...others] = [...categories];
  if (!only || others.length > 0)
    throw new Error(
      `codebook ${codebook.version}: expected one category of seclusion types, found ${categories.size}`,
    );
  return only;
}

function countMap(rows: readonly Row[], countColumn: string, key: (r: Row) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    out.set(k, (out.get(k) ?? 0) + int(r, countColumn));
  }
  return out;
}

function value(row: Row, column: string): SqlValue {
  if (!(column in row)) throw new Error(`query result has no column ${column}`);
  return row[column] ?? null;
}
function str(row: Row, column: string): string {
  const v = value(row, column);
  if (typeof v !== "string") throw new Error(`column ${column}: expected text, got ${String(v)}`);
  return v;
}
function num(row: Row, column: string): number {
  const v = value(row, column);
  if (typeof v !== "number") throw new Error(`column ${column}: expected a number, got ${String(v)}`);
  return v;
}
function numOrNull(row: Row, column: string): number | null {
  return value(row, column) === null ? null : num(row, column);
}
function int(row: Row, column: string): number {
  const v = num(row, column);
  if (!Number.isInteger(v)) throw new Error(`column ${column}: expected an integer, got ${v}`);
  return v;
}
function bool(row: Row, column: string): boolean {
  const v = value(row, column);
  if (typeof v !== "boolean") throw new Error(`column ${column}: expected a boolean, got ${String(v)}`);
  return v;
}
