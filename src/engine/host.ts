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
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Library, LibraryOptions } from '../library/library.ts';
import { answerQuestion, type Answer, type AnswerOptions } from '../search/answer.ts';
import { SentenceRanker } from '../search/rank.ts';
import type { ArticleRef, StoredArticle } from '../library/store.ts';
import { removeStaleTemporaries } from '../library/snapshot.ts';
import { assertCorpusRoot } from '../corpus/listFiles.ts';
import { log } from '../log.ts';
import { measureMemory } from '../util/memory.ts';
import { ContentIndex } from './contentIndex.ts';
import { applyChanges, CorpusManifestState, readChangedFiles, type ChangePlan } from './corpusSync.ts';
import { openLibrary } from './libraryLoader.ts';
import type { HostApi, HostStatus, ProgressListener, UpdateOptions, UpdateResult } from './protocol.ts';
import { articleView, distinctiveWords, suggestArticles } from './queries.ts';
import { SnapshotCheck, type CheckResult } from './snapshotCheck.ts';
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
  /**
   * When a library loaded from a snapshot is checked against the corpus files
   * (snapshotCheck.ts). `'before-serving'` (the default): the open resolves
   * once every file has been read and checked. `'while-serving'`: it resolves
   * as soon as the snapshot is loaded, the full check runs in the background
   * in slices, and until it is done every article an answer, a `/source`
   * view or a suggestion would show is checked against its file first.
   */
  snapshotCheck?: 'before-serving' | 'while-serving';
  /** Awaited between two slices of the background check (default: one turn of the event loop); tests hold the check with it. */
  snapshotCheckPace?: () => Promise<void>;
  /** The snapshot file's bytes, read ahead (the worker's: by the main thread while the worker started). */
  snapshotReadAhead?: Promise<Buffer>;
}

/** Longest wait of background work for the questions being answered, between two of its slices, in ms. */
const BACKGROUND_WAIT_MS = 50;

/** Rounds of "compute, verify what it shows, re-index what failed" before waiting for the full check instead. */
const VERIFY_ROUNDS = 4;

const EMPTY: Counts = { articles: 0, sentences: 0 };

export class IndexHost implements HostApi {
  private ranker: SentenceRanker;
  private loadedAt = Date.now();
  /** Increases with every change of the library; names the state a snapshot holds. */
  private generation = 1;
  private readonly saver: SnapshotSaver;
  private readonly content: ContentIndex;
  /** The check of a snapshot still running in the background; while set, what is shown is verified first. */
  private check: SnapshotCheck | undefined;
  /** Questions and views being answered now (see {@link backgroundPace}). */
  private answering = 0;

  private constructor(
    readonly options: HostOptions & { corpusDir: string },
    readonly library: Library,
    private readonly manifest: CorpusManifestState,
  ) {
    this.ranker = new SentenceRanker(library);
    this.content = new ContentIndex(library);
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
    // The bytes read ahead are not kept: the host would hold the whole file for its life.
    const { snapshotReadAhead: _bytes, ...rest } = options;
    const opts = { ...rest, corpusDir };
    const snapshotFile = opts.snapshotDir ? snapshotPath(opts.snapshotDir, corpusDir) : undefined;
    if (opts.snapshotDir && opts.saveSnapshots !== false) {
      for (const name of await removeStaleTemporaries(opts.snapshotDir))
        log('info', `removed ${name}, left over from an interrupted snapshot write`);
    }
    const opened = await openLibrary(corpusDir, opts.library ?? {}, snapshotFile, onProgress, options.snapshotReadAhead);
    const host = new IndexHost(opts, opened.library, new CorpusManifestState(corpusDir, opened.manifest));
    let note = opened.note;
    let checking = false;
    if (opened.mode === 'snapshot') {
      host.saver.markSaved(opened.snapshotBytes ?? 0);
      // The snapshot's postings are still encoded (encodedPostings.ts). For a host that serves (the bot's),
      // MiniSearch's structures, which changes need, are filled in slices between questions (the title index's
      // first: /source suggestions search its radix tree), so that a reload need not wait for them. A CLI run
      // that only asks never needs them, and would wait for them to exit: there a change fills them first.
      if (opts.snapshotCheck === 'while-serving') host.materializeInBackground(host.library);
      // Every file is read again and each article of the snapshot checked against it (snapshotCheck.ts).
      const check = host.startCheck(onProgress);
      if (opts.snapshotCheck === 'while-serving') {
        check.catch(() => undefined); // logged by startCheck; articles are then checked one by one
        // As with the check before serving, a missing corpus folder fails the open rather than the background check.
        await assertCorpusRoot(corpusDir);
        checking = true;
        note = 'serving from the snapshot while it is checked against the corpus files';
      } else {
        const count = changedCount(await check);
        if (count > 0) note = `${count} articles changed since the snapshot`;
      }
    } else host.saver.changed();
    return {
      host,
      report: {
        ok: true,
        before: EMPTY,
        after: host.counts(),
        // While the check runs, what the snapshot lists is not yet known to be in the corpus.
        added: checking ? [] : [...host.library.store.all()].map((a) => a.id),
        changed: [],
        removed: [],
        skipped: checking ? [] : host.manifest.skipped(),
        ignored: checking ? {} : host.manifest.ignored,
        tookMs: performance.now() - started,
        mode: opened.mode,
        ...(note && { note }),
      },
    };
  }

