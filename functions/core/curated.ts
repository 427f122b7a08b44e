import type { Vector } from "apache-arrow";
import type { Codebook } from "../../schemas/codebook.ts";
import { measureColumns } from "../../schemas/curated.ts";
import {
  boolColumn,
  constantColumn,
  dictionaryColumn,
  float64Column,
  int16Column,
  int32Column,
  timestampColumn,
  writeParquet,
  writeParquetRowGroups,
} from "./parquet.ts";
import type { MeasureColumns } from "./validate/delivery.ts";
import type { OccupancyRow } from "./validate/occupancy.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Rows per row group of a curated measures object (a delivery up to this size is one row group). */
export const measuresRowGroupRows = 128 * 1024;

/**
 * Encodes validated measures as the curated Parquet object. Youth numbers are replaced by their
 * pseudonyms here; the reason text never got this far (only whether it was filled in). A delivery
 * of more than `rowGroupRows` rows is written row group by row group, so the Arrow and Parquet
 * buffers of only one row group are in memory at a time.
 */
export async function encodeMeasures(
  m: MeasureColumns,
  pseudonyms: ReadonlyMap<string, string>,
  meta: { deliveryId: string; codebook: Codebook },
  rowGroupRows = measuresRowGroupRows,
): Promise<Uint8Array> {
  const pseudonymValues = m.youthNumbers.map((y) => {
    const p = pseudonyms.get(y);
    if (!p) throw new Error("pseudonymiser returned no pseudonym for a youth number");
    return p;
  });

  // Per type code: category index, room index (-1 = not seclusion) and locked, looked up by code.
  const categories = meta.codebook.categories.map((c) => c.id);
  const rooms = meta.codebook.rooms.map((r) => r.id);
  const maxCode = Math.max(...meta.codebook.types.map((t) => t.code));
  const categoryOf = new Int32Array(maxCode + 1).fill(-1);
  const roomOf = new Int32Array(maxCode + 1).fill(-1);
  const lockedOf = new Uint8Array(maxCode + 1);
  for (const t of meta.codebook.types) {
    categoryOf[t.code] = categories.indexOf(t.category);
    roomOf[t.code] = t.seclusion ? rooms.indexOf(t.seclusion.room) : -1;
    lockedOf[t.code] = t.seclusion?.locked ? 1 : 0;
  }
  // Month labels in order of appearance, shared by all row groups.
  const months: string[] = [];
  const monthIndexByDay = new Map<number, number>();

  /** The columns of rows `from` to `to` (views on the validated columns where they can be). */
  const group = (from: number, to: number): Record<string, Vector> => {
    const n = to - from;
    const monthIdx = new Int8Array(n);
    const hour = new Int16Array(n);
    const categoryIdx = new Int8Array(n);
    const roomIdx = new Int8Array(n);
    const locked = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const wall = m.startWall[from + i] as number;
      const day = Math.floor(wall / DAY);
      let idx = monthIndexByDay.get(day);
      if (idx === undefined) {
        const label = new Date(wall).toISOString().slice(0, 7);
        idx = months.indexOf(label);
        if (idx < 0) idx = months.push(label) - 1;
        monthIndexByDay.set(day, idx);
      }
      monthIdx[i] = idx;
      hour[i] = Math.floor((wall - day * DAY) / HOUR);
      const code = m.typeCode[from + i] as number;
      const category = categoryOf[code];
      if (category === undefined || category < 0)
        throw new Error(`type ${code} is not in codebook ${meta.codebook.version}`);
      categoryIdx[i] = category;
      roomIdx[i] = roomOf[code] as number;
      locked[i] = lockedOf[code] as number;
    }
    const columns = {
      delivery_id: constantColumn(meta.deliveryId, n),
      source_row: int32Column(m.sourceRow.subarray(from, to)),
      youth_pseudonym: dictionaryColumn(pseudonymValues, m.youthIndex.subarray(from, to)),
      start_ts: timestampColumn(m.startWall.subarray(from, to)),
      end_ts: timestampColumn(m.endWall.subarray(from, to)),
      start_month: dictionaryColumn(months, monthIdx),
      start_hour: int16Column(hour),
      duration_min: int32Column(m.durationMin.subarray(from, to), true),
      type_code: int16Column(m.typeCode.subarray(from, to)),
      category: dictionaryColumn(categories, categoryIdx),
      room: dictionaryColumn(rooms, roomIdx),
      locked: boolColumn(locked, n, roomIdx),
      care_plan: dictionaryColumn(["unknown", "yes", "no"], m.carePlan.subarray(from, to)),
      has_reason: boolColumn(m.hasReason.subarray(from, to), n),
      codebook_version: constantColumn(meta.codebook.version, n),
    };
    // Keep the file's column order identical to the documented contract.
    return Object.fromEntries(measureColumns.map((c) => [c.name, columns[c.name]]));
  };

  const settings = {
    plain: ["source_row", "start_ts", "end_ts"],
    withoutStatistics: [
      "delivery_id",
      "youth_pseudonym",
      "start_month",
      "category",
      "room",
      "care_plan",
      "codebook_version",
    ],
  };
  const n = m.count;
  if (n <= rowGroupRows) return writeParquet(group(0, n), settings);
  function* groups(): Generator<Record<string, Vector>> {
    for (let from = 0; from < n; from += rowGroupRows) yield group(from, Math.min(n, from + rowGroupRows));
  }
  return writeParquetRowGroups(groups(), rowGroupRows, settings);
}

export function encodeOccupancy(
  rows: readonly OccupancyRow[],
  meta: { loadId: string; loadedAt: Date },
): Uint8Array {
  const n = rows.length;
  const locations = [...new Set(rows.map((r) => r.location))];
  const months = [...new Set(rows.map((r) => r.month))];
  return writeParquet({
    location: dictionaryColumn(
      locations,
      Int32Array.from(rows, (r) => locations.indexOf(r.location)),
    ),
    month: dictionaryColumn(
      months,
      Int32Array.from(rows, (r) => months.indexOf(r.month)),
    ),
    occupancy: float64Column(Float64Array.from(rows, (r) => r.occupancy)),
    loaded_at: timestampColumn(new Float64Array(n).fill(meta.loadedAt.getTime())),
    load_id: constantColumn(meta.loadId, n),
  });
}
