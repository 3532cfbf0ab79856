/**
 * The Discord bot: logs in with discord.js, registers the slash commands at
 * start-up (bulk overwrite; guild-scoped when DISCORD_GUILD_ID is set) and
 * routes interactions to the command handlers. It needs only the Guilds
 * intent: slash commands, message commands (with their message), buttons
 * and autocomplete arrive as interactions. Only auto-answers (src/autoanswer)
 * read messages, and they add the message intents themselves while wanted.
 * The record of questions (src/record) and the cooldown live here, in the
 * main process, next to the adapter.
 */
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import type { DiscordSettings, Settings } from '../config.ts';
import { CorpusEditor } from '../corpus/editor/index.ts';
import { openEngine } from '../engine/open.ts';
import type { AnswerEngine } from '../engine/types.ts';
import { Cooldown } from '../interaction/cooldown.ts';
import { loadCommands } from '../interaction/registry.ts';
import { CommandRouter } from '../interaction/router.ts';
import { errorMessage, log, redactSecret } from '../log.ts';
import { openQuestionRecord } from '../record/open.ts';
import type { AutoAnswers } from '../autoanswer/control.ts';
import { invitePermissions, setUpAutoAnswers } from '../autoanswer/setup.ts';
import type { QuestionRecord } from '../record/questions.ts';
import { renderSkipped, splitSkipped } from '../render/text.ts';
import { healthFile, HealthReporter, removeOtherHealthFiles } from './health.ts';
import { inviteUrl } from './invite.ts';
import { fanOutReloads } from './shards/fanOut.ts';
import { autocompleteContext, buttonContext, commandContext, messageCommandContext, NO_MENTIONS, type Services } from './adapter.ts';

/** A running bot. */
export interface Bot {
  client: Client;
  engine: AnswerEngine;
  router: CommandRouter;
  /** The record of questions, when recording is on and possible. */
  record?: QuestionRecord | undefined;
  /** Auto-answers in help channels and forums (`/config`). */
  autoAnswers: AutoAnswers;
  /** Resolves once commands are registered and the bot is ready for interactions. */
  ready: Promise<void>;
  /** Logs out and closes the engine. */
  stop(): Promise<void>;
}

/** Options of {@link startBot}. */
export interface StartOptions {
  /** Use this engine instead of opening one on the corpus. */
  engine?: AnswerEngine;
  /**
   * Deadline of one `/corpus add` download or fetch, in ms. Default 15,000 (`DEFAULT_FETCH_TIMEOUT_MS`);
   * the end-to-end tests shorten it to see a slow server refused without waiting 15 s.
   */
  fetchTimeoutMs?: number;
  /**
   * Run as shard `id` of `count` (a process the ShardingManager started, see
   * shards/manager.ts): reloads reach every shard, only shard 0 writes
   * snapshots and registers commands. Default: the only shard.
   */
  shard?: { id: number; count: number };
}

/** Longest wait for the engine to close after a failed start. */
const CLOSE_TIMEOUT_MS = 2000;

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

