/**
 * Postings as a snapshot stores them, kept encoded in memory after a restart
 * until they are needed.
 *
 * Filling MiniSearch's radix tree and one Map per term and field with every
 * posting of a million-sentence snapshot takes seconds (ten million Map
 * entries at ~150 ns each, and the garbage collections they bring), and a
 * restart would answer only after that. Instead the index keeps each term's
 * postings as the bytes the snapshot holds, with a Map from term to its
 * place. A question decodes the terms it reads into {@link SortedPostings}
 * (two typed arrays: decoding is a few ns a posting, where a Map costs ~150)
 * kept for the next question, and ranking reads those as it reads
 * MiniSearch's Maps, through {@link PostingList}. MiniSearch's own
 * structures, which changes to the index need, are filled in the background a
 * slice at a time (see `PostingsMiniSearch.materialize`). Terms are handed
 * over in file order, whichever were decoded first, so the radix tree ends up
 * the same however the questions asked meanwhile went.
 *
 * Layout (written by {@link PostingsWriter}): chunks of up to
 * {@link CHUNK_TERMS} terms, each their term list (`ByteWriter.stringList`),
 * the byte length of each term's record (a `Uint32Array`), and the records;
 * a chunk of zero terms ends the list. A record is the number of fields,
 * then per field its id, its number of postings and (short id delta,
 * frequency) pairs in increasing short id order, all unsigned varints.
 */
import { ByteReader, ByteWriter } from '../util/binary.ts';

/** The postings of one term: field id → (short document id → term frequency). */
export type TermFields = Map<number, Map<number, number>>;

/**
 * What ranking reads of a term's postings (short document id → term
 * frequency, in increasing id order): a MiniSearch Map, or
 * {@link SortedPostings} for a term still encoded.
 */
export interface PostingList {
  readonly size: number;
  get(id: number): number | undefined;
  has(id: number): boolean;
  [Symbol.iterator](): Iterator<[number, number]>;
}

/** A term's postings in one field as two typed arrays: ids in increasing order, and their frequencies. */
export class SortedPostings implements PostingList {
  constructor(
    private readonly ids: Uint32Array,
    private readonly tfs: Uint32Array,
  ) {}

  get size(): number {
    return this.ids.length;
  }

  get(id: number): number | undefined {
    const at = this.find(id);
    return at < 0 ? undefined : this.tfs[at];
  }

  has(id: number): boolean {
    return this.find(id) >= 0;
  }

  [Symbol.iterator](): Iterator<[number, number]> {
    return new SortedPostingsIterator(this.ids, this.tfs);
  }

  /** The postings as MiniSearch keeps them (a Map in id order). */
  toMap(): Map<number, number> {
    const map = new Map<number, number>();
    for (let i = 0; i < this.ids.length; i++) map.set(this.ids[i]!, this.tfs[i]!);
    return map;
  }

  /** Binary search: the place of `id`, or -1. */
  private find(id: number): number {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid]!;
      if (v < id) lo = mid + 1;
      else if (v > id) hi = mid - 1;
      else return mid;
    }
    return -1;
  }
}

/** A plain iterator rather than a generator: ranking walks postings of hundreds of thousands of entries. */
class SortedPostingsIterator implements Iterator<[number, number]> {
  private at = 0;

  constructor(
    private readonly ids: Uint32Array,
    private readonly tfs: Uint32Array,
  ) {}

  next(): IteratorResult<[number, number]> {
    const at = this.at;
    if (at >= this.ids.length) return { done: true, value: undefined };
    this.at = at + 1;
    return { done: false, value: [this.ids[at]!, this.tfs[at]!] };
  }
}

/** Terms per chunk: big enough that the per-chunk cost vanishes, small enough that writing one is a short step. */
const CHUNK_TERMS = 4096;

/** The postings of a snapshot, decoded term by term on demand and handed over in file order. */
export class EncodedPostings {
  /** Terms handed over so far ({@link takeNext}): those before this place in file order. */
  private cursor = 0;
  /** Terms decoded before their turn to be handed over, kept so that a term is decoded once. */
  private readonly decoded = new Map<string, ReadonlyMap<number, SortedPostings>>();

  private constructor(
    /** Every term, in file order. */
    private readonly terms: readonly string[],
    /** Each term's place in {@link terms}. */
    private readonly places: ReadonlyMap<string, number>,
    /** Where each term's record starts in {@link data}, and where it ends. */
    private readonly starts: Float64Array,
    private readonly ends: Float64Array,
    private readonly data: Uint8Array,
  ) {}

  /** Number of terms, handed over or not. */
  get size(): number {
    return this.terms.length;
  }

  /** Whether every term has been handed over. */
  get done(): boolean {
    return this.cursor >= this.terms.length;
  }

