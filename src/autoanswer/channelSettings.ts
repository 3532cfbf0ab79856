/**
 * Which channels answer themselves, per server: kept in Verbatim's database
 * (`DATA_DIR/verbatim.db`, next to the record of questions) in a table of
 * its own, so the choice survives restarts. Read on every message, so the
 * rows are held in memory too (one per configured channel), written through
 * on every change.
 *
 * Shards of one bot share the file; a server's `/config` and its messages
 * arrive on the same shard (Discord shards by server), so each process's
 * copy stays true for the servers it serves.
 */
import type { Database, Migration } from '../record/database.ts';

/** The kinds of channel that can answer themselves. */
export type AutoAnswerChannelKind = 'text' | 'forum';

/** One channel's auto-answer setting. */
export interface ChannelSetting {
  guildId: string;
  channelId: string;
  kind: AutoAnswerChannelKind;
  enabled: boolean;
  /** Least confidence score (0–1) to post; `undefined`: any clear answer (the engine's own threshold). */
  minConfidence?: number | undefined;
  /** When it was last changed (epoch ms). */
  updatedAt: number;
}

/** The table's migrations, listed in `DATABASE_MIGRATIONS` (src/record/open.ts). */
export const CHANNEL_MIGRATIONS: readonly Migration[] = [
  {
    id: 'channels-1',
    up(db) {
      db.exec(`
        CREATE TABLE autoanswer_channels (
          guild_id TEXT NOT NULL,
          channel_id TEXT NOT NULL,
          kind TEXT NOT NULL,            -- 'text' (answers in a thread on the message) or 'forum' (in the post)
          enabled INTEGER NOT NULL,      -- 0 keeps the channel's min_confidence for when it is turned on again
          min_confidence REAL,           -- NULL: any clear answer
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (guild_id, channel_id)
        ) WITHOUT ROWID`);
    },
  },
];

interface Row {
  guild_id: string;
  channel_id: string;
  kind: string;
  enabled: number;
  min_confidence: number | null;
  updated_at: number;
}

/** Most channels configured per server (Discord allows 500 channels per server). */
export const MAX_CHANNELS_PER_GUILD = 500;

export class ChannelSettingsStore {
  private readonly byChannel = new Map<string, ChannelSetting>();

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    for (const row of db.prepare('SELECT * FROM autoanswer_channels').all() as Row[]) {
      this.byChannel.set(row.channel_id, fromRow(row));
    }
  }

  /** The setting of a channel, when it has one. */
  get(channelId: string): ChannelSetting | undefined {
    return this.byChannel.get(channelId);
  }

  /** The channels of a server with auto-answers on, in the order they were configured. */
  enabledIn(guildId: string): ChannelSetting[] {
    return [...this.byChannel.values()].filter((s) => s.guildId === guildId && s.enabled).sort((a, b) => a.updatedAt - b.updatedAt);
  }

  /** Whether any channel, in any server, has auto-answers on. */
  anyEnabled(): boolean {
    for (const s of this.byChannel.values()) if (s.enabled) return true;
    return false;
  }

  /**
   * Turns a channel's auto-answers on or off; `minConfidence` `undefined`
   * keeps the channel's current one, `null` clears it. Throws when a server
   * would have more than {@link MAX_CHANNELS_PER_GUILD} channels configured.
   */
  set(change: {
    guildId: string;
    channelId: string;
    kind: AutoAnswerChannelKind;
    enabled: boolean;
    minConfidence?: number | null | undefined;
  }): ChannelSetting {
    const before = this.byChannel.get(change.channelId);
    if (!before && [...this.byChannel.values()].filter((s) => s.guildId === change.guildId).length >= MAX_CHANNELS_PER_GUILD)
      throw new Error(`a server may configure at most ${MAX_CHANNELS_PER_GUILD} channels`);
    const minConfidence = change.minConfidence === undefined ? before?.minConfidence : (change.minConfidence ?? undefined);
    const setting: ChannelSetting = {
      guildId: change.guildId,
      channelId: change.channelId,
      kind: change.kind,
      enabled: change.enabled,
      minConfidence,
      updatedAt: this.now(),
    };
    this.db
      .prepare(
        `INSERT INTO autoanswer_channels (guild_id, channel_id, kind, enabled, min_confidence, updated_at)
         VALUES (@guildId, @channelId, @kind, @enabled, @minConfidence, @updatedAt)
         ON CONFLICT (guild_id, channel_id) DO UPDATE SET
           kind = excluded.kind, enabled = excluded.enabled, min_confidence = excluded.min_confidence, updated_at = excluded.updated_at`,
      )
      .run({ ...setting, enabled: setting.enabled ? 1 : 0, minConfidence: minConfidence ?? null });
    this.byChannel.set(change.channelId, setting);
    return setting;
  }
}

function fromRow(row: Row): ChannelSetting {
  return {
    guildId: row.guild_id,
    channelId: row.channel_id,
    kind: row.kind === 'forum' ? 'forum' : 'text',
    enabled: row.enabled === 1,
    minConfidence: row.min_confidence ?? undefined,
    updatedAt: row.updated_at,
  };
}
