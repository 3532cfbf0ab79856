/**
 * Settings, from the environment (and `.env`, loaded by the entry points) or
 * command-line overrides, validated once at start-up. A bad value stops the
 * program with one clear line; the token never appears in any message.
 */
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { containsToken, redactSecret, TOKEN_SHAPE } from './log.ts';

/** Validated settings. */
export interface Settings {
  /** Absolute path of the corpus folder. */
  corpusDir: string;
  /** Folder for what Verbatim keeps (`DATA_DIR`; default `.verbatim/` in the working directory). */
  dataDir: string;
  /** Folder for the index snapshot (`SNAPSHOT_DIR`; default: the data folder). */
  snapshotDir: string;
  /** Hosts whose links are fetched without the public-address check (`FETCH_ALLOW_HOSTS`; default none). */
  fetchAllowHosts: string[];
  discord?: DiscordSettings;
  /** The record of questions and votes (issue 12; see `src/record/`). */
  record: RecordSettings;
  /** Per-member limit on /ask and Find sources (`ASK_COOLDOWN`); `undefined` when off. */
  askCooldown?: CooldownSettings;
  /** Answers in help channels and forums (issue 15; see `src/autoanswer/`). */
  autoAnswer: AutoAnswerSettings;
}

/**
 * `AUTOANSWER`: `auto` (default) asks Discord for the message intents only
 * while some channel has auto-answers on; `on` always asks for them; `off`
 * never does, and no channel is answered.
 */
export type AutoAnswerMode = 'auto' | 'on' | 'off';

/** Settings of auto-answers (`AUTOANSWER`, `AUTOANSWER_RATE`). */
export interface AutoAnswerSettings {
  mode: AutoAnswerMode;
  /** At most `limit` auto-answers per channel in any `windowMs` (`AUTOANSWER_RATE`). */
  rate: CooldownSettings;
}

/** Settings of the record of questions (`RECORD_QUESTIONS`, `RECORD_DAYS`, `RECORD_HASH_SECRET`). */
export interface RecordSettings {
  /** Record questions, answers and votes in `dataDir/verbatim.db`. Default true. */
  enabled: boolean;
  /** Days a recorded question is kept. Default {@link DEFAULT_RECORD_DAYS}. */
  days: number;
  /** Key of the member-id hash; default: a random key kept in the data folder. */
  hashSecret?: string;
}

/** At most `limit` questions per member in any `windowMs` (`ASK_COOLDOWN=5/30s`). */
export interface CooldownSettings {
  limit: number;
  windowMs: number;
}

/** Settings of the Discord bot; present only when a token is set. */
export interface DiscordSettings {
  token: string;
  /** Application id; read from Discord when not set. */
  clientId?: string;
  /** Register commands in this guild only (instant, for development); else globally. */
  guildId?: string;
  /** REST base URL (a proxy or a test server); passed to discord.js as `rest.api`. */
  apiBase?: string;
  /** Role ids whose members may /reload, besides those with Manage Server. */
  moderatorRoleIds: string[];
  /** How many shards to run (`SHARDS`): 1 (one process, the default), a number, or `auto` (Discord's recommendation). */
  shards?: ShardCountSetting;
}

/** The `SHARDS` setting: a shard count, or `auto` for the count Discord recommends (`GET /gateway/bot`). */
export type ShardCountSetting = number | 'auto';

/** Most shards accepted in `SHARDS`: one process each, on one machine. */
export const MAX_SHARDS = 64;

/** A setting is wrong; `message` is one line, safe to print. */
export class ConfigError extends Error {}

const SNOWFLAKE = /^\d{15,22}$/;

/** The default data folder, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.verbatim';
/** Days a recorded question is kept by default (`RECORD_DAYS`). */
export const DEFAULT_RECORD_DAYS = 90;
/** Longest retention accepted, in days (ten years). */
const MAX_RECORD_DAYS = 3650;
/** The default cooldown: 5 questions per member per 30 seconds. */
export const DEFAULT_ASK_COOLDOWN: CooldownSettings = { limit: 5, windowMs: 30_000 };
/** Shortest key accepted in `RECORD_HASH_SECRET`: 32 characters (HMAC-SHA256 wants a key of at least its 32-byte output). */
const MIN_HASH_SECRET = 32;

/**
 * Reads and validates settings. `overrides` win over the environment.
 * Messages about a bad value describe it rather than repeat it: a value in the
 * wrong variable may be the token itself.
 */
