/**
 * The library: everything searchable about a corpus, in memory. It runs the
 * middle of the pipeline for each article (clean → split → analyze → index)
 * and keeps the article store, the sentence index and the title index in step,
 * so an article can be added or removed on its own (incremental reloads).
 */
import type { ArticleMeta, LoadedArticle } from '../corpus/types.ts';
import { detach } from '../util/strings.ts';
import { Analyzer, type STOP_WORDS } from '../text/analyze.ts';
import { cleanArticle, type CleanOptions } from '../text/clean.ts';
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

export class Library {
  readonly analyzer: Analyzer;
  readonly store: ArticleStore;
  readonly sentences: SentenceIndex;
  readonly titles: TitleIndex;
  private readonly options: LibraryOptions;

  constructor(options: LibraryOptions = {}, restored?: { store: ArticleStore; sentences: (analyzer: Analyzer) => SentenceIndex }) {
    this.options = options;
    this.analyzer = new Analyzer({ ...(options.stopWords && { stopWords: options.stopWords }), ...(options.stem && { stem: options.stem }) });
    this.store = restored?.store ?? new ArticleStore();
    this.sentences = restored ? restored.sentences(this.analyzer) : new SentenceIndex({ analyzer: this.analyzer, bm25: options.bm25 });
    this.titles = new TitleIndex(this.analyzer);
    // Titles are few and quick to index; snapshots do not keep them.
    if (restored) for (const a of this.store.all()) this.titles.add(a.id, a.title);
  }

  /** The options this library was built with. */
  get settings(): Readonly<LibraryOptions> {
    return this.options;
  }

  /** Cleans, splits and indexes one article. Throws if its id is already present. */
  add(article: LoadedArticle): StoredArticle {
    const cleaned = cleanArticle(article.text, { ...this.options.clean, title: article.meta.title, fallbackTitle: article.id });
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
      sentences: cleaned.sentences,
    });
    for (const [i, span] of cleaned.sentences.entries()) this.sentences.add(stored.firstSentence + i, article.text.slice(span.start, span.end));
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
