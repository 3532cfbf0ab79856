/**
 * A minimal binary encoding for snapshots: unsigned LEB128 varints, UTF-8
 * strings and raw byte runs. Varints make the postings of a million-sentence
 * index small (ids are delta-encoded, frequencies are mostly 1), and a plain
 * byte reader decodes them far faster than `JSON.parse` builds objects.
 */

/** Accumulates bytes; hand full chunks to `flush` to keep memory bounded. */
export class ByteWriter {
  private buf: Uint8Array;
  private at = 0;

  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial);
  }

  /** Bytes written since the last {@link take}. */
  get length(): number {
    return this.at;
  }

  uint(n: number): void {
    this.reserve(10);
    // Numbers up to 2^53: division, not bit operations, which stop at 32 bits.
    while (n >= 0x80) {
      this.buf[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.at++] = n;
  }

  float(x: number): void {
    this.reserve(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.at, 8).setFloat64(0, x, true);
    this.at += 8;
  }

  bytes(data: Uint8Array): void {
    this.uint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.at);
    this.at += data.length;
  }

  string(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }

  /**
   * Many strings at once: their lengths (UTF-16 code units) as a typed
   * array, then their concatenation as one UTF-8 run, which the reader
   * decodes in one call and cuts up (see {@link ByteReader.stringList}):
   * far quicker to read than a length-prefixed string each.
   */
  stringList(strings: readonly string[]): void {
    const lengths = Uint32Array.from(strings, (s) => s.length);
    this.uint(strings.length);
    this.bytes(new Uint8Array(lengths.buffer));
    this.string(strings.join(''));
  }

  /** The bytes written so far (a copy), and a reset. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.at));
    this.at = 0;
    return out;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.at));
    this.buf = grown;
  }
}

/** Reads what {@link ByteWriter} wrote. Throws on reading past the end (a truncated file). */
export class ByteReader {
  private at = 0;

  constructor(private readonly buf: Uint8Array) {}

  get offset(): number {
    return this.at;
  }

  /** The bytes read from: what {@link bytes} returns views of. */
  get source(): Uint8Array {
    return this.buf;
  }

  get done(): boolean {
    return this.at >= this.buf.length;
  }

  uint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= this.buf.length) throw new Error('snapshot truncated');
      const b = this.buf[this.at++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new Error('snapshot corrupt: varint too long');
    }
  }

  float(): number {
    if (this.at + 8 > this.buf.length) throw new Error('snapshot truncated');
    const x = new DataView(this.buf.buffer, this.buf.byteOffset + this.at, 8).getFloat64(0, true);
    this.at += 8;
    return x;
  }

  /** A view of the next byte run (not a copy). */
  bytes(): Uint8Array {
    const n = this.uint();
    if (this.at + n > this.buf.length) throw new Error('snapshot truncated');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  string(): string {
    const b = this.bytes();
    return Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
  }

  /** What {@link ByteWriter.stringList} wrote. */
  stringList(): string[] {
    const count = this.uint();
    const raw = this.bytes();
    if (raw.byteLength !== count * 4) throw new Error('snapshot corrupt: string list lengths');
    // Copied (a Buffer's slice would not be): the run need not be 4-byte aligned in the file.
    const lengths = new Uint32Array(new Uint8Array(raw).buffer);
    const joined = this.string();
    const out = new Array<string>(count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const end = at + lengths[i]!;
      out[i] = joined.slice(at, end);
      at = end;
    }
    // A lone surrogate comes back as U+FFFD, one unit as well, so only a corrupt list ends elsewhere.
    if (at !== joined.length) throw new Error('snapshot corrupt: string list text');
    return out;
  }
}
