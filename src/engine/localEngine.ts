/**
 * The in-process answer engine: the index host runs on the calling thread.
 * Right for the CLI and for tests; the bot uses {@link WorkerEngine}, which
 * keeps the index off the main thread.
 *
 * Reloads follow {@link reloadPolicy}: a small change is applied in place in
 * one step; a large one builds a complete new host beside the one in use
 * (yielding to the event loop as it goes) and swaps it in with a single
 * assignment, so a question is always answered from one whole index.
 */
import path from 'node:path';
import type { LibraryOptions } from '../index/library.ts';
import type { ArticleRef } from '../index/store.ts';
import type { Answer, AnswerOptions } from '../search/answer.ts';
import { IndexHost, type HostOptions, type ReloadPlan } from './host.ts';
import type { AnswerEngine, ArticleView, EngineStatus, MemoryUse, Progress, ReloadReport } from './types.ts';

/** Options of {@link LocalEngine.open}. */
export interface LocalEngineOptions extends HostOptions {
  library?: LibraryOptions;
  /** Changes up to this many bytes of files are applied in place; larger ones rebuild beside. Default 256 KiB. */
  maxInPlaceBytes?: number;
}

/** Default of `maxInPlaceBytes`: ~1,700 sentences, applied in well under 100 ms. */
export const MAX_IN_PLACE_BYTES = 256 * 1024;

/**
 * The reload policy both engines follow. `current` answers meanwhile;
 * `fresh` opens a new host (from the snapshot plus changes, or from text);
 * `swap` makes it current.
 */
export async function reloadPolicy<H>(
  current: {
    planReload(): Promise<ReloadPlan>;
    applyReload(plan: ReloadPlan, onProgress?: (p: Progress) => void): Promise<ReloadReport>;
    counts(): Promise<ReloadReport['before']> | ReloadReport['before'];
    hashes(): Promise<Array<[string, string]>> | Array<[string, string]>;
    status(): Promise<{ skipped: ReloadReport['skipped'] }> | { skipped: ReloadReport['skipped'] };
    /** The reload is over and this host stays in service. */
    endReload(): Promise<void> | void;
  },
  fresh: () => Promise<{ host: H; report: ReloadReport; hashes(): Promise<Array<[string, string]>> }>,
  swap: (host: H) => void,
  maxInPlaceBytes: number,
  onProgress?: (p: Progress) => void,
): Promise<ReloadReport> {
  const started = performance.now();
  const before = await current.counts();
  try {
    onProgress?.({ phase: 'scanning', done: 0, total: 0 });
    const plan = await current.planReload();
    if (plan.read.length === 0 && plan.removed.length === 0) {
      const { skipped } = await current.status();
      await current.endReload();
      return { ok: true, before, after: before, added: [], changed: [], removed: [], skipped, tookMs: performance.now() - started, mode: 'incremental' };
    }
    if (plan.bytes <= maxInPlaceBytes) {
      const report = await current.applyReload(plan, onProgress);
      await current.endReload();
      return { ...report, tookMs: performance.now() - started };
    }
    const oldHashes = new Map(await current.hashes());
    const next = await fresh();
    const newHashes = new Map(await next.hashes());
    swap(next.host); // the swap: one assignment, between two questions
    const added: string[] = [];
    const changed: string[] = [];
    for (const [id, hash] of newHashes) {
      const old = oldHashes.get(id);
      if (old === undefined) added.push(id);
      else if (old !== hash) changed.push(id);
    }
    const removed = [...oldHashes.keys()].filter((id) => !newHashes.has(id));
    return { ...next.report, before, added, changed, removed, tookMs: performance.now() - started };
  } catch (err) {
    await Promise.resolve(current.endReload()).catch(() => undefined); // the host in use stays in service
    const { skipped } = await Promise.resolve(current.status()).catch(() => ({ skipped: [] }));
    return { ok: false, error: (err as Error).message, before, after: before, added: [], changed: [], removed: [], skipped, tookMs: performance.now() - started };
  }
}

export class LocalEngine implements AnswerEngine {
  private host: IndexHost;
  private swaps = 0;
  private running: Promise<ReloadReport> | undefined;

  private constructor(
    private readonly options: LocalEngineOptions,
    host: IndexHost,
  ) {
    this.host = host;
  }

  /**
   * Opens the corpus (from the snapshot when valid). Throws only when the
   * corpus directory itself is missing; bad files are skipped and listed.
   */
  static async open(options: LocalEngineOptions, onProgress?: (p: Progress) => void): Promise<{ engine: LocalEngine; report: ReloadReport }> {
    const resolved = { ...options, corpusDir: path.resolve(options.corpusDir) };
    const { host, report } = await IndexHost.open(resolved, onProgress);
    return { engine: new LocalEngine(resolved, host), report };
  }

  /** The library in use (for in-process tools such as benchmarks). */
  get library() {
    return this.host.currentLibrary;
  }

  async ask(question: string, options: AnswerOptions = {}): Promise<Answer> {
    return this.host.ask(question, options);
  }

  /** {@link ask} without the promise, for batch tools. */
  askSync(question: string, options: AnswerOptions = {}): Answer {
    return this.host.ask(question, options);
  }

  async article(id: string): Promise<ArticleView | undefined> {
    return this.host.article(id);
  }

  async articleByKey(key: string): Promise<ArticleView | undefined> {
    return this.host.articleByKey(key);
  }

  async suggestArticles(input: string, limit: number): Promise<ArticleRef[]> {
    return this.host.suggestArticles(input, limit);
  }

  reload(onProgress?: (p: Progress) => void): Promise<ReloadReport> {
    // Concurrent callers share one run.
    this.running ??= reloadPolicy(
      this.host,
      async () => {
        const { host, report } = await IndexHost.open(this.options, onProgress);
        return { host, report, hashes: async () => host.hashes() };
      },
      (host) => {
        this.host = host;
        this.swaps++;
      },
      this.options.maxInPlaceBytes ?? MAX_IN_PLACE_BYTES,
      onProgress,
    ).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async status(): Promise<EngineStatus> {
    const status = this.host.status();
    return { ...status, generation: status.generation + this.swaps, reloading: this.running !== undefined };
  }

  async memory(): Promise<MemoryUse> {
    return this.host.memory();
  }

  /** Resolves once the snapshot of the index in use is written (when snapshots are on). */
  async flushSnapshot(): Promise<void> {
    await this.host.flushSnapshot();
  }

  /** Stops the engine, giving a snapshot still to be saved `saveTimeoutMs` (default 10 s) to reach the disk. */
  async close(saveTimeoutMs = 10_000): Promise<void> {
    await this.running?.catch(() => undefined);
    const timeout = new Promise((resolve) => setTimeout(resolve, saveTimeoutMs).unref());
    await Promise.race([this.host.flushSnapshot().catch(() => undefined), timeout]);
  }
}
