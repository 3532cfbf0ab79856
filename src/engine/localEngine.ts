/**
 * The in-process answer engine: the index host runs on the calling thread.
 * Right for the CLI, benchmarks and tests; the bot uses `WorkerEngine`, which
 * keeps the index off the main thread. Reloads, swaps and closing are the
 * shared {@link Engine}'s.
 */
import path from 'node:path';
import type { Library } from '../library/library.ts';
import type { Answer, AnswerOptions } from '../search/answer.ts';
import { Engine } from './engine.ts';
import { IndexHost, type HostOptions } from './host.ts';
import { localHandle, type HostHandle, type ProgressListener } from './protocol.ts';
import type { ReloadReport } from './types.ts';

/** Options of {@link LocalEngine.open}. */
export interface LocalEngineOptions extends HostOptions {
  /** Changes up to this many bytes of files are applied in place; larger ones rebuild beside. Default 256 KiB. */
  maxInPlaceBytes?: number;
}

/** An index host in this thread, behind the asynchronous handle the engine uses. */
type LocalHost = HostHandle & { readonly host: IndexHost };

export class LocalEngine extends Engine<LocalHost> {
  /**
   * Opens the corpus (from the snapshot when valid). Throws only when the
   * corpus directory itself is missing; bad files are skipped and listed.
   */
  static async open(options: LocalEngineOptions, onProgress?: ProgressListener): Promise<{ engine: LocalEngine; report: ReloadReport }> {
    const resolved = { ...options, corpusDir: path.resolve(options.corpusDir) };
    const openHost = async (progress?: ProgressListener) => {
      const { host, report } = await IndexHost.open(resolved, progress);
      return { host: Object.assign(localHandle(host), { host }), report };
    };
    const { host, report } = await openHost(onProgress);
    return { engine: new LocalEngine(host, openHost, options.maxInPlaceBytes), report };
  }

  /** The library in use (for in-process tools such as benchmarks). */
  get library(): Library {
    return this.current.host.library;
  }

  /** {@link ask} without the promise, for batch tools (and tests) of an engine whose snapshot check is over; throws while it runs. */
  askSync(question: string, options: AnswerOptions = {}): Answer {
    return this.current.host.askNow(question, options);
  }
}
