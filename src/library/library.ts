/**
 * The library: everything searchable about a corpus, in memory. It runs the
 * middle of the pipeline for each article (clean → split → analyze → index)
 * and keeps the article store, the sentence index and the title index in step,
 * so an article can be added or removed on its own (incremental reloads).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ArticleMeta, LoadedArticle } from '../corpus/types.ts';
import { detach } from '../util/strings.ts';
import { Analyzer } from '../text/analyze.ts';
import { cleanArticle, type CleanOptions, type SentenceSpan } from '../text/clean.ts';
import { SentenceIndex, type BM25Params } from './sentenceIndex.ts';
import { ArticleStore, type StoredArticle } from './store.ts';
import { TitleIndex } from './titleIndex.ts';

/** Options of {@link Library}. */
export interface LibraryOptions {
  /** Sentence splitting and title options (see {@link CleanOptions}). */
  clean?: Pick<CleanOptions, 'maxLength' | 'maxTitleLength'>;
  /** BM25+ parameters of the sentence index. */
  bm25?: Partial<BM25Params>;
  /** Words that produce no term (default: {@link STOP_WORDS}). */
  stopWords?: ReadonlySet<string>;
  /** The stemmer (default: Porter). */
  stem?: (word: string) => string;
  /** Irregular forms mapped to their base before stemming (default: {@link IRREGULAR_BASE_FORMS}; empty: off). */
  baseForms?: ReadonlyMap<string, string>;
}

/** Sizes of a library. */
export interface LibraryStats {
  articles: number;
  sentences: number;
  /** Distinct index terms (stems). */
  terms: number;
  /** Distinct surface words (the typo-tolerance vocabulary). */
  words: number;
}

/** A sentence waiting to be inserted into the sentence index: its text, or its terms analyzed elsewhere. */
export type PendingSentence = { id: number; text?: string; terms?: readonly string[] };

/** An article cleaned and analyzed in another thread. */
export interface PreparedArticle {
  title: string;
  sentences: SentenceSpan[];
  /** Each sentence's terms. */
  terms: ReadonlyArray<readonly string[]>;
}

export class Library {
  readonly analyzer: Analyzer;
  readonly store: ArticleStore;
  readonly sentences: SentenceIndex;
  readonly titles: TitleIndex;
  private readonly options: LibraryOptions;

  /** A library: empty, or `restored` from a snapshot (its indexes made with this library's analyzer). */
  constructor(
    options: LibraryOptions = {},
    restored?: {
      store: ArticleStore;
      sentences: (analyzer: Analyzer) => SentenceIndex;
      titles: (analyzer: Analyzer) => TitleIndex;
    },
  ) {
    this.options = options;
    // The analysis options (stop words, stemmer, base forms) are the analyzer's own.
    this.analyzer = new Analyzer(options);
    this.store = restored?.store ?? new ArticleStore();
    this.sentences = restored ? restored.sentences(this.analyzer) : new SentenceIndex({ analyzer: this.analyzer, bm25: options.bm25 });
    this.titles = restored ? restored.titles(this.analyzer) : new TitleIndex(this.analyzer);
  }

  /**
   * Whether both indexes have all their postings in MiniSearch's own
   * structures. A library restored from a snapshot has not, at first: a
   * question decodes the terms it reads, and {@link materialize} does the
   * rest (see `PostingsMiniSearch.restoreState`).
   */
  get materialized(): boolean {
    return this.titles.materialized && this.sentences.materialized && !this.store.hasBorrowedBodies;
  }

  /**
   * Fills both indexes' MiniSearch structures from what a snapshot restored
   * (and copies the article bodies out of the snapshot's buffer),
   * in slices of about `sliceMs` with `pace()` (a turn of the event loop) awaited in between, so
   * that questions are answered meanwhile. Changes to the library do it at
   * once if it is not done (a long synchronous step at a million sentences):
   * a caller that can wait awaits this first.
   */
  async materialize(sliceMs = 10, pace: () => Promise<void> = () => yieldToEventLoop()): Promise<void> {
    await this.titles.materialize(sliceMs, pace);
    await this.sentences.materialize(sliceMs, pace);
    // Then the bodies, read as views of the snapshot's buffer, get buffers of their own, and that one can go.
    while (!this.store.detachBodiesUntil(performance.now() + sliceMs)) await pace();
  }

