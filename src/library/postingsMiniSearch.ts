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
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import MiniSearch, {
  type AsPlainObject,
  type Query,
  type SearchOptions,
  type SearchResult,
  type Suggestion,
  type VacuumOptions,
} from 'minisearch';
import type { EncodedPostings, PostingList } from './encodedPostings.ts';

/** Postings of one field: short document id → term frequency. */
export type FieldPostings = Map<number, number>;

export class PostingsMiniSearch<T> extends MiniSearch<T> {
  /** Postings restored from a snapshot and not yet in the radix tree (see {@link restoreState}). */
  private encoded: EncodedPostings | undefined;
  /** Documents restored from a snapshot and not yet registered (see {@link restoreState}). */
  private deferredIds: Iterator<number> | undefined;

  /** Number of live documents. */
  get liveCount(): number {
    return this._documentCount;
  }

  /** The short id the next added document gets. */
  get nextShortId(): number {
    return this._nextId;
  }

  /** Postings of `term` in field `fieldId`; may include discarded documents until the next vacuum. */
  postings(term: string, fieldId: number): PostingList | undefined {
    return (this.encoded?.fieldsOf(term) ?? this._index.get(term))?.get(fieldId);
  }

  /** Every term with its postings in field `fieldId` (non-empty ones only). */
  *fieldPostings(fieldId: number): IterableIterator<[string, ReadonlyMap<number, number>]> {
    this.materializeNow();
    for (const [term, fields] of this._index) {
      const postings = fields.get(fieldId);
      if (postings && postings.size > 0) yield [term, postings];
    }
  }

  /** The short id of a document, or `undefined`. */
  shortIdOf(id: unknown): number | undefined {
    if (this.deferredIds) this.materializeNow();
    return this._idToShortId.get(id);
  }

  /** The document id of a short id, or `undefined` once it is discarded. */
  documentIdOf(shortId: number): unknown {
    if (this.deferredIds) this.materializeNow();
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
    this.materializeNow();
    if (this._nextId !== id) throw new Error(`documents must be registered in order: expected ${this._nextId}, got ${id}`);
    this._documentIds.set(id, id);
    this._idToShortId.set(id, id);
    this._nextId++;
    this._documentCount++;
  }

  /** Adds postings (`[shortId, tf, shortId, tf, …]`) of `term` in field `fieldId`: one radix-tree walk per term. */
  appendPostings(term: string, fieldId: number, flat: readonly number[]): void {
    this.materializeNow();
    const fields = this._index.fetch(term, () => new Map<number, FieldPostings>());
    let postings = fields.get(fieldId);
    if (!postings) fields.set(fieldId, (postings = new Map<number, number>()));
    for (let i = 0; i < flat.length; i += 2) postings.set(flat[i]!, flat[i + 1]!);
  }

  /**
   * Every term with its postings in every field, leaving out the documents
   * discarded since the last vacuum, each field's postings in increasing
   * short id order: what a snapshot stores.
   */
  *livePostings(): IterableIterator<[string, Array<[number, Array<[number, number]>]>]> {
    this.materializeNow();
    for (const [term, fields] of this._index) {
      const out: Array<[number, Array<[number, number]>]> = [];
      for (const [fieldId, postings] of fields) {
        let live: Array<[number, number]> = [];
        let ordered = true;
        // Postings are in insertion order, which is short id order (short ids only grow); sorting is needed only if not.
        for (const [id, tf] of postings) {
          if (!this._documentIds.has(id)) continue;
          if (live.length > 0 && id < live[live.length - 1]![0]) ordered = false;
          live.push([id, tf]);
        }
        if (live.length === 0) continue;
        if (!ordered) live = live.sort((a, b) => a[0] - b[0]);
        out.push([fieldId, live]);
      }
      if (out.length > 0) yield [term, out];
    }
  }

  /** The documents, for a snapshot: short ids, ids and field lengths (`undefined` for a field without one), in short id order. */
  exportDocuments(): { shortIds: number[]; ids: unknown[]; lengths: Array<Array<number | undefined>>; averages: number[] } {
    if (this.deferredIds) this.materializeNow();
    const shortIds: number[] = [];
    const ids: unknown[] = [];
    const lengths: Array<Array<number | undefined>> = [];
    const fieldCount = Object.keys(this._fieldIds).length;
    for (const [shortId, id] of this._documentIds) {
      shortIds.push(shortId);
      ids.push(id);
      const own = this._fieldLength.get(shortId) ?? [];
      lengths.push(Array.from({ length: fieldCount }, (_, f) => own[f]));
    }
    const averages = Array.from({ length: fieldCount }, (_, f) => this._avgFieldLength[f] ?? 0);
    return { shortIds, ids, lengths, averages };
  }

