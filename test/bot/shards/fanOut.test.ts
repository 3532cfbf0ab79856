/**
 * A reload fanned out to every shard: the shard asked reloads itself and asks
 * the others; one that cannot be reached or fails is named, and the others
 * still reload. (Across real processes: test/bot/shards.e2e.test.ts.)
 */
import type { Client } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { fanOutReloads } from '../../../src/bot/shards/fanOut.ts';
import type { AnswerEngine, ReloadReport, ShardReloadResult } from '../../../src/engine/types.ts';

function report(ok: boolean, articles: number): ReloadReport {
  return {
    ok,
    ...(!ok && { error: 'corpus directory not found' }),
    before: { articles: 1, sentences: 1 },
    after: { articles, sentences: articles * 10 },
    added: [],
    changed: [],
    removed: [],
    skipped: [],
    tookMs: 5,
  };
}

/** An engine that counts its reloads; `status` proves the other methods still reach it. */
function engine(ok = true, articles = 7): AnswerEngine & { reloads: number } {
  const e = {
    reloads: 0,
    reload() {
      e.reloads++;
      return Promise.resolve(report(ok, articles));
    },
    status: () => Promise.resolve({ articles } as Awaited<ReturnType<AnswerEngine['status']>>),
  };
  return e as unknown as AnswerEngine & { reloads: number };
}

/** Clients of `count` shards in one process, where broadcastEval runs the function on the target shard's client. */
function cluster(engines: AnswerEngine[], unreachable: number[] = []): { clients: Client[]; fanned: AnswerEngine[] } {
  const clients: Client[] = [];
  const shard = {
    broadcastEval: (fn: (c: Client) => Promise<ShardReloadResult>, options: { shard: number }) =>
      unreachable.includes(options.shard) ? Promise.reject(new Error('Shard 2 is dead')) : fn(clients[options.shard]!),
  };
  for (let i = 0; i < engines.length; i++) clients.push({ shard } as unknown as Client);
  const fanned = engines.map((e, id) => fanOutReloads(e, clients[id]!, { id, count: engines.length }));
  return { clients, fanned };
}

describe('a reload fanned out to every shard', () => {
  it('reloads every shard once and reports each, this shard’s own report first-hand', async () => {
    const engines = [engine(true, 7), engine(true, 7), engine(true, 7)];
    const { fanned } = cluster(engines);
    const result = await fanned[1]!.reload();
    expect(engines.map((e) => e.reloads)).toEqual([1, 1, 1]);
    expect(result.ok).toBe(true);
    expect(result.shards?.map((s) => [s.shard, s.ok, s.after?.articles])).toEqual([
      [0, true, 7],
      [1, true, 7],
      [2, true, 7],
    ]);
    expect((await fanned[1]!.status()).articles).toBe(7);
  });

  it('names a shard that failed to reload or could not be reached, and still reloads the rest', async () => {
    const engines = [engine(true), engine(false), engine(true)];
    const { fanned } = cluster(engines, [2]);
    const result = await fanned[0]!.reload();
    expect(result.ok).toBe(true);
    expect(engines.map((e) => e.reloads)).toEqual([1, 1, 0]);
    expect(result.shards?.map((s) => [s.shard, s.ok, s.error])).toEqual([
      [0, true, undefined],
      [1, false, 'corpus directory not found'],
      [2, false, 'could not reach the shard: Shard 2 is dead'],
    ]);
  });
});
