/**
 * Links from the corpus reach Discord only in a form Discord accepts: the bot,
 * started as it starts, against the loopback Discord (which refuses what
 * Discord's API description refuses), on a corpus whose front matter carries a
 * link Discord would answer 400 to.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Bot } from '../../src/bot/run.ts';
import { loadSettings } from '../../src/config.ts';
import { startFakeDiscord, type BotResponse, type FakeDiscord, type InjectedInteraction } from '../support/fakeDiscord.ts';
import { firstEmbed, isFinalReply } from '../support/replies.ts';

let fake: FakeDiscord;
let bot: Bot;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'verbatim-links-'));
  const corpusDir = path.join(dir, 'corpus');
  await mkdir(corpusDir);
  await writeFile(
    path.join(corpusDir, 'ferry.md'),
    '---\ntitle: Ferry timetable\nurl: www.harbourtimes.example/ferry timetable\nsource: Harbour Times\n---\n' +
      'The morning ferry leaves the harbour at nine and returns at noon.\n',
  );
  fake = await startFakeDiscord();
  const settings = loadSettings({ CORPUS_DIR: corpusDir, SNAPSHOT_DIR: path.join(dir, 'snapshots'), DATA_DIR: path.join(dir, 'data') });
  bot = await startBot(settings, { token: fake.token, guildId: fake.guild.id, apiBase: fake.restBase, moderatorRoleIds: [] });
  await bot.ready;
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

async function final(interaction: InjectedInteraction): Promise<BotResponse> {
  const r = await interaction.waitFor(isFinalReply, { description: 'a final reply' });
  expect(interaction.violations).toEqual([]);
  expect(r.ok).toBe(true);
  return r;
}

const embed = firstEmbed;

describe('an article whose front matter has a link Discord refuses', () => {
  it('opens with /source, without the link', async () => {
    const r = await final(fake.slashCommand({ name: 'source', options: [{ name: 'article', value: 'ferry' }] }));
    expect(embed(r).title).toBe('Ferry timetable');
    expect(embed(r).description).toMatch(/morning ferry leaves the harbour/);
    expect(embed(r)).not.toHaveProperty('url');
  });

  it('is quoted by /ask, cited without the link', async () => {
    const r = await final(fake.slashCommand({ name: 'ask', options: [{ name: 'question', value: 'when does the morning ferry leave' }] }));
    expect(embed(r).description).toMatch(/— \*Ferry timetable\* · Harbour Times/);
    expect(embed(r).description).not.toMatch(/harbourtimes\.example/);
  });
});
