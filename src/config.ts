/**
 * Settings, from the environment (and `.env`, loaded by the entry points) or
 * command-line overrides, validated once at start-up. A bad value stops the
 * program with one clear line; the token never appears in any message.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

/** Validated settings. */
export interface Settings {
  /** Absolute path of the corpus folder. */
  corpusDir: string;
  /** Folder for the index snapshot (default: `.verbatim/` inside the corpus's parent folder). */
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
// Bot tokens are three base64url parts: user id, timestamp, HMAC (https://discord.com/developers/docs/reference#authentication).
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$/;

/** Reads and validates settings. `overrides` win over the environment. */
export function loadSettings(env: NodeJS.ProcessEnv, overrides: { corpusDir?: string } = {}): Settings {
  const corpusDir = path.resolve(overrides.corpusDir ?? (env.CORPUS_DIR?.trim() || 'corpus'));
  let stat;
  try {
    stat = statSync(corpusDir);
  } catch {
    throw new ConfigError(`corpus directory not found: ${corpusDir} (set CORPUS_DIR or pass --corpus DIR)`);
  }
  if (!stat.isDirectory()) throw new ConfigError(`corpus path is not a directory: ${corpusDir}`);
  const snapshotDir = path.resolve(env.SNAPSHOT_DIR?.trim() || path.join(path.dirname(corpusDir), '.verbatim'));

  const token = env.DISCORD_TOKEN?.trim();
  if (!token) return { corpusDir, snapshotDir };
  if (!TOKEN_SHAPE.test(token))
    throw new ConfigError(
      'DISCORD_TOKEN does not look like a bot token (three dot-separated parts; copy it from the Developer Portal, Bot page)',
    );
  const id = (name: string): string | undefined => {
    const v = env[name]?.trim();
    if (!v) return undefined;
    if (!SNOWFLAKE.test(v)) throw new ConfigError(`${name} must be a numeric Discord id (got "${v.slice(0, 40)}")`);
    return v;
  };
  const apiBase = env.DISCORD_API_BASE?.trim() || undefined;
  if (apiBase && !/^https?:\/\/[^\s]+$/.test(apiBase))
    throw new ConfigError(`DISCORD_API_BASE must be an http(s) URL (got "${apiBase.slice(0, 80)}")`);
  const roles = (env.MODERATOR_ROLE_IDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const r of roles)
    if (!SNOWFLAKE.test(r)) throw new ConfigError(`MODERATOR_ROLE_IDS must be comma-separated numeric role ids (got "${r.slice(0, 40)}")`);
  const discord: DiscordSettings = { token, moderatorRoleIds: roles };
  const clientId = id('DISCORD_CLIENT_ID');
  const guildId = id('DISCORD_GUILD_ID');
  if (clientId) discord.clientId = clientId;
  if (guildId) discord.guildId = guildId;
  if (apiBase) discord.apiBase = apiBase;
  return { corpusDir, snapshotDir, discord };
}
