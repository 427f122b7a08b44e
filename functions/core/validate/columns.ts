/** A growable typed column, so a million validated rows cost a few bytes each. */
export class GrowableColumn<T extends Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array> {
  private data: T;
  length = 0;

  constructor(private readonly make: (size: number) => T) {
    this.data = make(1024);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The filled part (a view, no copy). */
  values(): T {
    return this.data.subarray(0, this.length) as T;
  }
}
