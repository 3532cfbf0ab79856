/** The shard plan: SHARDS=auto asks the loopback Discord's GET /gateway/bot, through DISCORD_API_BASE. */
import { describe, expect, it } from 'vitest';
import { planShards } from '../../../src/bot/shards/count.ts';
import type { DiscordSettings } from '../../../src/config.ts';
import { startFakeDiscord, type FakeDiscordOptions } from '../../support/fakeDiscord.ts';

async function plan(options: FakeDiscordOptions, settings: Partial<DiscordSettings>) {
  const fake = await startFakeDiscord(options);
  try {
    return await planShards({ token: fake.token, apiBase: fake.restBase, moderatorRoleIds: [], ...settings });
  } finally {
    await fake.close();
  }
}

describe('the shard plan', () => {
  it("takes Discord's recommended count for auto, and spawns at once when every shard may identify together", async () => {
    expect(await plan({ shards: 3 }, { shards: 'auto' })).toEqual({ count: 3, spawnDelayMs: 0 });
  });

  it('keeps a number as it is, and paces the spawns when max_concurrency is below the shard count', async () => {
    expect(await plan({ shards: 1, maxConcurrency: 1 }, { shards: 2 })).toEqual({ count: 2, spawnDelayMs: 5500 });
  });

  it('refuses to start more shards than the session starts Discord still allows', async () => {
    await expect(
      plan({ shards: 4, sessionStartLimit: { total: 1000, remaining: 2, resetAfterMs: 60_000 } }, { shards: 'auto' }),
    ).rejects.toThrow(/allows only 2 more session starts today, fewer than the 4 shards/);
  });

  it('says the token was refused when GET /gateway/bot is', async () => {
    await expect(
      plan({}, { shards: 'auto', token: 'MTExMTExMTExMTExMTExMTEx.GwRoNg.wrongwrongwrongwrongwrongwrongwrong12' }),
    ).rejects.toThrow(/Discord refused GET \/gateway\/bot \(HTTP 401\); check DISCORD_TOKEN/);
  });
});
