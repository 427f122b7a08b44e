/**
 * Column builders for validated rows. Each class keeps fixed typed-array fields so the hot
 * path stays monomorphic: a million rows cost a few bytes each and no per-row objects.
 */

function grown<T extends Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array>(
  a: T,
  size: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

export class MeasureBuilder {
  count = 0;
  youthIndex: Int32Array;
  sourceRow: Int32Array;
  startWall: Float64Array;
  endWall: Float64Array;
  durationMin: Int32Array;
  typeCode: Int16Array;
  carePlan: Int8Array;
  hasReason: Uint8Array;

  constructor(private capacity = 1024) {
    this.youthIndex = new Int32Array(capacity);
    this.sourceRow = new Int32Array(capacity);
    this.startWall = new Float64Array(capacity);
    this.endWall = new Float64Array(capacity);
    this.durationMin = new Int32Array(capacity);
    this.typeCode = new Int16Array(capacity);
    this.carePlan = new Int8Array(capacity);
    this.hasReason = new Uint8Array(capacity);
  }

  add(
    youth: number,
    row: number,
    start: number,
    end: number,
    duration: number,
    type: number,
    care: number,
    reason: number,
  ): void {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.youthIndex[i] = youth;
    this.sourceRow[i] = row;
    this.startWall[i] = start;
    this.endWall[i] = end;
    this.durationMin[i] = duration;
    this.typeCode[i] = type;
    this.carePlan[i] = care;
    this.hasReason[i] = reason;
  }

  private grow(): void {
    const size = Math.ceil(this.capacity * 1.5);
    this.youthIndex = grown(this.youthIndex, size);
    this.sourceRow = grown(this.sourceRow, size);
    this.startWall = grown(this.startWall, size);
    this.endWall = grown(this.endWall, size);
    this.durationMin = grown(this.durationMin, size);
    this.typeCode = grown(this.typeCode, size);
    this.carePlan = grown(this.carePlan, size);
    this.hasReason = grown(this.hasReason, size);
    this.capacity = size;
  }

  /** The filled part of each column (views, no copies). */
  columns() {
    const n = this.count;
    return {
      count: n,
      youthIndex: this.youthIndex.subarray(0, n),
      sourceRow: this.sourceRow.subarray(0, n),
      startWall: this.startWall.subarray(0, n),
      endWall: this.endWall.subarray(0, n),
      durationMin: this.durationMin.subarray(0, n),
      typeCode: this.typeCode.subarray(0, n),
      carePlan: this.carePlan.subarray(0, n),
      hasReason: this.hasReason.subarray(0, n),
    };
  }
}

/** Row hashes with their row numbers, for finding exact duplicates afterwards. */
export class RowHashes {
  count = 0;
  hashes: Float64Array;
  rows: Int32Array;

  constructor(private capacity = 1024) {
    this.hashes = new Float64Array(capacity);
    this.rows = new Int32Array(capacity);
  }

  add(hash: number, row: number): void {
    if (this.count === this.capacity) {
      this.capacity = Math.ceil(this.capacity * 1.5);
      this.hashes = grown(this.hashes, this.capacity);
      this.rows = grown(this.rows, this.capacity);
    }
    this.hashes[this.count] = hash;
    this.rows[this.count++] = row;
  }
}

/**
 * A 53-bit hash (cyrb53-style mixing) of one measure as validated: youth number, start, end,
 * type, care-plan answer and the reason text. Equal measures give equal hashes; the rare
 * collision of different measures is accepted (about 1 in 10^4 for a million-row file).
 */
export function hashMeasure(
  youth: string,
  start: number,
  end: number,
  type: number,
  care: number,
  reason: string,
): number {
  // Wall times in whole minutes fit in 32 bits until the year 6000; NaN (no end) becomes -1.
  const startMinutes = start / 60_000;
  const endMinutes = Number.isNaN(end) ? -1 : end / 60_000;
  let h1 = 0xdeadbeef ^ type;
  let h2 = 0x41c6ce57 ^ care;
  for (let i = 0; i < youth.length; i++) {
    h1 = Math.imul(h1 ^ youth.charCodeAt(i), 2654435761);
    h2 = Math.imul(h2 ^ youth.charCodeAt(i), 1597334677);
  }
  h1 = Math.imul(h1 ^ startMinutes, 2654435761);
  h2 = Math.imul(h2 ^ startMinutes, 1597334677);
  h1 = Math.imul(h1 ^ endMinutes, 2654435761);
  h2 = Math.imul(h2 ^ endMinutes, 1597334677);
  for (let i = 0; i < reason.length; i++) {
    h1 = Math.imul(h1 ^ reason.charCodeAt(i), 2654435761);
    h2 = Math.imul(h2 ^ reason.charCodeAt(i), 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