  /**
   * Replaces the whole index state with one restored from a snapshot.
   * `postings` stay encoded: {@link postings} decodes a term when it is first
   * read, and the radix tree is filled later, by {@link materialize} in
   * slices or by any operation that needs it. `documents` are registered now,
   * with their field lengths; `deferredIds` (documents whose id equals their
   * short id and that have no field lengths: the sentence index, whose
   * lengths are its own) only when the rest is materialized, since reading
   * postings never looks them up.
   */
  restoreState(state: {
    postings: EncodedPostings;
    documents?: Iterable<[number, unknown, ReadonlyArray<number | undefined>]>;
    deferredIds?: Iterable<number>;
    documentCount: number;
    nextId: number;
    averageFieldLengths: readonly number[];
  }): void {
    this.encoded = state.postings;
    this.deferredIds = state.deferredIds?.[Symbol.iterator]();
    for (const [shortId, id, lengths] of state.documents ?? []) {
      this._documentIds.set(shortId, id);
      this._idToShortId.set(id, shortId);
      const own: number[] = [];
      lengths.forEach((length, f) => {
        if (length !== undefined) own[f] = length;
      });
      this._fieldLength.set(shortId, own);
    }
    this._documentCount = state.documentCount;
    this._nextId = state.nextId;
    this._avgFieldLength = [...state.averageFieldLengths];
    this._dirtCount = 0;
  }

  /** Whether everything restored from a snapshot is in MiniSearch's own structures (always, for an index built here). */
  get materialized(): boolean {
    return this.encoded === undefined && this.deferredIds === undefined;
  }

  /**
   * Moves what a snapshot restored into MiniSearch's own structures until
   * `deadline` (a `performance.now()` time); returns true when all of it is.
   */
  materializeUntil(deadline: number): boolean {
    let n = 0;
    const encoded = this.encoded;
    if (encoded) {
      for (let next = encoded.takeNext(); next; next = encoded.takeNext()) {
        this._index.set(next[0], next[1]);
        if ((++n & 7) === 0 && performance.now() >= deadline) return false;
      }
      this.encoded = undefined;
    }
    const ids = this.deferredIds;
    if (ids) {
      for (let next = ids.next(); !next.done; next = ids.next()) {
        this._documentIds.set(next.value, next.value);
        this._idToShortId.set(next.value, next.value);
        if ((++n & 1023) === 0 && performance.now() >= deadline) return false;
      }
      this.deferredIds = undefined;
    }
    return true;
  }

  /** Materializes in slices of about `sliceMs`, awaiting `pace()` (a turn of the event loop) in between (see {@link materializeUntil}). */
  async materialize(sliceMs = 10, pace: () => Promise<void> = () => yieldToEventLoop()): Promise<void> {
    while (!this.materializeUntil(performance.now() + sliceMs)) await pace();
  }

  /** Materializes what is left at once: for the operations that read or change MiniSearch's own structures. */
  private materializeNow(): void {
    if (!this.materialized) this.materializeUntil(Infinity);
  }

  // Every MiniSearch operation that reads or changes the radix tree or the document maps materializes first.
  override add(document: T): void {
    this.materializeNow();
    super.add(document);
  }

  override addAll(documents: readonly T[]): void {
    this.materializeNow();
    super.addAll(documents);
  }

  override addAllAsync(documents: readonly T[], options?: { chunkSize?: number }): Promise<void> {
    this.materializeNow();
    return super.addAllAsync(documents, options);
  }

  override remove(document: T): void {
    this.materializeNow();
    super.remove(document);
  }

  override removeAll(documents?: readonly T[]): void {
    this.materializeNow();
    super.removeAll(documents);
  }

  override discard(id: unknown): void {
    this.materializeNow();
    super.discard(id);
  }

  override discardAll(ids: readonly unknown[]): void {
    this.materializeNow();
    super.discardAll(ids);
  }

  override replace(updatedDocument: T): void {
    this.materializeNow();
    super.replace(updatedDocument);
  }

  override vacuum(options?: VacuumOptions): Promise<void> {
    this.materializeNow();
    return super.vacuum(options);
  }

  override has(id: unknown): boolean {
    if (this.deferredIds) this.materializeNow();
    return super.has(id);
  }

  override search(query: Query, searchOptions?: SearchOptions): SearchResult[] {
    this.materializeNow();
    return super.search(query, searchOptions);
  }

  override autoSuggest(queryString: string, options?: SearchOptions): Suggestion[] {
    this.materializeNow();
    return super.autoSuggest(queryString, options);
  }

  override toJSON(): AsPlainObject {
    this.materializeNow();
    return super.toJSON();
  }

  /** Number of terms (while some are still encoded, every term is either encoded or handed over from there). */
  override get termCount(): number {
    return this.encoded ? this.encoded.size : super.termCount;
  }
}
