/**
 * Auto-answers as the bot runs them: the channel settings (opened from the
 * database), the gateway intents they need, and what `/config` sees. The
 * intents follow the settings: asked for when the first channel is enabled
 * (or always with `AUTOANSWER=on`), and if Discord refuses them, the bot logs
 * one line, carries on with the Guilds intent, and `/config` says why
 * auto-answers are off.
 */
import { existsSync } from 'node:fs';
import type { Client } from 'discord.js';
import type { AutoAnswerMode, AutoAnswerSettings } from '../config.ts';
import { errorMessage, type LogLevel } from '../log.ts';
import { openDatabase, type Database } from '../record/database.ts';
import { DATABASE_MIGRATIONS, recordFile } from '../record/open.ts';
import { ChannelSettingsStore, type AutoAnswerChannelKind, type ChannelSetting } from './channelSettings.ts';
import { AUTO_ANSWER_INTENTS, BASE_INTENTS, connectWithIntents, intentsOf } from './gateway.ts';
import { ChannelRateLimit } from './rateLimit.ts';

/** The state of the message intents: not asked for, being asked for, granted, or refused by Discord (4014). */
export type IntentState = 'off' | 'connecting' | 'on' | 'refused';

/** What `/config` reports. */
export interface AutoAnswerStatus {
  mode: AutoAnswerMode;
  /** Whether the message intents are wanted now (a channel is enabled, or `AUTOANSWER=on`). */
  wanted: boolean;
  intents: IntentState;
  settingsAvailable: boolean;
  settingsProblem?: string;
  rate: { limit: number; windowMs: number };
}

/** A change asked for with `/config autoanswer`. */
export interface ChannelChange {
  guildId: string;
  channelId: string;
  kind: AutoAnswerChannelKind;
  enabled: boolean;
  minConfidence?: number | undefined;
}

/** What `/config` may do: the interface the command sees (the console has none). */
export interface AutoAnswerControl {
  status(): AutoAnswerStatus;
  /** The channels of a server with auto-answers on. */
  enabledIn(guildId: string): ChannelSetting[];
  /** Saves a channel's setting, then connects with the intents it needs (resolves once connected, or refused). */
  configure(change: ChannelChange): Promise<ChannelSetting>;
}

/** Options of {@link AutoAnswers}. */
export interface AutoAnswersOptions {
  settings: AutoAnswerSettings;
  dataDir: string;
  log: (level: LogLevel, message: string) => void;
}

export class AutoAnswers implements AutoAnswerControl {
  readonly mode: AutoAnswerMode;
  readonly rateLimit: ChannelRateLimit;
  private store: ChannelSettingsStore | undefined;
  private db: Database | undefined;
  private settingsProblem: string | undefined;
  private readonly file: string;
  private readonly log: AutoAnswersOptions['log'];
  private client: Client | undefined;
  private intents: IntentState = 'off';
  /** The intents change under way (one at a time). */
  private switching: Promise<void> = Promise.resolve();

  constructor(options: AutoAnswersOptions) {
    this.mode = options.settings.mode;
    this.rateLimit = new ChannelRateLimit(options.settings.rate);
    this.log = options.log;
    this.file = recordFile(options.dataDir);
    if (this.mode === 'off') {
      this.log('info', 'auto-answers are off (AUTOANSWER=off)');
      return;
    }
    // The database is created by the first /config change (or the record), not just for reading no settings.
    if (existsSync(this.file)) this.open();
  }

  /** Opens (creating when needed) the settings; false, with the reason kept for /config, when the data folder cannot be written. */
  private open(): boolean {
    if (this.store) return true;
    try {
      this.db = openDatabase(this.file, DATABASE_MIGRATIONS).db;
      this.store = new ChannelSettingsStore(this.db);
      this.settingsProblem = undefined;
      return true;
    } catch (err) {
      this.db?.close();
      this.db = undefined;
      this.settingsProblem = `cannot write ${this.file}: ${errorMessage(err)}`;
      this.log('warn', `auto-answer settings unavailable: ${this.settingsProblem}. Make DATA_DIR writable to use /config autoanswer`);
      return false;
    }
  }