export function loadSettings(env: NodeJS.ProcessEnv, overrides: { corpusDir?: string | undefined } = {}): Settings {
  const token = env.DISCORD_TOKEN?.trim();
  // Masked in all output from now on, even if it turns out malformed.
  redactSecret(token);
  for (const name of [
    'DISCORD_CLIENT_ID',
    'DISCORD_GUILD_ID',
    'DISCORD_API_BASE',
    'MODERATOR_ROLE_IDS',
    'CORPUS_DIR',
    'DATA_DIR',
    'SNAPSHOT_DIR',
    'FETCH_ALLOW_HOSTS',
    'RECORD_QUESTIONS',
    'RECORD_DAYS',
    'RECORD_HASH_SECRET',
    'ASK_COOLDOWN',
    'AUTOANSWER',
    'AUTOANSWER_RATE',
    'SHARDS',
  ]) {
    if (containsToken(env[name] ?? ''))
      throw new ConfigError(`${name} holds what looks like a bot token; the token belongs in DISCORD_TOKEN only`);
  }
  const corpusDir = path.resolve(overrides.corpusDir ?? (env.CORPUS_DIR?.trim() || 'corpus'));
  let stat;
  try {
    stat = statSync(corpusDir);
  } catch {
    throw new ConfigError(`corpus directory not found: ${corpusDir} (set CORPUS_DIR or pass --corpus DIR)`);
  }
  if (!stat.isDirectory()) throw new ConfigError(`corpus path is not a directory: ${corpusDir}`);
  const dataDir = path.resolve(env.DATA_DIR?.trim() || DEFAULT_DATA_DIR);
  const snapshotDir = path.resolve(env.SNAPSHOT_DIR?.trim() || dataDir);
  const fetchAllowHosts = parseAllowHosts(env.FETCH_ALLOW_HOSTS ?? '');
  const record = recordSettings(env);
  const askCooldown = parseCooldown(env.ASK_COOLDOWN);
  const autoAnswer = autoAnswerSettings(env);
  const common = { corpusDir, dataDir, snapshotDir, fetchAllowHosts, record, autoAnswer, ...(askCooldown && { askCooldown }) };

  if (!token) return common;
  if (!TOKEN_SHAPE.test(token))
    throw new ConfigError(
      'DISCORD_TOKEN does not look like a bot token (three dot-separated parts; copy it from the Developer Portal, Bot page)',
    );
  const id = (name: string): string | undefined => {
    const v = env[name]?.trim();
    if (!v) return undefined;
    if (!SNOWFLAKE.test(v)) throw new ConfigError(`${name} must be a numeric Discord id of 15 to 22 digits (got ${describeValue(v)})`);
    return v;
  };
  const apiBase = env.DISCORD_API_BASE?.trim() || undefined;
  if (apiBase && !isHttpUrl(apiBase))
    throw new ConfigError(`DISCORD_API_BASE must be an http(s) URL such as https://discord.com/api (got ${describeValue(apiBase)})`);
  const roles = (env.MODERATOR_ROLE_IDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const r of roles)
    if (!SNOWFLAKE.test(r)) throw new ConfigError(`MODERATOR_ROLE_IDS must be comma-separated numeric role ids (got ${describeValue(r)})`);
  const discord: DiscordSettings = { token, moderatorRoleIds: roles, shards: parseShards(env) };
  const clientId = id('DISCORD_CLIENT_ID');
  const guildId = id('DISCORD_GUILD_ID');
  if (clientId) discord.clientId = clientId;
  if (guildId) discord.guildId = guildId;
  if (apiBase) discord.apiBase = apiBase;
  return { ...common, discord };
}

/**
 * `SHARDS`: `1` (default), a whole number up to {@link MAX_SHARDS}, or `auto`.
 * In a shard process discord.js's ShardingManager sets `SHARDS` to that
 * shard's id; the process then runs one shard and the setting is not read.
 */
function parseShards(env: NodeJS.ProcessEnv): ShardCountSetting {
  if (env.SHARDING_MANAGER === 'true') return 1;
  const value = env.SHARDS?.trim().toLowerCase();
  if (!value) return 1;
  if (value === 'auto') return 'auto';
  const count = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(count >= 1 && count <= MAX_SHARDS))
    throw new ConfigError(`SHARDS must be auto or a whole number from 1 to ${MAX_SHARDS} (got ${describeValue(value)})`);
  return count;
}

/** `FETCH_ALLOW_HOSTS`: comma-separated host names or IP addresses, without scheme, port or path. */
function parseAllowHosts(value: string): string[] {
  const hosts = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const host of hosts) {
    const ipv6 = host.startsWith('[') ? host.slice(1, -1) : host;
    if (!/^[a-z0-9](?:[a-z0-9-]{0,62}\.?)*$/.test(host) && isIP(ipv6) === 0)
      throw new ConfigError(
        `FETCH_ALLOW_HOSTS must be comma-separated host names or IP addresses, without scheme or port (got ${describeValue(host)})`,
      );
  }
  return hosts.map((h) => (h.startsWith('[') ? h.slice(1, -1) : h));
}