  /**
   * The postings of a term not yet handed over, by field (decoded now if
   * need be, and kept); `undefined` for a term handed over already, or one
   * the snapshot does not have.
   */
  fieldsOf(term: string): ReadonlyMap<number, SortedPostings> | undefined {
    const place = this.places.get(term);
    if (place === undefined || place < this.cursor) return undefined;
    let fields = this.decoded.get(term);
    if (!fields) this.decoded.set(term, (fields = this.decode(place)));
    return fields;
  }

  /** The next term in file order and its postings as MiniSearch keeps them; `undefined` when all are handed over. */
  takeNext(): [string, TermFields] | undefined {
    if (this.cursor >= this.terms.length) return undefined;
    const place = this.cursor++;
    const term = this.terms[place]!;
    const sorted = this.decoded.get(term);
    if (!sorted) return [term, this.decodeToMaps(place)];
    this.decoded.delete(term);
    const fields: TermFields = new Map();
    for (const [fieldId, postings] of sorted) fields.set(fieldId, postings.toMap());
    return [term, fields];
  }

  /** A term's postings straight into Maps, for a term no question has read yet. */
  private decodeToMaps(place: number): TermFields {
    const r = new ByteReader(this.data.subarray(this.starts[place], this.ends[place]));
    const fields: TermFields = new Map();
    for (let f = r.uint(); f > 0; f--) {
      const fieldId = r.uint();
      const postings = new Map<number, number>();
      let id = 0;
      for (let n = r.uint(); n > 0; n--) {
        id += r.uint();
        postings.set(id, r.uint());
      }
      fields.set(fieldId, postings);
    }
    return fields;
  }

  private decode(place: number): Map<number, SortedPostings> {
    const r = new ByteReader(this.data.subarray(this.starts[place], this.ends[place]));
    const fields = new Map<number, SortedPostings>();
    for (let f = r.uint(); f > 0; f--) {
      const fieldId = r.uint();
      const count = r.uint();
      const ids = new Uint32Array(count);
      const tfs = new Uint32Array(count);
      let id = 0;
      for (let i = 0; i < count; i++) {
        id += r.uint();
        ids[i] = id;
        tfs[i] = r.uint();
      }
      fields.set(fieldId, new SortedPostings(ids, tfs));
    }
    return fields;
  }

  /**
   * Reads what {@link PostingsWriter} wrote. The records stay where they
   * are, in `r`'s buffer (a snapshot file's, freed once every term is handed
   * over and nothing else holds it). Throws on a malformed list (a term
   * twice, lengths that overrun).
   */
  static read(r: ByteReader): EncodedPostings {
    const terms: string[] = [];
    const places = new Map<string, number>();
    const starts: number[] = [];
    const ends: number[] = [];
    const source = r.source;
    for (;;) {
      const names = r.stringList();
      if (names.length === 0) break;
      const raw = r.bytes();
      if (raw.byteLength !== names.length * 4) throw new Error('snapshot corrupt: postings lengths');
      const sizes = new Uint32Array(new Uint8Array(raw).buffer);
      const run = r.bytes();
      let at = run.byteOffset - source.byteOffset;
      for (let i = 0; i < names.length; i++) {
        places.set(names[i]!, terms.length);
        terms.push(names[i]!);
        starts.push(at);
        at += sizes[i]!;
        ends.push(at);
      }
      if (at !== run.byteOffset - source.byteOffset + run.byteLength) throw new Error('snapshot corrupt: postings records');
      if (places.size !== terms.length) throw new Error('snapshot corrupt: a term twice');
    }
    return new EncodedPostings(terms, places, Float64Array.from(starts), Float64Array.from(ends), source);
  }
}

/** Writes postings in the layout {@link EncodedPostings.read} reads, chunk by chunk into a {@link ByteWriter}. */
export class PostingsWriter {
  private names: string[] = [];
  private sizes: number[] = [];
  private readonly records = new ByteWriter(1 << 16);

  constructor(private readonly out: ByteWriter) {}

  /** Adds a term's postings, each field's `[short id, frequency]` pairs in increasing short id order. */
  add(term: string, fields: ReadonlyArray<readonly [number, ReadonlyArray<readonly [number, number]>]>): void {
    const before = this.records.length;
    this.records.uint(fields.length);
    for (const [fieldId, postings] of fields) {
      this.records.uint(fieldId);
      this.records.uint(postings.length);
      let previous = 0;
      for (const [id, tf] of postings) {
        this.records.uint(id - previous);
        this.records.uint(tf);
        previous = id;
      }
    }
    this.names.push(term);
    this.sizes.push(this.records.length - before);
    if (this.names.length >= CHUNK_TERMS) this.chunk();
  }

  /** Writes what is pending and the end of the list. */
  end(): void {
    this.chunk();
    this.out.stringList([]);
  }

  private chunk(): void {
    if (this.names.length === 0) return;
    this.out.stringList(this.names);
    const sizes = Uint32Array.from(this.sizes);
    this.out.bytes(new Uint8Array(sizes.buffer));
    this.out.bytes(this.records.take());
    this.names = [];
    this.sizes = [];
  }
}
