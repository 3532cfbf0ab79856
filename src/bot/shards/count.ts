/**
 * How many shards to run, and how fast they may log in: `SHARDS=auto` asks
 * Discord (`GET /gateway/bot`) through the configured REST base, so that a
 * proxy or a test server (`DISCORD_API_BASE`) is asked rather than
 * discord.com; `max_concurrency` says how many shards may identify at once.
 */
import type { DiscordSettings } from '../../config.ts';
import { errorMessage } from '../../log.ts';

/** Discord's REST base when `DISCORD_API_BASE` is not set (discord.js's default). */
const DEFAULT_API_BASE = 'https://discord.com/api';
/** Discord allows one IDENTIFY per rate-limit bucket every 5 seconds; a little margin. */
const IDENTIFY_INTERVAL_MS = 5500;
/** Most shards `auto` accepts from Discord's answer (one process each, on one machine). */
const MAX_AUTO_SHARDS = 64;

/** The shard plan: how many, and the wait between two shard spawns. */
export interface ShardPlan {
  count: number;
  spawnDelayMs: number;
}

interface GatewayBot {
  shards?: unknown;
  session_start_limit?: { max_concurrency?: unknown; remaining?: unknown };
}

/** Asks `GET /gateway/bot` (through `apiBase`) for the recommended shard count and the identify concurrency. */
export async function fetchGatewayBot(discord: DiscordSettings): Promise<{ shards: number; maxConcurrency: number; remaining?: number }> {
  const base = (discord.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${base}/v10/gateway/bot`, {
      headers: { Authorization: `Bot ${discord.token}` },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new Error(`could not ask Discord for the shard count (GET /gateway/bot): ${errorMessage(err)}`, { cause: err });
  }
  if (!response.ok) throw new Error(`Discord refused GET /gateway/bot (HTTP ${response.status}); check DISCORD_TOKEN`);
  const body = (await response.json()) as GatewayBot;
  const shards = body.shards;
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1 || shards > MAX_AUTO_SHARDS)
    throw new Error(`Discord's GET /gateway/bot gave no usable shard count (got ${JSON.stringify(shards)}); set SHARDS to a number`);
  const concurrency = body.session_start_limit?.max_concurrency;
  const remaining = body.session_start_limit?.remaining;
  return {
    shards,
    maxConcurrency: typeof concurrency === 'number' && concurrency >= 1 ? Math.floor(concurrency) : 1,
    ...(typeof remaining === 'number' && { remaining }),
  };
}

/** The shard count for `discord.shards` (asking Discord for `auto`) and the spawn pace its identify limit allows. */
export async function planShards(discord: DiscordSettings): Promise<ShardPlan> {
  const setting = discord.shards ?? 1;
  const gateway = await fetchGatewayBot(discord);
  const count = setting === 'auto' ? gateway.shards : setting;
  if (gateway.remaining !== undefined && gateway.remaining < count)
    throw new Error(`Discord allows only ${gateway.remaining} more session starts today, fewer than the ${count} shards to start`);
  // Shards in different buckets (`id % max_concurrency`) may identify together; spread the rest over 5 s windows.
  return { count, spawnDelayMs: gateway.maxConcurrency >= count ? 0 : Math.ceil(IDENTIFY_INTERVAL_MS / gateway.maxConcurrency) };
}
