/**
 * The in-process answer engine: one library in memory, answered from on the
 * calling thread. Reloads build a complete new library beside the one in use
 * (yielding to the event loop as they go) and then swap it in with a single
 * assignment, so a question is always answered from one whole index, old or
 * new, never from a half-built one.
 */
import path from 'node:path';
import { loadCorpus } from '../corpus/index.ts';
import type { SkippedItem } from '../corpus/types.ts';
import { buildLibrary } from '../index/build.ts';
import type { Library, LibraryOptions } from '../index/library.ts';
import { ArticleStore, type ArticleRef, type StoredArticle } from '../index/store.ts';
import { answerQuestion, type Answer, type AnswerOptions } from '../search/answer.ts';
import { parseQuestion } from '../search/question.ts';
import { SentenceRanker } from '../search/rank.ts';
import { cleanArticle } from '../text/clean.ts';
import type { AnswerEngine, ArticleView, Counts, EngineStatus, Progress, ReloadReport } from './types.ts';

/** Options of {@link LocalEngine.open}. */
export interface LocalEngineOptions {
  corpusDir: string;
  library?: LibraryOptions;
  /** Defaults for every question (overridable per call). */
  answer?: AnswerOptions;
}

interface Loaded {
  library: Library;
  ranker: SentenceRanker;
  skipped: SkippedItem[];
  loadedAt: number;
}

export class LocalEngine implements AnswerEngine {
  private current: Loaded;
  private generation = 1;
  private running: Promise<ReloadReport> | undefined;

  private constructor(
    private readonly options: LocalEngineOptions,
    loaded: Loaded,
  ) {
    this.current = loaded;
  }

  /**
   * Loads the corpus and builds the first index. Throws only when the corpus
   * directory itself is missing; bad files are skipped and listed in the report.
   */
  static async open(options: LocalEngineOptions, onProgress?: (p: Progress) => void): Promise<{ engine: LocalEngine; report: ReloadReport }> {
    const started = performance.now();
    const corpusDir = path.resolve(options.corpusDir);
    const loaded = await LocalEngine.load({ ...options, corpusDir }, onProgress);
    const engine = new LocalEngine({ ...options, corpusDir }, loaded);
    const after = counts(loaded.library);
    const report: ReloadReport = {
      ok: true,
      before: { articles: 0, sentences: 0 },
      after,
      added: [...loaded.library.store.all()].map((a) => a.id),
      changed: [],
      removed: [],
      skipped: loaded.skipped,
      tookMs: performance.now() - started,
    };
    return { engine, report };
  }

  /** The library in use (for in-process tools such as benchmarks). */
  get library(): Library {
    return this.current.library;
  }

  async ask(question: string, options: AnswerOptions = {}): Promise<Answer> {
    return this.askSync(question, options);
  }

  /** {@link ask} without the promise, for batch tools. */
  askSync(question: string, options: AnswerOptions = {}): Answer {
    const { library, ranker } = this.current;
    return answerQuestion(library, ranker, question, { ...this.options.answer, ...options });
  }

  async article(id: string): Promise<ArticleView | undefined> {
    return this.view(this.current.library.store.get(id));
  }

  async articleByKey(key: string): Promise<ArticleView | undefined> {
    return this.view(this.current.library.store.getByKey(key));
  }

  private view(a: StoredArticle | undefined): ArticleView | undefined {
    if (!a) return undefined;
    const text = this.current.library.store.articleText(a);
    const cleaned = cleanArticle(text, { title: a.meta.title, fallbackTitle: a.id });
    const sentences: ArticleView['sentences'] = [];
    for (let s = a.firstSentence; s < a.firstSentence + a.sentenceCount; s++) sentences.push(this.current.library.store.span(s));
    return {
      article: { ...ArticleStore.ref(a), file: a.file, ...(a.line !== undefined && { line: a.line }) },
      text,
      blocks: cleaned.blocks,
      sentences,
    };
  }

  async suggestArticles(input: string, limit: number): Promise<ArticleRef[]> {
    const { library, ranker } = this.current;
    const { store } = library;
    const out = new Map<string, ArticleRef>();
    const add = (id: string): void => {
      const a = store.get(id);
      if (a && out.size < limit && !out.has(id)) out.set(id, ArticleStore.ref(a));
    };
    if (!input.trim()) {
      for (const a of store.all()) {
        if (out.size >= limit) break;
        add(a.id);
      }
      return [...out.values()];
    }
    // An exact id first, then titles, then articles whose text matches.
    add(input.trim());
    for (const m of library.titles.suggest(input, limit)) add(m.id);
    if (out.size < limit) {
      const parsed = parseQuestion(input, library.sentences);
      for (const r of ranker.rank(parsed, { depth: 200 }).results) {
        if (out.size >= limit) break;
        add(store.articleOf(r.id).id);
      }
    }
    return [...out.values()];
  }

  reload(onProgress?: (p: Progress) => void): Promise<ReloadReport> {
    // Concurrent callers share one run.
    this.running ??= this.runReload(onProgress).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async status(): Promise<EngineStatus> {
    const { library, skipped, loadedAt } = this.current;
    const stats = library.stats();
    return {
      ...stats,
      corpusDir: this.options.corpusDir,
      skipped,
      loadedAt,
      generation: this.generation,
      reloading: this.running !== undefined,
    };
  }

  async close(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async runReload(onProgress?: (p: Progress) => void): Promise<ReloadReport> {
    const started = performance.now();
    const old = this.current;
    const before = counts(old.library);
    try {
      const next = await LocalEngine.load(this.options, onProgress);
      const diff = compare(old.library, next.library);
      this.current = next; // the swap: one assignment, between two questions
      this.generation++;
      return { ok: true, before, after: counts(next.library), ...diff, skipped: next.skipped, tookMs: performance.now() - started };
    } catch (err) {
      return {
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        before,
        after: before,
        added: [],
        changed: [],
        removed: [],
        skipped: [],
        tookMs: performance.now() - started,
      };
    }
  }

  private static async load(options: LocalEngineOptions, onProgress?: (p: Progress) => void): Promise<Loaded> {
    onProgress?.({ phase: 'reading', done: 0, total: 0 });
    const corpus = await loadCorpus(options.corpusDir, {
      onProgress: (done: number, total: number) => onProgress?.({ phase: 'reading', done, total }),
    });
    const library = await buildLibrary(corpus.articles, {
      ...options.library,
      onProgress: (done, total) => onProgress?.({ phase: 'indexing', done, total }),
    });
    return { library, ranker: new SentenceRanker(library), skipped: corpus.skipped, loadedAt: Date.now() };
  }
}

function counts(library: Library): Counts {
  return { articles: library.store.articleCount, sentences: library.store.sentenceCount };
}

/** Which article ids were added, changed (different hash) or removed between two libraries. */
function compare(old: Library, next: Library): Pick<ReloadReport, 'added' | 'changed' | 'removed'> {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const a of next.store.all()) {
    const prev = old.store.get(a.id);
    if (!prev) added.push(a.id);
    else if (prev.hash !== a.hash) changed.push(a.id);
  }
  for (const a of old.store.all()) if (!next.store.get(a.id)) removed.push(a.id);
  return { added, changed, removed };
}
