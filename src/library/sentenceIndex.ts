/**
 * The sentence index: MiniSearch over the quotable sentences (one document
 * per sentence, one field), plus the vocabulary of surface words that typo
 * tolerance searches.
 *
 * MiniSearch builds and stores the inverted index (its radix tree of terms
 * and per-term postings) and vacuums discarded documents. The search side
 * reads those postings directly instead of calling `MiniSearch.search`, which
 * collects every candidate into a result object and sorts them all: the query
 * planner in `search/` needs per-term document frequencies to lead with rare
 * terms, and a typed-array accumulator instead of a Map per candidate. The
 * reads and writes go through {@link PostingsMiniSearch};
 * `test/library/sentenceIndex.test.ts` pins them against MiniSearch's own
 * BM25+ scores, so an upgrade that changes them fails a test instead of
 * answering wrongly. MiniSearch's own `search` is never called on this index
 * (the field lengths it needs are kept here, in a typed array), so the
 * instance stays private.
 */
import { Analyzer } from '../text/analyze.ts';
import type { EncodedPostings, PostingList } from './encodedPostings.ts';
import { PostingsMiniSearch } from './postingsMiniSearch.ts';
import { Vocabulary, type SimilarWord } from './vocabulary.ts';

export type { SimilarWord };

/** BM25+ parameters, as MiniSearch names them. */
export interface BM25Params {
  /** Term-frequency saturation. Default 1.2 (MiniSearch's default). */
  k: number;
  /** Length normalization, 0 (none) to 1 (full). Default 0.7 (MiniSearch's default). */
  b: number;
  /** BM25+ lower bound for any matching term. Default 0.5 (MiniSearch's default). */
  d: number;
}

export const DEFAULT_BM25: Readonly<BM25Params> = { k: 1.2, b: 0.7, d: 0.5 };

/** Options of {@link SentenceIndex}. */
export interface SentenceIndexOptions {
  analyzer?: Analyzer;
  bm25?: Partial<BM25Params> | undefined;
}

/** What a snapshot keeps of a sentence index, besides its postings. */
export interface SentenceIndexState {
  documentCount: number;
  nextId: number;
  averageLength: number;
  /** Length of each sentence id, `nextId` entries. */
  lengths: Uint16Array;
  /** The vocabulary: normalized word → term. */
  words: Array<[string, string]>;
}

/** The single indexed field's id in MiniSearch. */
const TEXT_FIELD = 0;

type SentenceDocument = { id: number; text: string };

export class SentenceIndex {
  readonly analyzer: Analyzer;
  readonly bm25Params: Readonly<BM25Params>;
  /** The underlying MiniSearch: postings and document bookkeeping (never searched: see the module comment). */
  private readonly miniSearch: PostingsMiniSearch<SentenceDocument>;
  /** Every normalized word seen in an indexed sentence, with its term. */
  private readonly words: Vocabulary;
  /** Sentence lengths in distinct terms, by id: a typed array read in the hot loop instead of MiniSearch's Map of arrays. */
  private lengths = new Uint16Array(1024);

  constructor(options: SentenceIndexOptions = {}, words = new Vocabulary()) {
    this.words = words;
    this.analyzer = options.analyzer ?? new Analyzer();
    this.bm25Params = { ...DEFAULT_BM25, ...options.bm25 };
    this.miniSearch = new PostingsMiniSearch<SentenceDocument>({
      fields: ['text'],
      storeFields: [],
      // Analysis happens in `analyze`, which also records the vocabulary.
      tokenize: (text) => this.analyze(text),
      processTerm: (term) => term,
    });
  }

  /** Number of live sentences. */
  get documentCount(): number {
    return this.miniSearch.liveCount;
  }

  /** Average sentence length in distinct terms. */
  get averageLength(): number {
    return this.miniSearch.averageFieldLength(TEXT_FIELD);
  }

  /** Number of distinct terms in the index. */
  get termCount(): number {
    return this.miniSearch.termCount;
  }

  /** Number of distinct surface words seen. */
  get wordCount(): number {
    return this.words.size;
  }

