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
import { siblingModule, spawnModule } from '../util/spawn.ts';
import { Engine } from './engine.ts';
import type { HostOptions } from './host.ts';
import { encodeArguments, HOST_OPERATIONS, type HostHandle, type ProgressListener } from './protocol.ts';
import type { ReloadReport } from './types.ts';
import { readSnapshotAhead, snapshotPath } from './snapshotFile.ts';
import type { Call, WorkerData, WorkerMessage } from './workerMain.ts';

/** Options of {@link WorkerEngine.open}. */
export interface WorkerEngineOptions extends HostOptions {
  /** Changes up to this many bytes of files are applied in place; larger ones load a new worker. Default 256 KiB. */
  maxInPlaceBytes?: number;
}

const WORKER_MODULE = siblingModule(import.meta.url, 'workerMain');
/** Young-generation size of the index worker, in MB (V8's default is a few MB). */
const YOUNG_GENERATION_MB = 64;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  listener?: ProgressListener;
}

/** One worker holding one index: the protocol's calls posted to it, their results posted back. */
class HostWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  readonly ready: Promise<ReloadReport>;
  private closed = false;
  /** The protocol, each operation a posted call. */
  readonly handle: HostHandle;

  constructor(options: HostOptions, onProgress?: ProgressListener) {
    // A larger young generation: building allocates heavily and short-lived, and the default
    // semi-space makes the scavenger run (and copy) far more often.
    // The snapshot file is read here while the worker starts (half a second: a thread, its modules), and handed over.
    const readAhead = options.snapshotDir ? readSnapshotAhead(snapshotPath(options.snapshotDir, options.corpusDir)) : undefined;
    const data: WorkerData = { ...options, snapshotReadAhead: readAhead !== undefined };
    this.worker = spawnModule(WORKER_MODULE, data, { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB });
    void readAhead?.then((read) => {
      if (!this.closed) this.worker.postMessage(read, 'bytes' in read ? [read.bytes] : []);
    });
    let settle!: { resolve: (r: ReloadReport) => void; reject: (e: Error) => void };
    this.ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') (m.id !== undefined ? this.pending.get(m.id)?.listener : onProgress)?.(m.progress);
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

    const handle: Record<string, unknown> = { retire: () => this.retire() };
    for (const op of Object.keys(HOST_OPERATIONS)) handle[op] = (...args: unknown[]) => this.call(op, args);
    this.handle = handle as HostHandle;
  }

  private call(op: string, rawArgs: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the index worker has stopped'));
    const id = this.nextId++;
    const { args, listener } = encodeArguments(rawArgs);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(listener && { listener }) });
      this.worker.postMessage({ id, op, args } satisfies Call);
    });
  }

  /** Stops the worker once the calls it has are answered. */
  private async retire(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.values()].map((p) => new Promise((r) => setImmediate(r, p))));
    this.closed = true;
    await this.worker.terminate();
  }
}

export class WorkerEngine extends Engine<HostHandle> {
  /** Starts a worker and opens the corpus in it (from the snapshot when valid). */
  static async open(options: WorkerEngineOptions, onProgress?: ProgressListener): Promise<{ engine: WorkerEngine; report: ReloadReport }> {
    // The bot answers as soon as the snapshot is loaded; what it shows is checked against the corpus first (host.ts).
    const resolved: HostOptions = { snapshotCheck: 'while-serving', ...options, corpusDir: path.resolve(options.corpusDir) };
    const openHost = async (progress?: ProgressListener) => {
      const worker = new HostWorker(resolved, progress);
      try {
        return { host: worker.handle, report: await worker.ready };
      } catch (err) {
        await worker.handle.retire().catch(() => undefined);
        throw err;
      }
    };
    const { host, report } = await openHost(onProgress);
    return { engine: new WorkerEngine(host, openHost, options.maxInPlaceBytes), report };
  }
}
