/**
 * The answer engine with its index in a worker thread, so that building,
 * loading or saving an index never blocks the main thread (the bot's gateway
 * heartbeats and the 3-second interaction deadline live there).
 *
 * A small reload is applied inside the serving worker in one step. A large
 * one opens a second worker (from the snapshot plus changes, or from text)
 * while the first keeps answering; when it is ready the engine switches to it
 * — a swap is a switch of worker — and the old worker finishes the calls it
 * had, then exits. Both indexes exist for that while, so a reload needs room
 * for two.
 */
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { ArticleRef } from '../index/store.ts';
import type { Answer, AnswerOptions } from '../search/answer.ts';
import type { HostOptions, ReloadPlan } from './host.ts';
import { MAX_IN_PLACE_BYTES, reloadPolicy } from './localEngine.ts';
import type { AnswerEngine, ArticleView, EngineStatus, MemoryUse, Progress, ReloadReport } from './types.ts';
import type { Call, WorkerMessage } from './workerMain.ts';
import { spawnModule } from '../util/spawn.ts';

/** Options of {@link WorkerEngine.open}. */
export interface WorkerEngineOptions extends HostOptions {
  /** Changes up to this many bytes of files are applied in place; larger ones load a new worker. Default 256 KiB. */
  maxInPlaceBytes?: number;
}

const WORKER_MODULE = new URL('./workerMain.ts', import.meta.url);
/** Young-generation size of the index worker, in MB (V8's default is a few MB). */
const YOUNG_GENERATION_MB = 64;

/** One worker holding one index. */
class HostWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: Progress) => void }>();
  readonly ready: Promise<ReloadReport>;
  private closed = false;

  constructor(options: HostOptions, onProgress?: (p: Progress) => void) {
    // A larger young generation: building allocates heavily and short-lived, and the default
    // semi-space makes the scavenger run (and copy) far more often.
    this.worker = spawnModule(WORKER_MODULE, options, { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB });
    let settle!: { resolve: (r: ReloadReport) => void; reject: (e: Error) => void };
    this.ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') (m.id !== undefined ? this.pending.get(m.id)?.onProgress : onProgress)?.(m.progress);
      else if (m.type === 'ready') settle.resolve(m.report);
      else if (m.type === 'failed') settle.reject(new Error(m.error));
      else {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new Error(m.error));
      }
    });
    const fail = (err: Error) => {
      settle.reject(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.closed = true;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`index worker exited (code ${code})`)));
  }

  call<T>(op: Call['op'], args: unknown[] = [], onProgress?: (p: Progress) => void): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the index worker has stopped'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(onProgress && { onProgress }) });
      this.worker.postMessage({ id, op, args } satisfies Call);
    });
  }

  /** Stops the worker once the calls it has are answered. */
  async retire(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.values()].map((p) => new Promise((r) => setImmediate(r, p))));
    this.closed = true;
    await this.worker.terminate();
  }
}

export class WorkerEngine implements AnswerEngine {
  private current: HostWorker;
  private swaps = 0;
  private running: Promise<ReloadReport> | undefined;

  private constructor(
    private readonly options: WorkerEngineOptions,
    worker: HostWorker,
  ) {
    this.current = worker;
  }

  /** Starts a worker and opens the corpus in it (from the snapshot when valid). */
  static async open(options: WorkerEngineOptions, onProgress?: (p: Progress) => void): Promise<{ engine: WorkerEngine; report: ReloadReport }> {
    const resolved = { ...options, corpusDir: path.resolve(options.corpusDir) };
    const worker = new HostWorker(resolved, onProgress);
    try {
      const report = await worker.ready;
      return { engine: new WorkerEngine(resolved, worker), report };
    } catch (err) {
      await worker.retire().catch(() => undefined);
      throw err;
    }
  }

  ask(question: string, options: AnswerOptions = {}): Promise<Answer> {
    return this.current.call('ask', [question, options]);
  }

  article(id: string): Promise<ArticleView | undefined> {
    return this.current.call('article', [id]);
  }

  articleByKey(key: string): Promise<ArticleView | undefined> {
    return this.current.call('articleByKey', [key]);
  }

  suggestArticles(input: string, limit: number): Promise<ArticleRef[]> {
    return this.current.call('suggestArticles', [input, limit]);
  }

  reload(onProgress?: (p: Progress) => void): Promise<ReloadReport> {
    const serving = this.current;
    this.running ??= reloadPolicy(
      {
        planReload: () => serving.call<ReloadPlan>('planReload'),
        applyReload: (plan, progress) => serving.call<ReloadReport>('applyReload', [plan], progress),
        counts: () => serving.call('counts'),
        hashes: () => serving.call('hashes'),
        status: () => serving.call('status'),
        endReload: () => serving.call('endReload'),
      },
      async () => {
        const worker = new HostWorker(this.options, onProgress);
        try {
          const report = await worker.ready;
          return { host: worker, report, hashes: () => worker.call<Array<[string, string]>>('hashes') };
        } catch (err) {
          await worker.retire().catch(() => undefined);
          throw err;
        }
      },
      (worker) => {
        const old = this.current;
        this.current = worker;
        this.swaps++;
        void old.retire();
      },
      this.options.maxInPlaceBytes ?? MAX_IN_PLACE_BYTES,
      onProgress,
    ).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async status(): Promise<EngineStatus> {
    const status = await this.current.call<Omit<EngineStatus, 'reloading'>>('status');
    return { ...status, generation: status.generation + this.swaps, reloading: this.running !== undefined };
  }

  memory(): Promise<MemoryUse> {
    return this.current.call('memory');
  }

  /** Resolves once the snapshot of the index in use is written (when snapshots are on). */
  flushSnapshot(): Promise<void> {
    return this.current.call('flushSnapshot');
  }

  /**
   * Stops the engine. A snapshot still to be saved is given `saveTimeoutMs`
   * (default 10 s) to reach the disk, so that the next start need not rebuild.
   */
  async close(saveTimeoutMs = 10_000): Promise<void> {
    await this.running?.catch(() => undefined);
    const timeout = new Promise((resolve) => setTimeout(resolve, saveTimeoutMs).unref());
    await Promise.race([this.flushSnapshot().catch(() => undefined), timeout]);
    await this.current.retire();
  }
}