/** Starts the bot and resolves once it has logged in; if the login fails, closes what it opened and throws. */
export async function startBot(settings: Settings, discord: DiscordSettings, options: StartOptions = {}): Promise<Bot> {
  redactSecret(discord.token);
  let engine = options.engine;
  if (!engine) {
    // Every shard reads the same snapshot folder; one writer, so that shards never race on it.
    const saveSnapshots = (options.shard?.id ?? 0) === 0;
    const opened = await openEngine({ corpusDir: settings.corpusDir, snapshotDir: settings.snapshotDir, saveSnapshots });
    engine = opened.engine;
    log(
      'info',
      `loaded ${opened.report.after.articles} articles, ${opened.report.after.sentences} sentences from ${settings.corpusDir} in ${Math.round(opened.report.tookMs)} ms`,
    );
    const { skipped, warnings } = splitSkipped(opened.report.skipped);
    for (const line of renderSkipped(skipped)) log('warn', `skipped ${line}`);
    for (const line of renderSkipped(warnings)) log('warn', line);
  }
  const router = new CommandRouter(await loadCommands());
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    // Explicit, or discord.js would read its own SHARDS variable, which is also Verbatim's setting.
    shards: options.shard?.id ?? 0,
    shardCount: options.shard?.count ?? 1,
    ...(discord.apiBase && { rest: { api: discord.apiBase } }),
  });
  const roles = discord.moderatorRoleIds;
  const activeEngine = options.shard ? fanOutReloads(engine, client, options.shard) : engine;
  const record = openQuestionRecord(settings);
  // /corpus changes the corpus through this editor (one at a time, each logged in the data folder).
  const corpus = new CorpusEditor({
    corpusDir: settings.corpusDir,
    dataDir: settings.dataDir,
    engine: activeEngine,
    fetch: { allowHosts: settings.fetchAllowHosts, ...(options.fetchTimeoutMs !== undefined && { timeoutMs: options.fetchTimeoutMs }) },
  });
  const autoAnswers = setUpAutoAnswers(client, settings, { engine: activeEngine, record });
  const services: Services = {
    engine: activeEngine,
    record,
    autoAnswer: autoAnswers,
    cooldown: settings.askCooldown && new Cooldown(settings.askCooldown),
    corpus,
    via: 'discord',
  };

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    void handle(interaction).catch((err) => log('error', `interaction ${interaction.id} failed: ${(err as Error).stack ?? err}`));
  });
  async function handle(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) {
      log('info', `/${interaction.commandName} from ${interaction.user.id}${interaction.guildId ? ` in ${interaction.guildId}` : ' (DM)'}`);
      await router.command(interaction.commandName, commandContext(interaction, services, roles));
    } else if (interaction.isMessageContextMenuCommand()) {
      log(
        'info',
        `"${interaction.commandName}" from ${interaction.user.id}${interaction.guildId ? ` in ${interaction.guildId}` : ' (DM)'}`,
      );
      await router.messageCommand(interaction.commandName, messageCommandContext(interaction, services, roles));
    } else if (interaction.isAutocomplete()) {
      await router.autocomplete(interaction.commandName, autocompleteContext(interaction, services, roles));
    } else if (interaction.isButton()) {
      await router.button(interaction.customId, buttonContext(interaction, services, roles));
    }
  }
  const health = new HealthReporter(healthFile(settings.dataDir, options.shard ? `bot-shard-${options.shard.id}` : undefined));
  client.on(Events.ShardDisconnect, () => health.set('disconnected'));
  client.on(Events.ShardResume, () => health.set('ready'));
  client.on(Events.ShardReady, () => health.set('ready'));
  client.on(Events.Error, (err) => log('error', `discord.js: ${err.message}`));
  client.on(Events.Warn, (message) => log('warn', `discord.js: ${message}`));

  const ready = new Promise<void>((resolve, reject) => {
    const register = async (c: Client<true>): Promise<void> => {
      try {
        if ((options.shard?.id ?? 0) !== 0) {
          log('info', `logged in as ${c.user.tag} (shard ${options.shard?.id} of ${options.shard?.count}); shard 0 registers the commands`);
          return resolve();
        }
        const definitions = router.definitions();
        if (discord.guildId) await c.application.commands.set(definitions, discord.guildId);
        else await c.application.commands.set(definitions);
        log(
          'info',
          `logged in as ${c.user.tag}; registered ${definitions.length} commands ${discord.guildId ? `in guild ${discord.guildId}` : 'globally'}`,
        );
        log('info', `invite it to a server with ${inviteUrl(c.application.id, invitePermissions(autoAnswers))}`);
        if (autoAnswers.mode !== 'off' && !autoAnswers.wanted)
          log('info', `(for auto-answers: ${inviteUrl(c.application.id, invitePermissions(autoAnswers, true))})`);
        resolve();
      } catch (err) {
        log('error', `could not register commands: ${errorMessage(err)}`);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    client.once(Events.ClientReady, (c) => void register(c));
  });
  ready.catch(() => undefined); // reported above; the bot keeps serving interactions

  try {
    await client.login(discord.token);
  } catch (err) {
    // A refused login is fatal: close what was opened, so the caller can exit and a supervisor restart it.
    await client.destroy().catch(() => undefined);
    autoAnswers.close();
    record?.close();
    await health.stop();
    if (!options.engine) await withTimeout(activeEngine.close(), CLOSE_TIMEOUT_MS);
    throw new Error(`could not log in to Discord: ${errorMessage(err)}`, { cause: err });
  }
  return {
    client,
    engine: activeEngine,
    router,
    record,
    autoAnswers,
    ready,
    async stop() {
      // No intents change may start now; one under way finishes before the client goes.
      const switching = autoAnswers.stop();
      await switching;
      await client.destroy();
      record?.close();
      await health.stop();
      await activeEngine.close();
    },
  };
}

/** `npm start` with a token: runs until SIGINT or SIGTERM, then logs out cleanly. */
export async function runBot(settings: Settings, discord: DiscordSettings, options: Pick<StartOptions, 'shard'> = {}): Promise<number> {
  // A shard's files are the manager's to tidy; one process leaves only its own.
  if (!options.shard) await removeOtherHealthFiles(settings.dataDir, ['bot']);
  const bot = await startBot(settings, discord, options);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log('info', `${signal}: logging out`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await bot.stop();
  return 0;
}
