/**
 * The answer engine with its index in a worker thread, so that building,
 * loading or saving an index never blocks the main thread (the bot's gateway
 * heartbeats and the 3-second interaction deadline live there).
 *
 * Reloads follow the shared {@link Engine}: a small one is applied inside
 * the serving worker in one step; a large one opens a second worker while the
 * first keeps answering, and the swap is a switch of worker.
 */
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { ArticleRef } from '../library/store.ts';
import type { Answer, AnswerOptions } from '../search/answer.ts';
import type { HostOptions, ReloadPlan } from './host.ts';
import { Engine, type HostHandle } from './engine.ts';
import type { ArticleView, Counts, EngineStatus, MemoryUse, Progress, ReloadReport } from './types.ts';
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
class HostWorker implements HostHandle {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: Progress) => void }
  >();
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

  private call<T>(op: Call['op'], args: unknown[] = [], onProgress?: (p: Progress) => void): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the index worker has stopped'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(onProgress && { onProgress }) });
      this.worker.postMessage({ id, op, args } satisfies Call);
    });
  }

  ask = (q: string, o?: AnswerOptions) => this.call<Answer>('ask', [q, o]);
  article = (id: string) => this.call<ArticleView | undefined>('article', [id]);
  articleByKey = (key: string) => this.call<ArticleView | undefined>('articleByKey', [key]);
  suggestArticles = (input: string, limit: number) => this.call<ArticleRef[]>('suggestArticles', [input, limit]);
  status = () => this.call<Omit<EngineStatus, 'reloading'>>('status');
  memory = () => this.call<MemoryUse>('memory');
  counts = () => this.call<Counts>('counts');
  hashes = () => this.call<Array<[string, string]>>('hashes');
  planReload = () => this.call<ReloadPlan>('planReload');
  applyReload = (plan: ReloadPlan, onProgress?: (p: Progress) => void) => this.call<ReloadReport>('applyReload', [plan], onProgress);
  endReload = () => this.call<void>('endReload');
  flushSnapshot = () => this.call<void>('flushSnapshot');

  /** Stops the worker once the calls it has are answered. */
  async retire(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.values()].map((p) => new Promise((r) => setImmediate(r, p))));
    this.closed = true;
    await this.worker.terminate();
  }
}

export class WorkerEngine extends Engine<HostWorker> {
  /** Starts a worker and opens the corpus in it (from the snapshot when valid). */
  static async open(
    options: WorkerEngineOptions,
    onProgress?: (p: Progress) => void,
  ): Promise<{ engine: WorkerEngine; report: ReloadReport }> {
    const resolved = { ...options, corpusDir: path.resolve(options.corpusDir) };
    const openHost = async (progress?: (p: Progress) => void) => {
      const worker = new HostWorker(resolved, progress);
      try {
        return { host: worker, report: await worker.ready };
      } catch (err) {
        await worker.retire().catch(() => undefined);
        throw err;
      }
    };
    const { host, report } = await openHost(onProgress);
    return { engine: new WorkerEngine(host, openHost, options.maxInPlaceBytes), report };
  }
}