function recordSettings(env: NodeJS.ProcessEnv): RecordSettings {
  const enabled = parseSwitch('RECORD_QUESTIONS', env.RECORD_QUESTIONS, true);
  const daysText = env.RECORD_DAYS?.trim();
  let days = DEFAULT_RECORD_DAYS;
  if (daysText) {
    days = Number(daysText);
    if (!/^\d+$/.test(daysText) || days < 1 || days > MAX_RECORD_DAYS)
      throw new ConfigError(`RECORD_DAYS must be a whole number of days from 1 to ${MAX_RECORD_DAYS} (got ${describeValue(daysText)})`);
  }
  const hashSecret = env.RECORD_HASH_SECRET?.trim();
  redactSecret(hashSecret); // a key: never printed either
  if (hashSecret && hashSecret.length < MIN_HASH_SECRET)
    throw new ConfigError(`RECORD_HASH_SECRET must be at least ${MIN_HASH_SECRET} characters long (got ${hashSecret.length})`);
  return { enabled, days, ...(hashSecret && { hashSecret }) };
}

/** true/false, yes/no, on/off, 1/0; empty gives the default. */
function parseSwitch(name: string, value: string | undefined, fallback: boolean): boolean {
  const v = value?.trim().toLowerCase();
  if (!v) return fallback;
  if (['true', 'yes', 'on', '1'].includes(v)) return true;
  if (['false', 'no', 'off', '0'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false (got ${describeValue(v)})`);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * `ASK_COOLDOWN`: `COUNT/DURATION`, at most COUNT questions per member in any
 * DURATION (a number with `ms`, `s`, `m` or `h`): `5/30s` (the default),
 * `10/2m`. `off` (or `0`) turns the limit off.
 */
export function parseCooldown(value: string | undefined): CooldownSettings | undefined {
  const v = value?.trim().toLowerCase();
  if (!v) return DEFAULT_ASK_COOLDOWN;
  if (v === 'off' || v === '0' || v === 'false' || v === 'none') return undefined;
  const rate = parseRate(v);
  if (!rate)
    throw new ConfigError(
      `ASK_COOLDOWN must be COUNT/DURATION such as 5/30s or 10/2m (units ms, s, m, h; at most 24 h), or off (got ${describeValue(v)})`,
    );
  return rate;
}

/** The default auto-answer rate: 6 auto-answers per channel per 10 minutes (`AUTOANSWER_RATE`). */
export const DEFAULT_AUTOANSWER_RATE: CooldownSettings = { limit: 6, windowMs: 600_000 };

function autoAnswerSettings(env: NodeJS.ProcessEnv): AutoAnswerSettings {
  const v = env.AUTOANSWER?.trim().toLowerCase();
  let mode: AutoAnswerMode = 'auto';
  if (v) {
    if (v === 'auto') mode = 'auto';
    else if (['on', 'true', 'yes', '1'].includes(v)) mode = 'on';
    else if (['off', 'false', 'no', '0'].includes(v)) mode = 'off';
    else throw new ConfigError(`AUTOANSWER must be auto, on or off (got ${describeValue(v)})`);
  }
  const r = env.AUTOANSWER_RATE?.trim().toLowerCase();
  if (!r) return { mode, rate: DEFAULT_AUTOANSWER_RATE };
  const rate = parseRate(r);
  if (!rate)
    throw new ConfigError(
      `AUTOANSWER_RATE must be COUNT/DURATION such as 6/10m or 1/30s (units ms, s, m, h; at most 24 h) (got ${describeValue(r)})`,
    );
  return { mode, rate };
}

/**
 * `COUNT/DURATION` (`5/30s`, `10/2m`; units ms, s, m, h; at most 24 h), or
 * `undefined` when `value` is not one.
 */
function parseRate(value: string): CooldownSettings | undefined {
  const m = /^(\d{1,6})\s*\/\s*(\d{1,9}(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(value);
  const limit = m ? Number(m[1]) : 0;
  const windowMs = m ? Math.round(Number(m[2]) * DURATION_UNITS[m[3]!]!) : 0;
  return m && limit >= 1 && windowMs >= 1 && windowMs <= 86_400_000 ? { limit, windowMs } : undefined;
}

/** A bad value described without repeating it: its length and what kind of characters it has. */
function describeValue(value: string): string {
  const kinds = [/[a-z]/i.test(value) && 'letters', /\d/.test(value) && 'digits', /[^a-z\d]/i.test(value) && 'other characters'].filter(
    Boolean,
  );
  return `${value.length} characters: ${kinds.join(', ')}`;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !/\s/.test(value);
  } catch {
    return false;
  }
}
