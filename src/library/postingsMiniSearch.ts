/**
 * MiniSearch with its postings opened up: the one class that reads and
 * writes MiniSearch's internal fields.
 *
 * Verbatim keeps MiniSearch for what it does well (the radix tree of terms,
 * per-term postings, vacuuming discarded documents, prefix and fuzzy search
 * for autocomplete), but its ranking reads postings directly instead of
 * calling `search`, and its sentence index inserts and restores postings in
 * bulk (see `SentenceIndex`). MiniSearch 7 declares those fields `protected`,
 * so a subclass reaches them with the compiler checking every access: an
 * upgrade that renames or retypes one fails to compile here, and
 * test/library/sentenceIndex.test.ts pins the meaning of what is read against
 * MiniSearch's own BM25+ scores. minisearch is pinned to an exact version in
 * package.json for the same reason.
 */
import MiniSearch from 'minisearch';

/** Postings of one field: short document id → term frequency. */
export type FieldPostings = Map<number, number>;

export class PostingsMiniSearch<T> extends MiniSearch<T> {
  /** Number of live documents. */
  get liveCount(): number {
    return this._documentCount;
  }

  /** The short id the next added document gets. */
  get nextShortId(): number {
    return this._nextId;
  }

  /** Postings of `term` in field `fieldId`; may include discarded documents until the next vacuum. */
  postings(term: string, fieldId: number): ReadonlyMap<number, number> | undefined {
    return this._index.get(term)?.get(fieldId);
  }

  /** Every term with its postings in field `fieldId` (non-empty ones only). */
  *fieldPostings(fieldId: number): IterableIterator<[string, ReadonlyMap<number, number>]> {
    for (const [term, fields] of this._index) {
      const postings = fields.get(fieldId);
      if (postings && postings.size > 0) yield [term, postings];
    }
  }

  /** The short id of a document, or `undefined`. */
  shortIdOf(id: unknown): number | undefined {
    return this._idToShortId.get(id);
  }

  /** The document id of a short id, or `undefined` once it is discarded. */
  documentIdOf(shortId: number): unknown {
    return this._documentIds.get(shortId);
  }

  /** Length of field `fieldId` of a document (distinct terms), as MiniSearch recorded it on `add`. */
  fieldLength(shortId: number, fieldId: number): number | undefined {
    return this._fieldLength.get(shortId)?.[fieldId];
  }

  /** Average length of field `fieldId` over live documents. */
  averageFieldLength(fieldId: number): number {
    return this._avgFieldLength[fieldId] ?? 0;
  }

  /** Sets the average length of a field (bulk insertion and discards keep it up to date themselves). */
  setAverageFieldLength(fieldId: number, average: number): void {
    this._avgFieldLength[fieldId] = average;
  }

  /**
   * Registers a document whose id equals the next short id, without
   * indexing any field: the bookkeeping `add` does before it indexes (bulk
   * insertion then adds the postings with {@link appendPostings}).
   */
  registerNext(id: number): void {
    if (this._nextId !== id) throw new Error(`documents must be registered in order: expected ${this._nextId}, got ${id}`);
    this._documentIds.set(id, id);
    this._idToShortId.set(id, id);
    this._nextId++;
    this._documentCount++;
  }

  /** Adds postings (`[shortId, tf, shortId, tf, …]`) of `term` in field `fieldId`: one radix-tree walk per term. */
  appendPostings(term: string, fieldId: number, flat: readonly number[]): void {
    const fields = this._index.fetch(term, () => new Map<number, FieldPostings>());
    let postings = fields.get(fieldId);
    if (!postings) fields.set(fieldId, (postings = new Map<number, number>()));
    for (let i = 0; i < flat.length; i += 2) postings.set(flat[i]!, flat[i + 1]!);
  }

  /**
   * Replaces the whole index state with one restored from a snapshot: the
   * postings of one field (straight into the radix tree, no re-analysis) and
   * the live documents, whose ids equal their short ids.
   */
  restoreState(state: {
    fieldId: number;
    postings: Iterable<[string, FieldPostings]>;
    liveIds: Iterable<number>;
    documentCount: number;
    nextId: number;
    averageLength: number;
  }): void {
    for (const [term, p] of state.postings) this._index.set(term, new Map([[state.fieldId, p]]));
    for (const id of state.liveIds) {
      this._documentIds.set(id, id);
      this._idToShortId.set(id, id);
    }
    this._documentCount = state.documentCount;
    this._nextId = state.nextId;
    this._avgFieldLength = [];
    this._avgFieldLength[state.fieldId] = state.averageLength;
    this._dirtCount = 0;
  }
}
