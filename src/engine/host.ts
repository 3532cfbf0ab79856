/**
 * The index host: one library, the manifest of the corpus files it came
 * from, and the protocol's operations over them ({@link HostApi}). It runs
 * wherever the index lives: in the calling thread for the CLI
 * (`LocalEngine`) or in a worker thread for the bot (`WorkerEngine`).
 *
 * Its jobs are each a module of their own: opening (libraryLoader.ts),
 * keeping up with the corpus folder (corpusSync.ts), saving snapshots
 * (snapshotSaver.ts) and the read-only queries (queries.ts); this class holds
 * the state they share and answers questions.
 */
import path from 'node:path';
import type { Library, LibraryOptions } from '../library/library.ts';
import { answerQuestion, type Answer, type AnswerOptions } from '../search/answer.ts';
import { SentenceRanker } from '../search/rank.ts';
import type { ArticleRef } from '../library/store.ts';
import { removeStaleTemporaries } from '../library/snapshot.ts';
import { log } from '../log.ts';
import { measureMemory } from '../util/memory.ts';
import { applyChanges, CorpusManifestState, readChangedFiles, type ChangePlan, type KeepCheck } from './corpusSync.ts';
import { openLibrary } from './libraryLoader.ts';
import type { HostApi, HostStatus, ProgressListener, UpdateOptions, UpdateResult } from './protocol.ts';
import { articleView, distinctiveWords, suggestArticles } from './queries.ts';
import { storedArticleIsIntact } from './snapshotCheck.ts';
import { SnapshotSaver, snapshotPath } from './snapshotSaver.ts';
import type { ArticleView, Counts, DistinctiveWords, MemoryUse, ReloadReport } from './types.ts';

/** Options of {@link IndexHost.open}. */
export interface HostOptions {
  corpusDir: string;
  /** Folder for the snapshot; without it, none is read or written. */
  snapshotDir?: string;
  /** Write a snapshot after a build or a change. Default true when `snapshotDir` is set. */
  saveSnapshots?: boolean;
  library?: LibraryOptions;
  /** Defaults for every question. */
  answer?: AnswerOptions;
}

const EMPTY: Counts = { articles: 0, sentences: 0 };

export class IndexHost implements HostApi {
  private ranker: SentenceRanker;
  private loadedAt = Date.now();
  /** Increases with every change of the library; names the state a snapshot holds. */
  private generation = 1;
  private readonly saver: SnapshotSaver;

  private constructor(
    readonly options: HostOptions & { corpusDir: string },
    readonly library: Library,
    private readonly manifest: CorpusManifestState,
  ) {
    this.ranker = new SentenceRanker(library);
    const file = options.snapshotDir && options.saveSnapshots !== false ? snapshotPath(options.snapshotDir, options.corpusDir) : undefined;
    this.saver = new SnapshotSaver(file, { library, manifest: () => manifest.toManifest(), generation: () => this.generation });
  }

  /**
   * Opens the corpus: from the snapshot when it is valid (then re-reading only
   * the files changed since it was written), else by reading and indexing
   * every file. Throws only when the corpus folder itself is missing.
   */
  static async open(options: HostOptions, onProgress?: ProgressListener): Promise<{ host: IndexHost; report: ReloadReport }> {
    const started = performance.now();
    const corpusDir = path.resolve(options.corpusDir);
    const opts = { ...options, corpusDir };
    const snapshotFile = opts.snapshotDir ? snapshotPath(opts.snapshotDir, corpusDir) : undefined;
    if (opts.snapshotDir && opts.saveSnapshots !== false) {
      for (const name of await removeStaleTemporaries(opts.snapshotDir))
        log('info', `removed ${name}, left over from an interrupted snapshot write`);
    }
    const opened = await openLibrary(corpusDir, opts.library ?? {}, snapshotFile, onProgress);
    const host = new IndexHost(opts, opened.library, new CorpusManifestState(corpusDir, opened.manifest));
    let note = opened.note;
    if (opened.mode === 'snapshot') {
      host.saver.markSaved(opened.snapshotBytes ?? 0);
      // Every file is read again and each article of the snapshot checked against it before anything is served.
      const plan = await host.manifest.plan({ everyFile: true });
      const change = await host.apply(plan, onProgress, (held, incoming) => storedArticleIsIntact(host.library, held, incoming.hash));
      const count = change.added.length + change.changed.length + change.removed.length;
      if (count > 0) note = `${count} articles changed since the snapshot`;
    } else host.saver.changed();
    return {
      host,
      report: {
        ok: true,
        before: EMPTY,
        after: host.counts(),
        added: [...host.library.store.all()].map((a) => a.id),
        changed: [],
        removed: [],
        skipped: host.manifest.skipped(),
        ignored: host.manifest.ignored,
        tookMs: performance.now() - started,
        mode: opened.mode,
        ...(note && { note }),
      },
    };
  }

