/**
 * The title index: MiniSearch over article titles, one document per article.
 *
 * It plays two parts. In ranking it is the article title as a boosted second
 * field of every sentence: a sentence's score adds the BM25 score of its
 * article's title. Keeping titles in their own small index, rather than
 * repeating them as a field of each of an article's sentences, gives the same
 * signal for a fraction of the postings. In `/source` autocomplete it matches
 * what the user typed against titles, word by word, the last word as a prefix.
 *
 * Two fields are indexed from the one title: `title` holds stemmed terms (the
 * same analysis as sentences, for ranking); `words` holds unstemmed words, so a
 * half-typed word is a prefix of what is indexed ("operat" → "operation").
 */
import { Analyzer, surfaceTokens } from '../text/analyze.ts';
import type { EncodedPostings, PostingList } from './encodedPostings.ts';
import { PostingsMiniSearch } from './postingsMiniSearch.ts';
import { DEFAULT_BM25 } from './sentenceIndex.ts';

/** Longest typed word matched with typo tolerance, in characters (longer ones are matched as typed). */
const MAX_FUZZY_TERM = 30;

/** The stemmed title field's id in MiniSearch (the first field). */
const TITLE_FIELD = 0;

type TitleDocument = { id: string; title: string };

/** What a snapshot keeps of a title index besides its postings. */
export interface TitleIndexState {
  /** Each title document: short id, article id, and its length in each field (`undefined`: none recorded). */
  documents: Array<[number, string, ReadonlyArray<number | undefined>]>;
  /** The short id the next title gets. */
  nextId: number;
  /** Average length of each field. */
  averages: number[];
}

/** A title that matches, with its score. */
export interface TitleMatch {
  id: string;
  score: number;
}

export class TitleIndex {
  private readonly analyzer: Analyzer;
  private readonly miniSearch: PostingsMiniSearch<TitleDocument>;

  constructor(analyzer: Analyzer = new Analyzer()) {
    this.analyzer = analyzer;
    this.miniSearch = new PostingsMiniSearch<TitleDocument>({
      fields: ['title', 'words'],
      storeFields: [],
      extractField: (doc, field) => (field === 'words' ? doc.title : doc[field as keyof TitleDocument]),
      tokenize: (text) => [...surfaceTokens(text)].map((t) => t.surface),
      processTerm: (surface, field) => this.termsFor(surface, field),
    });
  }

  get size(): number {
    return this.miniSearch.documentCount;
  }

  /** The index's documents, for a snapshot (its postings: {@link livePostings}). */
  exportState(): TitleIndexState {
    const { shortIds, ids, lengths, averages } = this.miniSearch.exportDocuments();
    return {
      documents: shortIds.map((shortId, i) => [shortId, ids[i] as string, lengths[i]!]),
      nextId: this.miniSearch.nextShortId,
      averages,
    };
  }

  /** Every term with its live postings in both fields, in increasing short id order: what a snapshot stores. */
  livePostings(): IterableIterator<[string, Array<[number, Array<[number, number]>]>]> {
    return this.miniSearch.livePostings();
  }

  /**
   * A title index from a snapshot, its postings still encoded: ranking reads
   * a term's postings at once, `/source` suggestions and changes once the
   * radix tree is filled (see `PostingsMiniSearch.restoreState`).
   */
  static restore(analyzer: Analyzer, state: TitleIndexState, postings: EncodedPostings): TitleIndex {
    const index = new TitleIndex(analyzer);
    index.miniSearch.restoreState({
      postings,
      documents: state.documents,
      documentCount: state.documents.length,
      nextId: state.nextId,
      averageFieldLengths: state.averages,
    });
    return index;
  }

  /** Whether what a snapshot restored is all in MiniSearch's structures. */
  get materialized(): boolean {
    return this.miniSearch.materialized;
  }

  /** Materializes what a snapshot restored, in slices (see `PostingsMiniSearch.materialize`). */
  materialize(sliceMs?: number, pace?: () => Promise<void>): Promise<void> {
    return this.miniSearch.materialize(sliceMs, pace);
  }

  add(id: string, title: string): void {
    this.miniSearch.add({ id, title });
  }

  remove(id: string): void {
    if (this.miniSearch.has(id)) this.miniSearch.discard(id);
  }

  /**
   * The title postings of an (already analyzed) term: title document (short
   * id) → frequency. Ranking reads these directly rather than calling
   * `MiniSearch.search`, which builds and sorts a result for every matching
   * title: too slow when a common word is in thousands of titles.
   */
  postings(term: string): PostingList | undefined {
    return this.miniSearch.postings(term, TITLE_FIELD);
  }

  /** The short id of an article's title document, or `undefined`. */
  shortIdOf(articleId: string): number | undefined {
    return this.miniSearch.shortIdOf(articleId);
  }

  /** The article id of a title document, or `undefined` once it is discarded. */
  articleIdOf(shortId: number): string | undefined {
    const id = this.miniSearch.documentIdOf(shortId);
    return typeof id === 'string' ? id : undefined;
  }

  /** BM25+ of a term with frequency `tf` in title `shortId`, whose postings hold `df` titles (MiniSearch's formula and defaults). */
  bm25(tf: number, df: number, shortId: number): number {
    const n = this.miniSearch.liveCount;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const length = this.miniSearch.fieldLength(shortId, TITLE_FIELD) ?? 1;
    const avg = this.miniSearch.averageFieldLength(TITLE_FIELD) || 1;
    const { k, b, d } = DEFAULT_BM25;
    return idf * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * length) / avg)));
  }

  /** Each title matching any of the (already analyzed) terms: its BM25 score and which terms it contains. */
  score(terms: readonly string[]): Map<string, { score: number; terms: string[] }> {
    const scores = new Map<string, { score: number; terms: string[] }>();
    if (terms.length === 0 || this.size === 0) return scores;
    const hits = this.miniSearch.search(
      { combineWith: 'OR', queries: [...terms] },
      { fields: ['title'], tokenize: (t) => [t], processTerm: (t) => t },
    );
    for (const h of hits) scores.set(h.id as string, { score: h.score, terms: h.queryTerms });
    return scores;
  }

  /**
   * Titles matching typed input, best first: every typed word counts, the
   * last one as a prefix, longer words with typo tolerance.
   */
  suggest(input: string, limit: number): TitleMatch[] {
    if (!input.trim() || this.size === 0) return [];
    const hits = this.miniSearch.search(input, {
      fields: ['words'],
      prefix: (_term, i, terms) => i === terms.length - 1,
      // Fuzzy only for word-sized terms: the edit budget grows with the term, and so does the cost of the search.
      fuzzy: (term) => (term.length > 4 && term.length <= MAX_FUZZY_TERM ? 0.2 : false),
      // Typed words are matched unstemmed: Porter would turn "military" into "militari", which prefixes nothing.
      processTerm: (surface) => this.termsFor(surface, 'words'),
    });
    return hits.slice(0, limit).map((h) => ({ id: h.id as string, score: h.score }));
  }

  private termsFor(surface: string, field?: string): string[] | null {
    const { word, terms } = this.analyzer.analyzeToken(surface);
    if (field === 'words') return this.analyzer.isStopWord(word) && terms.length === 0 ? null : [word];
    return terms.length ? terms : null;
  }
}
