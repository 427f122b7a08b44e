/** A column a file is expected to have: its official header and the other names accepted for it. */
export interface HeaderColumn<Id extends string = string> {
  id: Id;
  header: string;
  aliases: readonly string[];
  /** Reported as missing when absent; default true. */
  required?: boolean;
}

export interface HeaderMatch<Id extends string = string> {
  /** Column id → 0-based index of its (first) cell in the header. */
  index: Map<Id, number>;
  /** Required columns not found; `header` is the official header. */
  missing: { id: Id; header: string }[];
  /** Header cells that match no column, as written in the file ("" for an unnamed column). */
  extra: { index: number; header: string }[];
  /** Columns found more than once; `header` is the official header, `indexes` all 0-based positions. */
  duplicates: { id: Id; header: string; indexes: number[] }[];
}

/** `" Datum_Start "` → `"datum start"`: lowercase, no diacritics, `_ - .` as spaces, single spaces. */
export function normaliseHeader(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[_\-.]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Matches header cells to columns by normalised header or alias. */
export function matchHeaders<Id extends string>(
  header: readonly string[],
  columns: readonly HeaderColumn<Id>[],
): HeaderMatch<Id> {
  const byName = new Map<string, HeaderColumn<Id>>();
  for (const column of columns)
    for (const name of [column.header, ...column.aliases]) {
      const key = normaliseHeader(name);
      if (!byName.has(key)) byName.set(key, column);
    }

  const positions = new Map<Id, number[]>();
  const extra: HeaderMatch<Id>["extra"] = [];
  header.forEach((cell, index) => {
    const column = byName.get(normaliseHeader(cell));
    if (!column) extra.push({ index, header: cell });
    else positions.set(column.id, [...(positions.get(column.id) ?? []), index]);
  });

  const index = new Map<Id, number>();
  const missing: HeaderMatch<Id>["missing"] = [];
  const duplicates: HeaderMatch<Id>["duplicates"] = [];
  for (const column of columns) {
    const found = positions.get(column.id);
    if (found?.[0] === undefined) {
      if (column.required !== false) missing.push({ id: column.id, header: column.header });
      continue;
    }
    index.set(column.id, found[0]);
    if (found.length > 1) duplicates.push({ id: column.id, header: column.header, indexes: found });
  }
  return { index, missing, extra, duplicates };
}
