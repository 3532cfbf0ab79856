/**
 * Learning from use, end to end (issue 12): the real discord.js client
 * against the loopback Discord, each scenario with a bot of its own started
 * as `startBot` starts it, on a copy of the seed corpus and a data folder of
 * its own. Votes, /stats, the cooldown, recording turned off, and a record
 * that is missing, damaged or cannot be written.
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { InteractionResponseType, PermissionFlagsBits, type APIMessage } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Bot } from '../../src/bot/run.ts';
import { loadSettings } from '../../src/config.ts';
import { recordFile } from '../../src/record/open.ts';
import { startFakeDiscord, type BotResponse, type FakeDiscord, type InjectedInteraction } from '../support/fakeDiscord.ts';
import { makeReadOnly, makeWritable } from '../support/readOnlyDir.ts';
import { finalReply, firstEmbed, replyButtons } from '../support/replies.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild.toString();
const ALICE = { id: '1300000000000000401', username: 'alice' };
const BOB = { id: '1300000000000000402', username: 'bob' };

let fake: FakeDiscord;
let dir: string;
let corpusDir: string;
const bots: Bot[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'verbatim-record-'));
  corpusDir = path.join(dir, 'corpus');
  await cp(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
  fake = await startFakeDiscord();
});

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
});

afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh data folder's path (not created). */
let folders = 0;
const freshDataDir = () => path.join(dir, `data-${++folders}`);

/** Starts a bot on the copy of the corpus with `env` on top of its defaults; collects what it logs. */
async function startWith(env: Record<string, string>): Promise<{ bot: Bot; logs: string[] }> {
  const logs: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    logs.push(String(chunk));
    return write(chunk, ...(rest as []));
  };
  try {
    const settings = loadSettings({ CORPUS_DIR: corpusDir, SNAPSHOT_DIR: path.join(dir, 'snapshots'), ...env });
    const bot = await startBot(settings, { token: fake.token, guildId: fake.guild.id, apiBase: fake.restBase, moderatorRoleIds: [] });
    bots.push(bot);
    await bot.ready;
    return { bot, logs };
  } finally {
    process.stderr.write = write;
  }
}

async function stop(bot: Bot): Promise<void> {
  bots.splice(bots.indexOf(bot), 1);
  await bot.stop();
}

const final = (interaction: InjectedInteraction): Promise<BotResponse> => finalReply(interaction);

const embed = firstEmbed;
const buttons = replyButtons;
const button = (r: BotResponse, label: string) => {
  const b = buttons(r).find((x) => x.label === label);
  expect(b, `a "${label}" button`).toBeDefined();
  return b!.custom_id!;
};
const messageOf = (r: BotResponse): APIMessage => {
  expect(r.message).toBeDefined();
  return r.message!;
};
const ask = (question: string, invoker: { user?: typeof ALICE; permissions?: string } = {}) =>
  fake.slashCommand({ name: 'ask', options: [{ name: 'question', value: question }], ...invoker });
const click = (r: BotResponse, label: string, user = ALICE) =>
  final(fake.button({ customId: button(r, label), message: messageOf(r), user }));
const stats = (days?: number) =>
  fake.slashCommand({ name: 'stats', permissions: MANAGE_GUILD, ...(days && { options: [{ name: 'days', value: days }] }) });

/**
 * Waits until the bot has recorded `count` answers: it records an answer once discord.js has seen its reply
 * through, which can be a moment after the loopback Discord received it.
 */
