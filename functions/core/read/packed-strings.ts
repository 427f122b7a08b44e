/** Bytes per block of a PackedStrings (a longer text gets a block of its own). */
const blockBytes = 1 << 20;

/**
 * A list of texts kept as UTF-8 in blocks of a megabyte, outside the JavaScript heap: a workbook's
 * shared strings, which must stay in memory while its worksheet is read. As JavaScript strings, the
 * 850,000 shared strings of a 48 MB workbook took twice their size on the heap and made the garbage
 * collector let the heap grow by as much again; packed they take their UTF-8 size plus 12 bytes each.
 */
export class PackedStrings {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private readonly blocks: Uint8Array[] = [];
  private block = new Uint8Array(0);
  private used = 0;
  /** Per text: block number, start in the block, length in bytes. */
  private places = new Uint32Array(3 * 1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.used + text.length * 3 > this.block.length) {
      this.block = new Uint8Array(Math.max(blockBytes, text.length * 3));
      this.blocks.push(this.block);
      this.used = 0;
    }
    const { written } = this.encoder.encodeInto(text, this.block.subarray(this.used));
    if (3 * (this.count + 1) > this.places.length) {
      const grown = new Uint32Array(Math.ceil(this.places.length * 1.5));
      grown.set(this.places);
      this.places = grown;
    }
    const at = 3 * this.count++;
    this.places[at] = this.blocks.length - 1;
    this.places[at + 1] = this.used;
    this.places[at + 2] = written;
    this.used += written;
  }

  /** The text at `index`, or undefined past the end. */
  get(index: number): string | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    const at = 3 * index;
    const block = this.blocks[this.places[at] as number] as Uint8Array;
    const start = this.places[at + 1] as number;
    return this.decoder.decode(block.subarray(start, start + (this.places[at + 2] as number)));
  }
}