  /**
   * Starts the check of the library loaded from the snapshot; saves are held
   * until it is over. Resolves with what it changed. If it fails (the corpus
   * folder went away), the host keeps checking each article it shows.
   */
  private startCheck(onProgress?: ProgressListener): Promise<CheckResult> {
    this.saver.hold();
    onProgress?.({ phase: 'reading', done: 0, total: 0 });
    const check = new SnapshotCheck({
      corpusDir: this.options.corpusDir,
      library: this.library,
      manifest: this.manifest,
      onChange: () => {
        this.generation++;
        this.loadedAt = Date.now();
      },
      pace: this.options.snapshotCheckPace ?? (() => this.backgroundPace()),
    });
    this.check = check;
    const started = performance.now();
    return check.done.then(
      (result) => {
        this.check = undefined;
        this.saver.release();
        const count = changedCount(result);
        if (this.options.snapshotCheck === 'while-serving')
          log(
            'info',
            `snapshot checked against the corpus in ${Math.round(performance.now() - started)} ms: ${count} articles re-indexed or removed`,
          );
        return result;
      },
      (err: unknown) => {
        log(
          'error',
          `the snapshot could not be checked against the corpus (${(err as Error).message}); every article is checked before it is shown`,
        );
        throw err;
      },
    );
  }

  /**
   * Awaited between two slices of background work (the snapshot check,
   * materializing): one turn of the event loop, then, while a question or a
   * view is being answered, a wait of up to {@link BACKGROUND_WAIT_MS} for
   * it, so that its file reads and verification do not queue behind slices.
   */
  private async backgroundPace(): Promise<void> {
    await yieldToEventLoop();
    const until = performance.now() + BACKGROUND_WAIT_MS;
    while (this.answering > 0 && performance.now() < until) await sleep(2);
  }

  /**
   * Fills the MiniSearch structures of an index restored from a snapshot in
   * slices, between questions, so that a change later need not wait for it
   * (see `Library.materialize`).
   */
  private materializeInBackground(library: Library): void {
    library
      .materialize(10, () => this.backgroundPace())
      .catch((err: unknown) => log('error', `could not fill the index from the snapshot: ${(err as Error).message}`));
  }

  /**
   * Asks a few questions made of the corpus's own titles, so that a freshly
   * started thread has its ranking code compiled for the users' questions
   * (the first questions in a cold isolate are many times slower). One
   * question per turn of the event loop, until `stop()` says to.
   */
  async warmUp(questions = 12, stop: () => boolean = () => false): Promise<void> {
    const titles = [...this.library.store.all()].slice(0, questions).map((a) => a.title);
    for (const t of titles) {
      await yieldToEventLoop(); // first, so that calls already waiting go first
      if (stop()) return;
      this.answerNow(t, { top: 3 }); // nothing of it is shown
    }
  }

  ask(question: string, options: AnswerOptions = {}): Promise<Answer> {
    return this.shown(
      () => this.answerNow(question, options),
      (a) => [...a.quotes.map((q) => q.article.id), ...a.suggestions.map((s) => s.id)],
      (a, ok) => {
        const quotes = a.quotes.filter((q) => ok(q.article.id));
        return { ...a, quotes, suggestions: a.suggestions.filter((s) => ok(s.id)), ...(quotes.length === 0 && { reason: 'no-match' }) };
      },
    );
  }

  /**
   * Answers at once, from the library as it is: only for callers that show
   * nothing before the snapshot check is over (warm-up, batch tools of a host
   * opened with the check before serving). Throws while the check runs.
   */
  askNow(question: string, options: AnswerOptions = {}): Answer {
    if (this.check) throw new Error('the snapshot is still being checked against the corpus: use ask()');
    return this.answerNow(question, options);
  }

