/**
 * The in-process answer engine: the index host runs on the calling thread.
 * Right for the CLI, benchmarks and tests; the bot uses `WorkerEngine`, which
 * keeps the index off the main thread. Reloads, swaps and closing are the
 * shared {@link Engine}'s.
 */
import path from 'node:path';
import type { Library } from '../library/library.ts';
import type { Answer, AnswerOptions } from '../search/answer.ts';
import { Engine, type HostHandle } from './engine.ts';
import { IndexHost, type HostOptions, type ReloadPlan } from './host.ts';
import type { Progress, ReloadReport } from './types.ts';

/** Options of {@link LocalEngine.open}. */
export interface LocalEngineOptions extends HostOptions {
  /** Changes up to this many bytes of files are applied in place; larger ones rebuild beside. Default 256 KiB. */
  maxInPlaceBytes?: number;
}

/** An index host in this thread, behind the asynchronous handle the engine uses. */
class LocalHost implements HostHandle {
  constructor(readonly host: IndexHost) {}
  ask = async (q: string, o?: AnswerOptions) => this.host.ask(q, o);
  article = async (id: string) => this.host.article(id);
  articleByKey = async (key: string) => this.host.articleByKey(key);
  suggestArticles = async (input: string, limit: number) => this.host.suggestArticles(input, limit);
  status = async () => this.host.status();
  memory = async () => this.host.memory();
  counts = async () => this.host.counts();
  hashes = async () => this.host.hashes();
  planReload = () => this.host.planReload();
  applyReload = (plan: ReloadPlan, onProgress?: (p: Progress) => void) => this.host.applyReload(plan, onProgress);
  endReload = async () => this.host.endReload();
  flushSnapshot = () => this.host.flushSnapshot();
  retire = async () => undefined;
}

export class LocalEngine extends Engine<LocalHost> {
  /**
   * Opens the corpus (from the snapshot when valid). Throws only when the
   * corpus directory itself is missing; bad files are skipped and listed.
   */
  static async open(
    options: LocalEngineOptions,
    onProgress?: (p: Progress) => void,
  ): Promise<{ engine: LocalEngine; report: ReloadReport }> {
    const resolved = { ...options, corpusDir: path.resolve(options.corpusDir) };
    const openHost = async (progress?: (p: Progress) => void) => {
      const { host, report } = await IndexHost.open(resolved, progress);
      return { host: new LocalHost(host), report };
    };
    const { host, report } = await openHost(onProgress);
    return { engine: new LocalEngine(host, openHost, options.maxInPlaceBytes), report };
  }

  /** The library in use (for in-process tools such as benchmarks). */
  get library(): Library {
    return this.current.host.currentLibrary;
  }

  /** {@link ask} without the promise, for batch tools. */
  askSync(question: string, options: AnswerOptions = {}): Answer {
    return this.current.host.ask(question, options);
  }
}