  /**
   * Indexes sentences: the same postings, lengths and document bookkeeping
   * that `MiniSearch.add` makes for each (pinned by a test against an
   * untouched MiniSearch). Ids must come in increasing order without gaps (the
   * article store assigns them so), which keeps MiniSearch's internal short id
   * equal to the sentence id. Postings are grouped by term first, so MiniSearch's
   * radix tree is walked once per distinct term of the batch rather than once
   * per token — the bulk of the time of `add` on a large corpus. `terms`, when
   * given, are the sentences' already analyzed terms (from an analysis helper
   * thread: see parallelBuild.ts); else `text` is analyzed here.
   */
  addBatch(sentences: ReadonlyArray<{ id: number; text?: string; terms?: readonly string[] }>): void {
    const m = this.miniSearch;
    const byTerm = new Map<string, number[]>();
    const counts = new Map<string, number>();
    let avg = m.averageFieldLength(TEXT_FIELD);
    for (const s of sentences) {
      if (m.nextShortId !== s.id) throw new Error(`sentence ids must be added in order: expected ${m.nextShortId}, got ${s.id}`);
      const terms = s.terms ?? this.analyze(s.text ?? '');
      counts.clear();
      for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, tf] of counts) {
        const list = byTerm.get(t);
        if (list) list.push(s.id, tf);
        else byTerm.set(t, [s.id, tf]);
      }
      // What MiniSearch.add records for a document (its length: distinct tokens).
      m.registerNext(s.id);
      avg += (counts.size - avg) / m.liveCount;
      this.setLength(s.id, counts.size);
    }
    m.setAverageFieldLength(TEXT_FIELD, avg);
    for (const [term, list] of byTerm) m.appendPostings(term, TEXT_FIELD, list);
  }

  /** Records the words of pre-analyzed text in the vocabulary (see {@link addBatch}). */
  addWords(words: Iterable<readonly [string, string]>): void {
    for (const [word, term] of words) this.words.add(word, term);
  }

  private setLength(id: number, length: number): void {
    if (id >= this.lengths.length) {
      const grown = new Uint16Array(Math.max(id + 1, this.lengths.length * 2));
      grown.set(this.lengths);
      this.lengths = grown;
    }
    this.lengths[id] = Math.min(65535, length);
  }

  /** Removes a sentence; MiniSearch cleans its postings up in a later vacuum. */
  discard(id: number): void {
    const count = this.miniSearch.liveCount;
    const avg = this.averageLength;
    this.miniSearch.discard(id);
    this.miniSearch.setAverageFieldLength(TEXT_FIELD, count > 1 ? (avg * count - (this.lengths[id] ?? 0)) / (count - 1) : 0);
  }

  /** Postings of a term: sentence id → term frequency. May include discarded sentences until the next vacuum. */
  postings(term: string): PostingList | undefined {
    return this.miniSearch.postings(term, TEXT_FIELD);
  }

  /** Number of sentences containing the term (approximate while discarded sentences await a vacuum). */
  documentFrequency(term: string): number {
    return this.postings(term)?.size ?? 0;
  }

  /** Length of a sentence in distinct terms. */
  length(id: number): number {
    return this.lengths[id] ?? 0;
  }

  /** Inverse document frequency, as MiniSearch computes it. A term seen nowhere gets the highest value. */
  idf(documentFrequency: number): number {
    const n = this.documentCount;
    return Math.log(1 + (n - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  /** BM25+ weight of a term with frequency `tf` in a sentence of `length` terms (without idf). */
  termWeight(tf: number, length: number): number {
    const { k, b, d } = this.bm25Params;
    const avg = this.averageLength || 1;
    return d + (tf * (k + 1)) / (tf + k * (1 - b + (b * length) / avg));
  }

  /** The term of a vocabulary word, or `undefined` when no indexed sentence ever had the word. */
  termOfWord(word: string): string | undefined {
    return this.words.get(word);
  }

  /** Whether a normalized word occurs in some indexed sentence (ever). */
  hasWord(word: string): boolean {
    return this.words.has(word);
  }

  /** Vocabulary words within `maxEdits` edits of `word` (optimal string alignment distance), closest first. */
  similarWords(word: string, maxEdits: number): SimilarWord[] {
    return this.words.similar(word, maxEdits);
  }

  /** Every term with its postings, for snapshots (postings may include discarded sentences). */
  termPostings(): IterableIterator<[string, ReadonlyMap<number, number>]> {
    return this.miniSearch.fieldPostings(TEXT_FIELD);
  }

  /** The index's state besides postings, for snapshots (the vocabulary only when asked: see {@link vocabulary}). */
  exportState(options: { words?: boolean } = {}): SentenceIndexState {
    const m = this.miniSearch;
    return {
      documentCount: m.liveCount,
      nextId: m.nextShortId,
      averageLength: this.averageLength,
      lengths: this.lengths.subarray(0, m.nextShortId), // a view: see ArticleStore.exportState
      words: options.words === false ? [] : [...this.words.entries()],
    };
  }

  /** The vocabulary, word → term, for a snapshot writer that iterates it in slices. */
  vocabulary(): IterableIterator<[string, string]> {
    return this.words.entries();
  }

  /**
   * An index from a snapshot: its postings stay encoded until read or
   * materialized (see `PostingsMiniSearch.restoreState`), no text is
   * analyzed again; `liveIds` are its documents.
   */
  static restore(
    state: Omit<SentenceIndexState, 'words'>,
    postings: EncodedPostings,
    vocabulary: Vocabulary,
    liveIds: Iterable<number>,
    options: SentenceIndexOptions = {},
  ): SentenceIndex {
    const index = new SentenceIndex(options, vocabulary);
    index.miniSearch.restoreState({
      postings,
      deferredIds: liveIds,
      documentCount: state.documentCount,
      nextId: state.nextId,
      averageFieldLengths: [state.averageLength],
    });
    index.lengths = new Uint16Array(Math.max(1024, state.nextId));
    index.lengths.set(state.lengths);
    return index;
  }

  /** Whether the postings restored from a snapshot are all in MiniSearch's structures (see `PostingsMiniSearch.materialize`). */
  get materialized(): boolean {
    return this.miniSearch.materialized;
  }

  /** Materializes what a snapshot restored, in slices (see `PostingsMiniSearch.materialize`). */
  materialize(sliceMs?: number, pace?: () => Promise<void>): Promise<void> {
    return this.miniSearch.materialize(sliceMs, pace);
  }

  /** Every term with its live postings, in increasing id order: what a snapshot stores (see `PostingsMiniSearch.livePostings`). */
  livePostings(): IterableIterator<[string, Array<[number, Array<[number, number]>]>]> {
    return this.miniSearch.livePostings();
  }

  /** The terms MiniSearch indexes for a text; records new words in the vocabulary. */
  private analyze(text: string): string[] {
    const out: string[] = [];
    this.analyzer.forEachToken(text, (token) => {
      const terms = token.terms;
      if (terms.length === 0) return;
      if (!token.indexed) {
        // The memo entry may have been made by a question first, so the flag, not the cache, says "recorded".
        this.words.add(token.word, terms[0]!);
        token.indexed = this.words.get(token.word) !== undefined;
      }
      for (let i = 0; i < terms.length; i++) out.push(terms[i]!);
    });
    return out;
  }
}
