/**
 * `npm run deploy`: registers the slash commands (bulk overwrite) and exits,
 * without logging in to the gateway. Guild-scoped when DISCORD_GUILD_ID is
 * set (instant, for development), else global.
 */
import { REST, Routes, type APIApplication } from 'discord.js';
import { config } from 'dotenv';
import { ConfigError, loadSettings } from '../config.ts';
import { loadCommands } from '../interaction/registry.ts';
import { CommandRouter } from '../interaction/router.ts';
import { log, redactSecret } from '../log.ts';

/** Registers the commands; resolves with how many were registered. */
export async function deployCommands(discord: { token: string; clientId?: string; guildId?: string; apiBase?: string }): Promise<number> {
  redactSecret(discord.token);
  const rest = new REST(discord.apiBase ? { api: discord.apiBase } : {}).setToken(discord.token);
  const definitions = new CommandRouter(await loadCommands()).definitions();
  const appId = discord.clientId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const route = discord.guildId ? Routes.applicationGuildCommands(appId, discord.guildId) : Routes.applicationCommands(appId);
  await rest.put(route, { body: definitions });
  log(
    'info',
    `registered ${definitions.length} commands ${discord.guildId ? `in guild ${discord.guildId}` : 'globally'} for application ${appId}`,
  );
  return definitions.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  config({ quiet: true });
  try {
    const settings = loadSettings(process.env);
    if (!settings.discord) throw new ConfigError('DISCORD_TOKEN is not set: nothing to deploy to (see .env.example)');
    await deployCommands(settings.discord);
  } catch (err) {
    process.stderr.write(`verbatim deploy: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