async function answersRecorded(bot: Bot, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  const db = bot.record!.db;
  for (;;) {
    bot.record!.flush();
    const n = db.prepare('SELECT COUNT(*) FROM answers').pluck().get() as number;
    if (n >= count) return;
    if (Date.now() > deadline) throw new Error(`the bot recorded ${n} answers, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads the record the bot wrote (after it has written what it queued). */
function readRecord<T>(bot: Bot, dataDir: string, read: (db: Sqlite.Database) => T): T {
  bot.record?.flush();
  const db = new Sqlite(recordFile(dataDir), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('votes', () => {
  it('are recorded, changed, and never counted twice for one member; the click is acknowledged to the clicker only', async () => {
    const dataDir = freshDataDir();
    const { bot } = await startWith({ DATA_DIR: dataDir, ASK_COOLDOWN: 'off' });
    const answer = await final(ask('what is Operation Unifier'));
    expect(buttons(answer).map((b) => b.label)).toEqual(['Source 1', 'Source 2', 'Source 3', 'More', 'Helpful', 'Not helpful']);
    const original = structuredClone(messageOf(answer));

    const first = await click(answer, 'Helpful');
    expect(first.callbackType).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(first.ephemeral).toBe(true);
    expect(first.data?.content).toBe('Thanks — recorded.');
    const votes = () => readRecord(bot, dataDir, (db) => db.prepare('SELECT member, helpful FROM votes ORDER BY member').all());
    expect(votes()).toEqual([{ member: bot.record!.memberKey(ALICE.id), helpful: 1 }]);

    const again = await click(answer, 'Helpful');
    expect(again.data?.content).toBe('You already marked this answer **Helpful**.');
    const changed = await click(answer, 'Not helpful');
    expect(changed.data?.content).toBe('Thanks — changed to **Not helpful**.');
    expect(votes()).toEqual([{ member: bot.record!.memberKey(ALICE.id), helpful: 0 }]);

    await click(answer, 'Helpful', BOB);
    expect(votes()).toHaveLength(2);
    // The answer itself was neither edited nor posted again.
    expect(fake.message(original.id)).toEqual(original);
    expect(JSON.stringify(readRecord(bot, dataDir, (db) => db.prepare('SELECT * FROM votes').all()))).not.toContain(ALICE.id);
    // /help tells members what is recorded, for how long, and how it is turned off.
    expect(embed(await final(fake.slashCommand({ name: 'help' }))).description).toMatch(
      /What I record:\*\* each question[\s\S]*for 90 days\. Who asked is not recorded[\s\S]*RECORD_QUESTIONS=false/,
    );
  });

  it('come with the next page of quotes too, counting for the same answer', async () => {
    const dataDir = freshDataDir();
    const { bot } = await startWith({ DATA_DIR: dataDir, ASK_COOLDOWN: 'off' });
    const answer = await final(
      fake.slashCommand({
        name: 'ask',
        options: [
          { name: 'question', value: 'Operation Unifier' },
          { name: 'results', value: 2 },
        ],
      }),
    );
    const more = await click(answer, 'More');
    expect(more.ephemeral).toBe(true);
    await click(more, 'Not helpful');
    expect(await click(answer, 'Not helpful')).toMatchObject({ data: { content: 'You already marked this answer **Not helpful**.' } });
    expect(readRecord(bot, dataDir, (db) => db.prepare('SELECT COUNT(*) FROM votes').pluck().get())).toBe(1);
  });
});

describe('/stats', () => {
  it('shows, after a scripted series of questions, the counts and the unanswered group with how often it was asked', async () => {
    const { bot } = await startWith({ DATA_DIR: freshDataDir(), ASK_COOLDOWN: 'off' });
    for (const q of ['What is the capital of Australia?', 'capital of australia', 'Who won the 1998 World Cup?', "Australia's capital?"])
      await final(ask(q));
    const unifier = await final(ask('what is Operation Unifier'));
    await click(unifier, 'Not helpful');
    await click(unifier, 'Helpful', BOB);
    await answersRecorded(bot, 5);

    const overview = await final(stats(7));
    expect(overview.ephemeral).toBe(true);
    expect(embed(overview).title).toBe('Overview — the last 7 days');
    const text = embed(overview).description!;
    expect(text).toContain('**Questions asked:** 5 (5 with /ask, 0 with Find sources)');
    expect(text).toContain('**Answered:** 20% (1)');
    expect(text).toContain('**Votes:** 1 helpful, 1 not helpful: 50% helpful (on 1 answer)');
    expect(text).toMatch(/\*\*Answer time:\*\* p50 [\d.]+ m?s · p95 [\d.]+ m?s/);
    expect(text).toContain('**Unanswered:** 4 questions in 2 groups by their words');
    expect(embed(overview).footer?.text).toMatch(/^page 1\/\d+ · this server · questions are kept 90 days$/);

    const gaps = await final(fake.button({ customId: button(overview, '▶'), message: messageOf(overview), permissions: MANAGE_GUILD }));
    expect(gaps.callbackType).toBe(InteractionResponseType.UpdateMessage);
    expect(embed(gaps).title).toMatch(/^Unanswered questions, grouped by their words/);
    expect(embed(gaps).description!.split('\n')).toEqual([
      "1. **3×** “Australia's capital?” — australia, capital",
      '2. **1×** “Who won the 1998 World Cup?” — won, 1998, world, cup',
    ]);
    const unhelpful = await final(fake.button({ customId: button(gaps, '▶'), message: messageOf(gaps), permissions: MANAGE_GUILD }));
    expect(embed(unhelpful).title).toBe('Answers voted not helpful — the last 7 days');
    expect(embed(unhelpful).description).toMatch(
      /^1\. \*\*1\*\* not helpful, 1 helpful — “what is Operation Unifier” → \*Canada asked to send/,
    );
  });

  it('is for moderators in a server: Discord refuses it to other members and in DMs, and the bot too if one arrives from a DM', async () => {
    await startWith({ DATA_DIR: freshDataDir() });
    expect(fake.commands(fake.guild.id).find((c) => c.name === 'stats')!.default_member_permissions).toBe(MANAGE_GUILD);
    expect(fake.slashCommand({ name: 'stats' }).refused?.reason).toBe('missing-permissions');
    expect(fake.slashCommand({ name: 'stats', dm: true }).refused).toBeDefined();
    const r = await final(fake.slashCommand({ name: 'stats', dm: true, unchecked: true }));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).description).toMatch(/only in a server/);
  });
});

describe('Find sources', () => {
  const findSources = (message: Parameters<FakeDiscord['messageCommand']>[0]['message'], user = ALICE) =>
    fake.messageCommand({ name: 'Find sources', message, user });

  it('quotes the sentences a long message is about, with citations and the /ask buttons, to the member who asked only', async () => {
    const dataDir = freshDataDir();
    const { bot } = await startWith({ DATA_DIR: dataDir });
    const message =
      'Quick question for the group, since the thread above went in circles: how many CAF members does Canada send ' +
      'to Ukraine every six months under the training mission, and who confirmed the special forces deployment?';
    const r = await final(findSources({ content: message, author: BOB }));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).description).toMatch(
      /^\*\*1\.\*\* As part of Operation UNIFIER, Canada sends a \*\*group\*\* of about 200 \*\*CAF members\*\*/,
    );
    expect(embed(r).description).toMatch(/— \*.+\*/);
    expect(buttons(r).map((b) => b.label)).toEqual(expect.arrayContaining(['Source 1', 'Source 2', 'Helpful', 'Not helpful']));
    // Shown as what was searched: the message's distinctive words, not the message.
    expect(r.data?.content).toMatch(/^> (?:\S+ ){5,11}\S+$/);
    expect(r.data?.content).not.toContain('thread above');
    expect((await click(r, 'Helpful')).data?.content).toBe('Thanks — recorded.');
    await answersRecorded(bot, 1);
    expect(readRecord(bot, dataDir, (db) => db.prepare('SELECT kind, answered, question FROM answers').get())).toEqual({
      kind: 'message',
      answered: 1,
      question: r.data!.content!.slice(2),
    });
  });

  it('asks a short message as it is, and works on the bot’s own messages', async () => {
    await startWith({ DATA_DIR: freshDataDir(), ASK_COOLDOWN: 'off' });
    const short = await final(findSources({ content: 'Leopard 2 tanks?' }));
    expect(short.data?.content).toBe('> Leopard 2 tanks?');
    expect(embed(short).description).toMatch(/\*\*Leopard 2 tanks\*\*/);
    const answer = await final(ask('what is Operation Unifier'));
    const onAnswer = await final(findSources(messageOf(answer)));
    expect(onAnswer.ephemeral).toBe(true);
    expect(embed(onAnswer).description).toMatch(/Unifier/);
  });

  it('gives the usual "no answer" for a message about something the corpus does not cover', async () => {
    await startWith({ DATA_DIR: freshDataDir() });
    const r = await final(
      findSources({
        content:
          'Does anyone know a good pizza place in Chicago with vegan cheese, gluten-free crust and late opening hours near the ' +
          'lakefront? My cousin recommended somewhere with deep dish but I forgot the name, something with a mustache on the logo.',
      }),
    );
    expect(r.ephemeral).toBe(true);
    expect(embed(r).description).toMatch(/No sentence in the corpus answers that/);
    expect(buttons(r)).toEqual([]);
  });

  it('reads the embeds of a message without content, and says why for a message with no words to search', async () => {
    await startWith({ DATA_DIR: freshDataDir(), ASK_COOLDOWN: 'off' });
    const digest = await final(findSources({ content: '', embeds: [{ title: 'Digest', description: 'Leopard 2 tanks' }] }));
    expect(embed(digest).description).toMatch(/\*\*Leopard 2 tanks\*\*/);
    const emoji = await final(findSources({ content: '🙂 !!' }));
    expect(emoji.ephemeral).toBe(true);
    expect(buttons(emoji)).toEqual([]);
    expect(embed(emoji).description).not.toMatch(/\*\*1\.\*\*/);
  });

  it('counts against the cooldown as /ask does', async () => {
    await startWith({ DATA_DIR: freshDataDir(), ASK_COOLDOWN: '1/1m' });
    await final(ask('Operation Unifier', { user: ALICE }));
    const refused = await final(findSources({ content: 'Leopard 2 tanks?' }, ALICE));
    expect(refused.ephemeral).toBe(true);
    expect(embed(refused).description).toMatch(/please try again <t:\d+:R>/);
  });
});

describe('the cooldown', () => {
  it('refuses a member over the limit with a relative time, lets moderators through, and lets the member ask again once it passes', async () => {
    await startWith({ DATA_DIR: freshDataDir(), ASK_COOLDOWN: '2/1500ms' });
    expect(embed(await final(ask('Operation Unifier', { user: ALICE }))).description).toMatch(/Unifier/);
    await final(ask('Leopard 2 tanks', { user: ALICE }));
    const refused = await final(ask('sanctions', { user: ALICE }));
    expect(refused.ephemeral).toBe(true);
    const m = /You have asked 2 questions in the last 1\.5 seconds: please try again <t:(\d+):R>\./.exec(embed(refused).description ?? '');
    expect(m).not.toBeNull();
    const retryAt = Number(m![1]) * 1000;
    expect(retryAt).toBeGreaterThan(Date.now());
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 2500);
    // Someone else, and a moderator, are not held up.
    expect(embed(await final(ask('Leopard 2 tanks', { user: BOB }))).description).toMatch(/Leopard/);
    for (let i = 0; i < 3; i++)
      expect(embed(await final(ask('Leopard 2 tanks', { permissions: MANAGE_GUILD }))).description).toMatch(/Leopard/);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, retryAt - Date.now()) + 50));
    expect(embed(await final(ask('sanctions against Russia', { user: ALICE }))).description).toMatch(/sanction/i);
  });
});

describe('recording turned off', () => {
  it('shows no vote buttons, writes nothing, and says so in /stats and /help', async () => {
    const dataDir = freshDataDir();
    const { logs } = await startWith({ DATA_DIR: dataDir, RECORD_QUESTIONS: 'false', ASK_COOLDOWN: 'off' });
    const answer = await final(ask('what is Operation Unifier'));
    expect(buttons(answer).map((b) => b.label)).toEqual(['Source 1', 'Source 2', 'Source 3', 'More']);
    expect(embed(await final(stats())).description).toMatch(/Questions are not being recorded/);
    expect(embed(await final(fake.slashCommand({ name: 'help' }))).description).toMatch(/What I record:\*\* nothing/);
    expect((await readdir(dataDir)).filter((f) => f.startsWith('verbatim.db') || f === 'record-key')).toEqual([]);
    expect(logs.join('')).toMatch(/not recording questions \(RECORD_QUESTIONS=false\)/);
  });
});

describe('a record that is missing, damaged or cannot be written', () => {
  it('is recreated when the database file was deleted, and answers are unaffected', async () => {
    const dataDir = freshDataDir();
    const first = await startWith({ DATA_DIR: dataDir });
    await final(ask('what is Operation Unifier'));
    await stop(first.bot);
    for (const f of await readdir(dataDir)) if (f.startsWith('verbatim.db')) await rm(path.join(dataDir, f));
    const { bot } = await startWith({ DATA_DIR: dataDir });
    const answer = await final(ask('Leopard 2 tanks'));
    expect(embed(answer).description).toMatch(/Leopard 2 tanks/);
    expect((await click(answer, 'Helpful')).data?.content).toBe('Thanks — recorded.');
    await answersRecorded(bot, 1);
    expect(readRecord(bot, dataDir, (db) => db.prepare('SELECT question FROM answers').pluck().all())).toEqual(['Leopard 2 tanks']);
  });

  it('is moved aside and started afresh when the database file is damaged, saying so in the log, and answers are unaffected', async () => {
    const dataDir = freshDataDir();
    await stop((await startWith({ DATA_DIR: dataDir })).bot);
    await writeFile(recordFile(dataDir), 'overwritten by something else entirely\n'.repeat(200));
    const { bot, logs } = await startWith({ DATA_DIR: dataDir });
    expect(logs.join('')).toMatch(
      /warn {2}the record of questions .*verbatim\.db was damaged \(file is not a database\): moved it to .*verbatim\.db\.corrupt-\d{4}-/,
    );
    expect((await readdir(dataDir)).filter((f) => /^verbatim\.db\.corrupt-[\dT-]+Z$/.test(f))).toHaveLength(1);
    const answer = await final(ask('what is Operation Unifier'));
    expect(embed(answer).description).toMatch(/Operation Unifier/);
    await answersRecorded(bot, 1);
    expect(readRecord(bot, dataDir, (db) => db.prepare('SELECT question FROM answers').pluck().all())).toEqual([
      'what is Operation Unifier',
    ]);
  });

  it('leaves answers unaffected when DATA_DIR is read-only, with one clear warning and no vote buttons', async (ctx) => {
    const dataDir = freshDataDir();
    await mkdir(dataDir);
    if (!makeReadOnly(dataDir)) return ctx.skip();
    try {
      const { logs } = await startWith({ DATA_DIR: dataDir });
      // The health file (src/bot/health.ts) has its own warning; the record says one thing, once.
      const warnings = logs.filter((l) => / warn /.test(l) && /questions|verbatim\.db|record-key/.test(l));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/not recording questions: cannot write .*verbatim\.db .*Answers are not affected/);
      const answer = await final(ask('what is Operation Unifier'));
      expect(embed(answer).description).toMatch(/Operation Unifier/);
      expect(buttons(answer).map((b) => b.label)).not.toContain('Helpful');
      expect((await readdir(dataDir)).filter((f) => f.startsWith('verbatim.db') || f === 'record-key')).toEqual([]);
    } finally {
      makeWritable(dataDir);
    }
  });
});
