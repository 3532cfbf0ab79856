/**
 * A reload that reaches every shard: when the bot runs as several shard
 * processes (see manager.ts), `/reload` and `/corpus add|remove` in any one
 * of them must re-index all of them, or the others would keep answering from
 * the old corpus. The shard that was asked reloads itself and asks each other
 * shard through discord.js's `broadcastEval` (the ShardingManager's IPC), one
 * shard at a time so that a shard that is down or fails is named, not lost.
 */
import type { Client } from 'discord.js';
import { errorMessage } from '../../log.ts';
import type { AnswerEngine, ReloadReport, ShardReloadResult } from '../../engine/types.ts';

/** The longest wait for another shard's reload before it is reported as not answering. */
export const SHARD_RELOAD_TIMEOUT_MS = 10 * 60_000;

/** What a shard's client carries so that `broadcastEval` from another shard can reload its engine. */
interface ReloadableClient {
  verbatimReload?: () => Promise<ShardReloadResult>;
}

function resultOf(shard: number, report: ReloadReport): ShardReloadResult {
  return { shard, ok: report.ok, ...(report.error && { error: report.error }), tookMs: report.tookMs, after: report.after };
}

/**
 * The engine, with `reload` fanned out to every shard of `client` (shard ids
 * `0…count-1`). The report is this shard's own, plus `shards`: every
 * shard's result. Other methods go to the engine unchanged.
 */
export function fanOutReloads(engine: AnswerEngine, client: Client, shard: { id: number; count: number }): AnswerEngine {
  // Called by broadcastEval from another shard: reloads this shard only.
  (client as ReloadableClient).verbatimReload = async () => resultOf(shard.id, await engine.reload());
  const reload: AnswerEngine['reload'] = async (onProgress) => {
    const others = Array.from({ length: shard.count }, (_, id) => id).filter((id) => id !== shard.id);
    const remote = others.map((id) => reloadShard(client, id));
    const report = await engine.reload(onProgress);
    const results = [resultOf(shard.id, report), ...(await Promise.all(remote))].sort((a, b) => a.shard - b.shard);
    return { ...report, shards: results };
  };
  // Every other method is the engine's own, called on the engine (it may keep private state).
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'reload') return reload;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function reloadShard(client: Client, id: number): Promise<ShardReloadResult> {
  const started = Date.now();
  if (!client.shard) return { shard: id, ok: false, error: 'not started by a shard manager', tookMs: 0 };
  let timer: NodeJS.Timeout | undefined;
  try {
    const asked = client.shard.broadcastEval(
      // Runs in shard `id`'s process, with that shard's client: nothing from this module is in scope there.
      (c) => (c as unknown as ReloadableClient).verbatimReload?.() ?? Promise.reject(new Error('the shard is still starting')),
      { shard: id },
    ) as Promise<ShardReloadResult>;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${SHARD_RELOAD_TIMEOUT_MS / 60_000} minutes`)), SHARD_RELOAD_TIMEOUT_MS);
      timer.unref();
    });
    return await Promise.race([asked, timeout]);
  } catch (err) {
    return { shard: id, ok: false, error: `could not reach the shard: ${errorMessage(err)}`, tookMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