  /** The setting of a channel, when auto-answers are running for it. */
  settingOf(channelId: string): ChannelSetting | undefined {
    return this.intents === 'on' ? this.store?.get(channelId) : undefined;
  }

  enabledIn(guildId: string): ChannelSetting[] {
    return this.store?.enabledIn(guildId) ?? [];
  }

  /** Whether the message intents are wanted: `AUTOANSWER=on`, or some channel enabled (`auto`). */
  get wanted(): boolean {
    if (this.mode !== 'auto') return this.mode === 'on';
    return this.store?.anyEnabled() ?? false;
  }

  status(): AutoAnswerStatus {
    return {
      mode: this.mode,
      wanted: this.wanted,
      intents: this.intents,
      settingsAvailable: this.mode !== 'off' && this.settingsProblem === undefined,
      ...(this.settingsProblem && { settingsProblem: this.settingsProblem }),
      rate: { limit: this.rateLimit.limit, windowMs: this.rateLimit.windowMs },
    };
  }

  async configure(change: ChannelChange): Promise<ChannelSetting> {
    if (this.mode === 'off') throw new Error('auto-answers are off (AUTOANSWER=off)');
    if (!this.open() || !this.store) throw new Error(`channel settings are unavailable (${this.settingsProblem})`);
    const setting = this.store.set({ ...change, minConfidence: change.minConfidence });
    this.log(
      'info',
      `auto-answers ${change.enabled ? 'on' : 'off'} in channel ${change.channelId} of ${change.guildId}` +
        (setting.minConfidence === undefined ? '' : ` (min confidence ${setting.minConfidence})`),
    );
    // A moderator enabling a channel after a refusal may have just enabled the intent in the portal: try again.
    await this.follow({ retryRefused: change.enabled });
    return setting;
  }

  /** Starts following the settings on a logged-in client: connects with the message intents if they are wanted. */
  async attach(client: Client): Promise<void> {
    this.client = client;
    await this.follow({ retryRefused: true });
  }

  /** Resolves once no intents change is under way. */
  settled(): Promise<void> {
    return this.switching;
  }

  /** Stops following the settings and closes them; resolves once an intents change under way is over. */
  async stop(): Promise<void> {
    this.client = undefined;
    await this.switching;
    this.close();
  }

  /** Closes the settings' database connection. */
  close(): void {
    this.client = undefined;
    if (this.db?.open) this.db.close();
  }

  /** Connects with the intents the settings want, if the client has others. */
  private follow(options: { retryRefused: boolean }): Promise<void> {
    const next = this.switching.then(async () => {
      const client = this.client;
      if (!client) return;
      const want = this.wanted ? AUTO_ANSWER_INTENTS : BASE_INTENTS;
      const have = intentsOf(client);
      if (want === BASE_INTENTS && have === BASE_INTENTS) {
        this.intents = 'off';
        return;
      }
      if (want === AUTO_ANSWER_INTENTS && have === AUTO_ANSWER_INTENTS) {
        this.intents = 'on';
        return;
      }
      if (want === AUTO_ANSWER_INTENTS && this.intents === 'refused' && !options.retryRefused) return;
      this.intents = 'connecting';
      try {
        const outcome = await connectWithIntents(client, want);
        if (outcome === 'refused') {
          this.intents = 'refused';
          this.log(
            'warn',
            'Discord refused the Message Content intent (gateway close 4014): auto-answers are off, slash commands keep working. ' +
              'Turn on "Message Content Intent" in the Developer Portal (Bot page), then restart or re-enable a channel with /config.',
          );
        } else {
          this.intents = want === AUTO_ANSWER_INTENTS ? 'on' : 'off';
          if (want === AUTO_ANSWER_INTENTS) this.log('info', 'connected with the message intents: auto-answers are on');
        }
      } catch (err) {
        this.intents = 'off';
        this.log('error', `could not reconnect to Discord with new intents: ${errorMessage(err)}`);
      }
    });
    this.switching = next.catch(() => undefined);
    return this.switching;
  }
}
