/**
 * Settings, from the environment (and `.env`, loaded by the entry points) or
 * command-line overrides, validated once at start-up. A bad value stops the
 * program with one clear line; the token never appears in any message.
 */
import { statSync } from 'node:fs';
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
  discord?: DiscordSettings;
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
}

/** A setting is wrong; `message` is one line, safe to print. */
export class ConfigError extends Error {}

const SNOWFLAKE = /^\d{15,22}$/;

/** The default data folder, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.verbatim';

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

  if (!token) return { corpusDir, dataDir, snapshotDir };
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
  const discord: DiscordSettings = { token, moderatorRoleIds: roles };
  const clientId = id('DISCORD_CLIENT_ID');
  const guildId = id('DISCORD_GUILD_ID');
  if (clientId) discord.clientId = clientId;
  if (guildId) discord.guildId = guildId;
  if (apiBase) discord.apiBase = apiBase;
  return { corpusDir, dataDir, snapshotDir, discord };
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
