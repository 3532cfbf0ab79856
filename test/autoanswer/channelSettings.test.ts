/** Channel settings in Verbatim's database: kept across restarts, per server. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChannelSettingsStore } from '../../src/autoanswer/channelSettings.ts';
import { openDatabase } from '../../src/record/database.ts';
import { DATABASE_MIGRATIONS } from '../../src/record/open.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'verbatim-channels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('channel settings', () => {
  it('survive closing and reopening the database, with their min_confidence', () => {
    const file = path.join(dir, 'verbatim.db');
    const first = openDatabase(file, DATABASE_MIGRATIONS);
    const store = new ChannelSettingsStore(first.db);
    store.set({ guildId: 'g1', channelId: 'c1', kind: 'text', enabled: true, minConfidence: 0.7 });
    store.set({ guildId: 'g1', channelId: 'f1', kind: 'forum', enabled: true });
    store.set({ guildId: 'g2', channelId: 'c2', kind: 'text', enabled: true });
    first.db.close();

    const again = openDatabase(file, DATABASE_MIGRATIONS);
    const reopened = new ChannelSettingsStore(again.db);
    expect(reopened.enabledIn('g1').map((s) => [s.channelId, s.kind, s.minConfidence])).toEqual([
      ['c1', 'text', 0.7],
      ['f1', 'forum', undefined],
    ]);
    expect(reopened.anyEnabled()).toBe(true);
    again.db.close();
  });

  it('turned off keep their min_confidence for when they are turned on again', () => {
    const { db } = openDatabase(path.join(dir, 'off.db'), DATABASE_MIGRATIONS);
    const store = new ChannelSettingsStore(db);
    store.set({ guildId: 'g', channelId: 'c', kind: 'text', enabled: true, minConfidence: 0.9 });
    store.set({ guildId: 'g', channelId: 'c', kind: 'text', enabled: false });
    expect(store.enabledIn('g')).toEqual([]);
    expect(store.anyEnabled()).toBe(false);
    expect(store.set({ guildId: 'g', channelId: 'c', kind: 'text', enabled: true }).minConfidence).toBe(0.9);
    db.close();
  });
});