  private answerNow(question: string, options: AnswerOptions): Answer {
    return answerQuestion(this.library, this.ranker, question, { ...this.options.answer, ...options });
  }

  article(id: string): Promise<ArticleView | undefined> {
    return this.viewOf(() => this.library.store.get(id));
  }

  articleByKey(key: string): Promise<ArticleView | undefined> {
    return this.viewOf(() => this.library.store.getByKey(key));
  }

  private viewOf(find: () => StoredArticle | undefined): Promise<ArticleView | undefined> {
    return this.shown(
      () => articleView(this.library, find()),
      (v) => (v ? [v.article.id] : []),
      (v, ok) => (v && ok(v.article.id) ? v : undefined),
    );
  }

  suggestArticles(input: string, limit: number): Promise<ArticleRef[]> {
    return this.shown(
      () => suggestArticles(this.library, this.ranker, input, limit),
      (refs) => refs.map((r) => r.id),
      (refs, ok) => refs.filter((r) => ok(r.id)),
    );
  }

  async findByText(fingerprint: string): Promise<ArticleRef | undefined> {
    // It looks at every article, and "not in the corpus" must not come from a snapshot's say-so: after the check.
    await this.checked();
    return this.content.find(fingerprint);
  }

  /**
   * A result that shows articles, computed so that none is shown unverified:
   * while the snapshot check runs, the articles it names (`ids`, looked up at
   * once, so they are the very objects it was made from) are checked against
   * their files; if one was not intact it has been re-indexed, and the result
   * is computed again. After a few rounds, the full check is waited for; if
   * that failed, only the verified part is kept (`verifiedPart`).
   */
  private async shown<T>(
    compute: () => T,
    ids: (value: T) => string[],
    verifiedPart: (value: T, ok: (id: string) => boolean) => T,
  ): Promise<T> {
    this.answering++;
    try {
      return await this.shownNow(compute, ids, verifiedPart);
    } finally {
      this.answering--;
    }
  }

  private async shownNow<T>(
    compute: () => T,
    ids: (value: T) => string[],
    verifiedPart: (value: T, ok: (id: string) => boolean) => T,
  ): Promise<T> {
    for (let round = 0; ; round++) {
      const check = this.check;
      const value = compute();
      if (!check) return value;
      const held = [...new Set(ids(value))].map((id) => this.library.store.get(id)!);
      if (round < VERIFY_ROUNDS) {
        if ((await Promise.all(held.map((a) => check.verify(a)))).every(Boolean)) return value;
        continue;
      }
      if (round === VERIFY_ROUNDS) {
        await check.done.catch(() => undefined);
        continue;
      }
      return verifiedPart(value, (id) => {
        const a = this.library.store.get(id);
        return a !== undefined && check.isVerified(a);
      });
    }
  }

  /** Resolves once no snapshot check is running (at once for a host that was not opened from a snapshot). */
  private async checked(): Promise<void> {
    await this.check?.done.catch(() => undefined);
  }

  distinctiveWords(text: string, limit: number): DistinctiveWords {
    return distinctiveWords(this.library, text, limit);
  }

  status(): HostStatus {
    const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    return {
      ...this.library.stats(),
      corpusDir: this.options.corpusDir,
      // What the snapshot says was skipped is not shown until the corpus has confirmed it.
      skipped: this.check ? [] : this.manifest.skipped(),
      ignored: this.check ? {} : this.manifest.ignored,
      ...(this.check && { snapshotCheck: 'running' as const }),
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

  async hashes(): Promise<Array<[string, string]>> {
    await this.checked();
    return [...this.library.store.all()].map((a) => [a.id, a.hash]);
  }

  async update(options: UpdateOptions, onProgress?: ProgressListener): Promise<UpdateResult> {
    // The snapshot check is itself a reload of every file; this one starts from what it leaves.
    await this.checked();
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

  /** Reads a plan's files, then applies the change in one synchronous step. */
  private async apply(plan: ChangePlan, onProgress?: ProgressListener) {
    const results = await readChangedFiles(this.options.corpusDir, plan, onProgress);
    // Changing an index restored from a snapshot needs all of it materialized: in slices now, rather than at once in the step below.
    await this.library.materialize();
    const change = applyChanges(this.library, this.manifest, plan, results);
    this.generation++;
    this.loadedAt = Date.now();
    this.saver.changed();
    return change;
  }
}

/** Articles a snapshot check re-indexed or removed. */
function changedCount(result: CheckResult): number {
  return result.added.length + result.changed.length + result.removed.length + result.orphans;
}