  /** The options this library was built with. */
  get settings(): Readonly<LibraryOptions> {
    return this.options;
  }

  /** Cleans, splits and indexes one article. Throws if its id is already present. */
  add(article: LoadedArticle): StoredArticle {
    const pending: PendingSentence[] = [];
    const stored = this.stage(article, pending);
    this.sentences.addBatch(pending);
    return stored;
  }

  /**
   * Cleans, splits and indexes many articles, inserting their sentences into
   * the index in batches of about `batchSize` (faster than one article at a
   * time: see {@link SentenceIndex.addBatch}). Articles whose id is already
   * present are skipped.
   */
  addMany(articles: Iterable<LoadedArticle>, batchSize = 5000): void {
    let pending: PendingSentence[] = [];
    for (const article of articles) {
      if (this.store.get(article.id)) continue;
      this.stage(article, pending);
      if (pending.length >= batchSize) {
        this.sentences.addBatch(pending);
        pending = [];
      }
    }
    this.sentences.addBatch(pending);
  }

  /**
   * Stores an article cleaned and analyzed elsewhere (an analysis thread) and
   * queues its sentences' terms in `pending`; the caller flushes `pending`
   * with {@link flush}. Returns `undefined` when its id is already present.
   */
  stagePrepared(article: LoadedArticle, prepared: PreparedArticle, pending: PendingSentence[]): StoredArticle | undefined {
    if (this.store.get(article.id)) return undefined;
    return this.stage(article, pending, prepared);
  }

  /** Indexes queued sentences (see {@link stagePrepared}). */
  flush(pending: PendingSentence[]): void {
    this.sentences.addBatch(pending);
    pending.length = 0;
  }

  /** Cleans and stores an article and its title; queues its sentences for the sentence index. */
  private stage(article: LoadedArticle, pending: PendingSentence[], prepared?: PreparedArticle): StoredArticle {
    const cleaned = prepared ?? cleanArticle(article.text, { ...this.options.clean, title: article.meta.title, fallbackTitle: article.id });
    // Strings kept for the life of the index are copied flat, so they do not pin the whole source text in memory.
    const { title, url, date, source, extra } = article.meta;
    const meta: ArticleMeta = {
      ...(title !== undefined && { title: detach(title) }),
      ...(url !== undefined && { url: detach(url) }),
      ...(date !== undefined && { date: detach(date) }),
      ...(source !== undefined && { source: detach(source) }),
      extra: Object.fromEntries(Object.entries(extra).map(([k, v]) => [detach(k), detach(v)])),
    };
    const stored = this.store.add({
      id: detach(article.id),
      title: detach(cleaned.title),
      meta,
      file: detach(article.file),
      ...(article.line !== undefined && { line: article.line }),
      text: article.text,
      hash: article.hash,
      ...(article.pages !== undefined && { pages: article.pages }),
      sentences: cleaned.sentences,
    });
    cleaned.sentences.forEach((span, i) =>
      pending.push(
        prepared
          ? { id: stored.firstSentence + i, terms: prepared.terms[i]! }
          : { id: stored.firstSentence + i, text: article.text.slice(span.start, span.end) },
      ),
    );
    this.titles.add(stored.id, stored.title);
    return stored;
  }

  /** Removes an article and its sentences. Returns false when there is no such article. */
  remove(id: string): boolean {
    const article = this.store.remove(id);
    if (!article) return false;
    for (let s = article.firstSentence; s < article.firstSentence + article.sentenceCount; s++) this.sentences.discard(s);
    this.titles.remove(id);
    return true;
  }

  stats(): LibraryStats {
    return {
      articles: this.store.articleCount,
      sentences: this.store.sentenceCount,
      terms: this.sentences.termCount,
      words: this.sentences.wordCount,
    };
  }
}