  /**
   * Asks a few questions made of the corpus's own titles, so that a freshly
   * started thread has its ranking code compiled before it answers users (the
   * first questions in a cold isolate are many times slower).
   */
  warmUp(questions = 12): void {
    const titles = [...this.library.store.all()].slice(0, questions).map((a) => a.title);
    for (const t of titles) this.ask(t, { top: 3 });
  }

  ask(question: string, options: AnswerOptions = {}): Answer {
    return answerQuestion(this.library, this.ranker, question, { ...this.options.answer, ...options });
  }

  article(id: string): ArticleView | undefined {
    return articleView(this.library, this.library.store.get(id));
  }

  articleByKey(key: string): ArticleView | undefined {
    return articleView(this.library, this.library.store.getByKey(key));
  }

  suggestArticles(input: string, limit: number): ArticleRef[] {
    return suggestArticles(this.library, this.ranker, input, limit);
  }

  distinctiveWords(text: string, limit: number): DistinctiveWords {
    return distinctiveWords(this.library, text, limit);
  }

  status(): HostStatus {
    const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    return {
      ...this.library.stats(),
      corpusDir: this.options.corpusDir,
      skipped: this.manifest.skipped(),
      ignored: this.manifest.ignored,
      loadedAt: this.loadedAt,
      generation: this.generation,
      memory: { heapUsed, heapTotal, external, arrayBuffers },
      ...(this.options.snapshotDir &&
        this.saver.bytes !== undefined && {
          snapshot: { path: snapshotPath(this.options.snapshotDir, this.options.corpusDir), bytes: this.saver.bytes },
        }),
      ...(this.saver.file &&
        this.saver.lastError !== undefined && { snapshotError: { path: this.saver.file, error: this.saver.lastError } }),
    };
  }

  /** Memory of this thread after a full collection. */
  memory(): MemoryUse {
    return measureMemory();
  }

  counts(): Counts {
    return { articles: this.library.store.articleCount, sentences: this.library.store.sentenceCount };
  }

  hashes(): Array<[string, string]> {
    return [...this.library.store.all()].map((a) => [a.id, a.hash]);
  }

  async update(options: UpdateOptions, onProgress?: ProgressListener): Promise<UpdateResult> {
    // A save in progress now is about to be out of date, and would compete with the reload for the CPU.
    this.saver.hold();
    let release = true;
    try {
      const plan = await this.manifest.plan();
      if (plan.read.length === 0 && plan.removed.length === 0)
        return { kind: 'unchanged', skipped: this.manifest.skipped(), ignored: this.manifest.ignored };
      if (plan.bytes > options.maxInPlaceBytes) {
        release = false; // held until this host is retired, or resumeSaves() if it stays
        return { kind: 'too-large', bytes: plan.bytes };
      }
      const started = performance.now();
      const before = this.counts();
      const change = await this.apply(plan, onProgress);
      const report: ReloadReport = {
        ok: true,
        before,
        after: this.counts(),
        ...change,
        skipped: this.manifest.skipped(),
        ignored: this.manifest.ignored,
        tookMs: performance.now() - started,
        mode: 'incremental',
      };
      return { kind: 'applied', report };
    } finally {
      if (release) this.saver.release();
    }
  }

  resumeSaves(): void {
    this.saver.release();
  }

  flushSnapshot(): Promise<void> {
    return this.saver.flush();
  }

  /** Reads a plan's files, then applies the change in one synchronous step (see {@link applyChanges} for `keep`). */
  private async apply(plan: ChangePlan, onProgress?: ProgressListener, keep?: KeepCheck) {
    const results = await readChangedFiles(this.options.corpusDir, plan, onProgress);
    const change = applyChanges(this.library, this.manifest, plan, results, keep);
    if (change.added.length + change.changed.length + change.removed.length === 0 && keep) return change; // the snapshot holds
    this.generation++;
    this.loadedAt = Date.now();
    this.saver.changed();
    return change;
  }
}
