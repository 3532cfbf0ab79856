/**
 * The answer engine over an index host, wherever the host lives: in this
 * thread (`LocalEngine`) or in a worker thread (`WorkerEngine`). The two
 * differ only in how a call reaches the host (see `protocol.ts`); everything
 * else is here: the reload policy, the swap, the shared reload run, status
 * and closing.
 *
 * Reloads: the host compares the corpus folder with its manifest. A small
 * change (up to `maxInPlaceBytes` of files) is applied by the host in use in
 * one step, between two questions. A large one opens a fresh host (from the
 * snapshot plus the changes, or from text) while the one in use keeps
 * answering, then swaps it in with a single assignment; the old host finishes
 * the calls it has and retires. Both indexes exist for that while.
 */
import type { Answer, AnswerOptions } from '../search/answer.ts';
import type { ArticleRef } from '../library/store.ts';
import type { HostHandle, ProgressListener } from './protocol.ts';
import type { AnswerEngine, ArticleView, DistinctiveWords, EngineStatus, MemoryUse, ReloadReport } from './types.ts';

/** Opens a fresh host on the corpus (from the snapshot when valid). */
export type OpenHost<H extends HostHandle> = (onProgress?: ProgressListener) => Promise<{ host: H; report: ReloadReport }>;

/** Default of `maxInPlaceBytes`: ~1,700 sentences, applied in well under 100 ms. */
export const MAX_IN_PLACE_BYTES = 256 * 1024;

export class Engine<H extends HostHandle> implements AnswerEngine {
  private swaps = 0;
  private running: Promise<ReloadReport> | undefined;

  constructor(
    protected current: H,
    private readonly openHost: OpenHost<H>,
    /** Changes up to this many bytes of files are applied in place; larger ones open a fresh host. */
    private readonly maxInPlaceBytes = MAX_IN_PLACE_BYTES,
  ) {}

  // The query operations, forwarded to the host in use.
  ask(question: string, options?: AnswerOptions): Promise<Answer> {
    return this.current.ask(question, options);
  }

  article(id: string): Promise<ArticleView | undefined> {
    return this.current.article(id);
  }

  articleByKey(key: string): Promise<ArticleView | undefined> {
    return this.current.articleByKey(key);
  }

  suggestArticles(input: string, limit: number): Promise<ArticleRef[]> {
    return this.current.suggestArticles(input, limit);
  }

  findByText(fingerprint: string): Promise<ArticleRef | undefined> {
    return this.current.findByText(fingerprint);
  }

  distinctiveWords(text: string, limit: number): Promise<DistinctiveWords> {
    return this.current.distinctiveWords(text, limit);
  }

  memory(): Promise<MemoryUse> {
    return this.current.memory();
  }

  reload(onProgress?: ProgressListener): Promise<ReloadReport> {
    // Concurrent callers share one run.
    this.running ??= this.runReload(onProgress).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async status(): Promise<EngineStatus> {
    const status = await this.current.status();
    return { ...status, generation: status.generation + this.swaps, reloading: this.running !== undefined };
  }

  /** Resolves once the snapshot of the index in use is written (when snapshots are on). */
  flushSnapshot(): Promise<void> {
    return this.current.flushSnapshot();
  }

  /** Stops the engine, giving a snapshot still to be saved `saveTimeoutMs` (default 10 s) to reach the disk. */
  async close(saveTimeoutMs = 10_000): Promise<void> {
    await this.running?.catch(() => undefined);
    const timeout = new Promise((resolve) => setTimeout(resolve, saveTimeoutMs).unref());
    await Promise.race([this.flushSnapshot().catch(() => undefined), timeout]);
    await this.current.retire();
  }

  private async runReload(onProgress?: ProgressListener): Promise<ReloadReport> {
    const started = performance.now();
    const current = this.current;
    const before = await current.counts();
    const took = () => performance.now() - started;
    const failed = async (err: unknown): Promise<ReloadReport> => {
      const { skipped } = await current.status().catch(() => ({ skipped: [] }));
      return {
        ok: false,
        error: (err as Error).message,
        before,
        after: before,
        added: [],
        changed: [],
        removed: [],
        skipped,
        tookMs: took(),
      };
    };
    let step;
    try {
      onProgress?.({ phase: 'scanning', done: 0, total: 0 });
      step = await current.update({ maxInPlaceBytes: this.maxInPlaceBytes }, onProgress);
    } catch (err) {
      return failed(err); // the host in use stays in service, saves resumed
    }
    if (step.kind === 'unchanged') {
      return {
        ok: true,
        before,
        after: before,
        added: [],
        changed: [],
        removed: [],
        skipped: step.skipped,
        tookMs: took(),
        mode: 'incremental',
      };
    }
    if (step.kind === 'applied') return { ...step.report, tookMs: took() };

    // Too large to apply in place: a fresh host beside the one in use.
    let next;
    let oldHashes;
    try {
      oldHashes = new Map(await current.hashes());
      next = await this.openHost(onProgress);
    } catch (err) {
      await current.resumeSaves().catch(() => undefined);
      return failed(err);
    }
    // Once the fresh host's snapshot check is over (hashes() waits for it), so is what it skipped.
    const newHashes = new Map(await next.host.hashes());
    const { skipped, ignored } = await next.host.status();
    // The swap: one assignment, between two questions.
    this.current = next.host;
    this.swaps++;
    void current.retire();
    const added: string[] = [];
    const changed: string[] = [];
    for (const [id, hash] of newHashes) {
      const old = oldHashes.get(id);
      if (old === undefined) added.push(id);
      else if (old !== hash) changed.push(id);
    }
    const removed = [...oldHashes.keys()].filter((id) => !newHashes.has(id));
    return { ...next.report, before, added, changed, removed, skipped, ignored, tookMs: took() };
  }
}
