/**
 * Help channels that answer themselves (issue 15), end to end: the real
 * discord.js client, started as `startBot` starts it, against the loopback
 * Discord, on a copy of the seed corpus. A moderator turns auto-answers on
 * with /config; members post in a forum and a text channel; the bot answers
 * only confident questions, in the post's thread or in a thread on the
 * question, once per message, never for bots or webhooks, within the
 * channel's rate limit; the settings survive a restart; and when Discord
 * refuses the Message Content intent (4014), slash commands keep working.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GatewayIntentBits, PermissionFlagsBits, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Bot } from '../../src/bot/run.ts';
import { loadSettings } from '../../src/config.ts';
import { DEFAULT_MEMBER_PERMISSIONS } from '../support/fakeDiscordPayloads.ts';
import { pingsNobody, startFakeDiscord, type BotResponse, type FakeDiscord, type InjectedInteraction } from '../support/fakeDiscord.ts';
import { finalReply } from '../support/replies.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild.toString();
const HELP = '1300000000000000701';
const FORUM = '1300000000000000702';
const ALICE = { id: '1300000000000000401', username: 'alice' };
const BOB = { id: '1300000000000000402', username: 'bob' };
const MESSAGE_CONTENT = GatewayIntentBits.MessageContent;

/** Questions with known confidence on the seed corpus. */
const CLEAR = 'What is Operation Unifier?';
const WEAK = 'Who is the prime minister of Australia?';

let dir: string;
let corpusDir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'verbatim-autoanswer-'));
  corpusDir = path.join(dir, 'corpus');
  await cp(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A loopback Discord whose guild has a text channel `help` and a forum `help-forum`. */
function discord(options: { allowedPrivilegedIntents?: number; permissions?: bigint } = {}): Promise<FakeDiscord> {
  return startFakeDiscord({
    ...(options.allowedPrivilegedIntents !== undefined && { allowedPrivilegedIntents: options.allowedPrivilegedIntents }),
    guild: {
      ...(options.permissions !== undefined && { everyonePermissions: options.permissions, botPermissions: options.permissions }),
      channels: [
        { id: HELP, name: 'help', type: 'text' },
        { id: FORUM, name: 'help-forum', type: 'forum' },
      ],
    },
  });
}

/** Starts a bot on the corpus copy with `env` on top; collects what it logs. */
async function start(fake: FakeDiscord, env: Record<string, string>): Promise<{ bot: Bot; logs: string[] }> {
  const logs: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    logs.push(String(chunk));
    return write(chunk, ...(rest as []));
  };
  try {
    const settings = loadSettings({ CORPUS_DIR: corpusDir, SNAPSHOT_DIR: path.join(dir, 'snapshots'), ASK_COOLDOWN: 'off', ...env });
    const bot = await startBot(settings, { token: fake.token, guildId: fake.guild.id, apiBase: fake.restBase, moderatorRoleIds: [] });
    await bot.ready;
    await bot.autoAnswers.settled();
    return { bot, logs };
  } finally {
    process.stderr.write = write;
  }
}

const final = (interaction: InjectedInteraction): Promise<BotResponse> => finalReply(interaction, { timeoutMs: 20_000 });

const configure = (fake: FakeDiscord, channelId: string, enabled: boolean, minConfidence?: number) =>
  final(
    fake.slashCommand({
      name: 'config',
      permissions: MANAGE_GUILD,
      options: [
        {
          name: 'autoanswer',
          options: [
            { name: 'channel', value: channelId },
            { name: 'enabled', value: enabled },
            ...(minConfidence === undefined ? [] : [{ name: 'min_confidence', value: minConfidence }]),
          ],
        },
      ],
    }),
  );
const show = (fake: FakeDiscord) => final(fake.slashCommand({ name: 'config', permissions: MANAGE_GUILD, options: [{ name: 'show' }] }));
const description = (r: BotResponse) => r.data?.embeds?.[0]?.description ?? '';

type Button = { label?: string; custom_id?: string };
const buttonsOf = (m: APIMessage): Button[] => ((m.components ?? []) as Array<{ components: Button[] }>).flatMap((row) => row.components);
const labels = (m: APIMessage) => buttonsOf(m).map((b) => b.label);
const button = (m: APIMessage, label: string) => buttonsOf(m).find((b) => b.label === label)!.custom_id!;

/** The bot's messages in a channel or thread now (deleted ones left out). */
const botMessagesIn = (fake: FakeDiscord, channelId: string) => fake.botMessages(channelId).filter((p) => !p.deleted);

/**
 * Waits until the bot has dealt with everything posted before: it answers a
 * fresh forum post with a clear question, and the messages before it went
 * through the same queue first. Then a little longer, for replies in flight.
 */
async function settle(fake: FakeDiscord, author = BOB): Promise<void> {
  const { thread } = fake.createForumPost({ channelId: FORUM, title: 'Operation Unifier', content: CLEAR, author });
  await fake.waitForMessage({ channelId: thread.id, from: 'bot' }, { timeoutMs: 20_000 });
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('with the Message Content intent enabled in the portal', () => {
  let fake: FakeDiscord;
  let bot: Bot;
  const dataDir = () => path.join(dir, 'data');

  beforeAll(async () => {
    fake = await discord({ allowedPrivilegedIntents: MESSAGE_CONTENT });
    ({ bot } = await start(fake, { DATA_DIR: dataDir(), AUTOANSWER_RATE: '20/1h' }));
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
  });

  it('asks Discord for the message intents only once a moderator turns a channel on', async () => {
    expect(fake.identifies.map((i) => i.intents)).toEqual([GatewayIntentBits.Guilds]);
    const forum = await configure(fake, FORUM, true);
    expect(description(forum)).toContain('New posts in <#' + FORUM + '>');
    expect((forum.message?.flags ?? 0) & 64).toBe(64);
    const text = await configure(fake, HELP, true);
    expect(description(text)).toContain('in a thread started on them');
    expect(description(text)).not.toContain('⚠️');
    const last = fake.identifies.at(-1)!.intents;
    expect(last & MESSAGE_CONTENT && last & GatewayIntentBits.GuildMessages).toBeTruthy();
    const listed = description(await show(fake));
    expect(listed).toContain(`<#${FORUM}>`);
    expect(listed).toContain(`<#${HELP}>`);
    expect(listed).not.toContain('⚠️');
  });

  it('lets only moderators run /config, in a server, on a text channel or a forum', async () => {
    const options = [
      {
        name: 'autoanswer',
        options: [
          { name: 'channel', value: HELP },
          { name: 'enabled', value: true },
        ],
      },
    ];
    expect(fake.slashCommand({ name: 'config', options }).refused?.reason).toBe('missing-permissions');
    expect(fake.slashCommand({ name: 'config', options, dm: true }).refused).toBeDefined();
    const dm = await final(fake.slashCommand({ name: 'config', options: [{ name: 'show' }], dm: true, unchecked: true }));
    expect(description(dm)).toContain('works only in a server');
    const config = fake.commands(fake.guild.id).find((c) => c.name === 'config')!;
    expect(config.default_member_permissions).toBe(MANAGE_GUILD);
    // Discord's channel picker offers text channels (0) and forums (15) only.
    const sub = config.options!.find((o) => o.name === 'autoanswer') as { options?: Array<{ name: string; channel_types?: number[] }> };
    expect(sub.options!.find((o) => o.name === 'channel')!.channel_types).toEqual([0, 15]);
  });

  it('answers a forum post with a clear answer once, in its thread, with the buttons of /ask and pinging nobody', async () => {
    const { thread } = fake.createForumPost({ channelId: FORUM, title: 'Operation Unifier', content: CLEAR, author: ALICE });
    const reply = await fake.waitForMessage({ channelId: thread.id, from: 'bot' }, { timeoutMs: 20_000 });
    expect(reply.content).toContain('Operation Unifier');
    expect(reply.embeds[0]?.description).toMatch(/\*\*1\.\*\*/);
    expect(labels(reply)).toEqual(expect.arrayContaining(['Source 1', 'Helpful', 'Not helpful', 'Ask again with /ask']));
    await settle(fake);
    const posts = botMessagesIn(fake, thread.id);
    expect(posts).toHaveLength(1);
    expect(pingsNobody(posts[0]!.allowedMentions)).toBe(true);
    expect(fake.violations).toEqual([]);
    // Recorded like /ask's answers, as an auto-answer.
    await expect
      .poll(() => {
        bot.record!.flush();
        return bot.record!.db.prepare("SELECT COUNT(*) FROM answers WHERE kind = 'auto' AND answered = 1").pluck().get();
      })
      .toBeGreaterThanOrEqual(2);
  });

  it('leaves a post with only a weak answer, or none, alone', async () => {
    const weak = fake.createForumPost({ channelId: FORUM, title: 'Prime minister', content: WEAK, author: ALICE }).thread;
    const none = fake.createForumPost({
      channelId: FORUM,
      title: 'Capital',
      content: 'What is the capital of Australia?',
      author: ALICE,
    }).thread;
    await settle(fake);
    expect(botMessagesIn(fake, weak.id)).toEqual([]);
    expect(botMessagesIn(fake, none.id)).toEqual([]);
  });

  it('answers a question in a text channel in a thread started on it, never in the channel; a statement gets nothing', async () => {
    const question = fake.postMessage({ channelId: HELP, content: CLEAR, author: ALICE });
    const statement = fake.postMessage({ channelId: HELP, content: 'Operation Unifier was the Canadian training mission.', author: ALICE });
    const reply = await fake.waitForMessage({ channelId: question.id, from: 'bot' }, { timeoutMs: 20_000 });
    // An edit that makes the statement a question is not a new message.
    fake.editMessage(statement.id, { content: 'What was Operation Unifier?' });
    expect(fake.channel(question.id)).toMatchObject({ parent_id: HELP });
    expect(reply.embeds[0]?.description).toMatch(/\*\*1\.\*\*/);
    await settle(fake);
    expect(botMessagesIn(fake, HELP)).toEqual([]);
    expect(fake.threads(HELP).map((t) => t.id)).toEqual([question.id]);
    expect(fake.channel(statement.id)?.type).not.toBe(11);
    expect(fake.violations).toEqual([]);
  });

  it('does not answer a second message in a thread it already answered, in a forum post or a text channel', async () => {
    const { thread } = fake.createForumPost({ channelId: FORUM, title: 'Unifier', content: CLEAR, author: ALICE });
    await fake.waitForMessage({ channelId: thread.id, from: 'bot' }, { timeoutMs: 20_000 });
    fake.postMessage({ channelId: thread.id, content: CLEAR, author: BOB });
    const question = fake.postMessage({ channelId: HELP, content: 'what was Operation Unifier?', author: ALICE });
    await fake.waitForMessage({ channelId: question.id, from: 'bot' }, { timeoutMs: 20_000 });
    fake.postMessage({ channelId: question.id, content: CLEAR, author: BOB });
    await settle(fake);
    expect(botMessagesIn(fake, thread.id)).toHaveLength(1);
    expect(botMessagesIn(fake, question.id)).toHaveLength(1);
  });

  it('ignores another bot’s message and a webhook’s', async () => {
    const fromBot = fake.postMessage({ channelId: HELP, content: CLEAR, kind: 'bot' });
    const fromWebhook = fake.postMessage({ channelId: HELP, content: CLEAR, kind: 'webhook' });
    await settle(fake);
    expect(fake.threads(HELP).map((t) => t.id)).not.toContain(fromBot.id);
    expect(fake.threads(HELP).map((t) => t.id)).not.toContain(fromWebhook.id);
  });

  it('removes the answer for everyone when the member who asked clicks "Not helpful"; anyone else’s click only counts as a vote', async () => {
    const { thread } = fake.createForumPost({ channelId: FORUM, title: 'Operation Unifier', content: CLEAR, author: ALICE });
    const reply = await fake.waitForMessage({ channelId: thread.id, from: 'bot' }, { timeoutMs: 20_000 });
    const other = await final(fake.button({ customId: button(reply, 'Not helpful'), message: reply, user: BOB, channelId: thread.id }));
    expect((other.data?.flags ?? 0) & 64).toBe(64);
    expect(fake.message(reply.id)).toBeDefined();
    const mine = await final(fake.button({ customId: button(reply, 'Not helpful'), message: reply, user: ALICE, channelId: thread.id }));
    expect(mine.data?.embeds?.[0]?.title).toBe('Removed');
    await expect.poll(() => fake.message(reply.id), { timeout: 5000 }).toBeUndefined();
    expect(botMessagesIn(fake, thread.id)).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('"Ask again with /ask" tells the clicker how, privately', async () => {
    const { thread } = fake.createForumPost({ channelId: FORUM, title: 'Operation Unifier', content: CLEAR, author: ALICE });
    const reply = await fake.waitForMessage({ channelId: thread.id, from: 'bot' }, { timeoutMs: 20_000 });
    const hint = await final(
      fake.button({ customId: button(reply, 'Ask again with /ask'), message: reply, user: ALICE, channelId: thread.id }),
    );
    expect((hint.data?.flags ?? 0) & 64).toBe(64);
    expect(hint.data?.embeds?.[0]?.description).toContain('/ask');
  });

  it('keeps its settings across a restart, and holds the channel’s rate limit', async () => {
    await bot.stop();
    ({ bot } = await start(fake, { DATA_DIR: dataDir(), AUTOANSWER_RATE: '1/1h' }));
    expect(fake.identifies.at(-1)!.intents & MESSAGE_CONTENT).toBeTruthy();
    const first = fake.createForumPost({ channelId: FORUM, title: 'Operation Unifier', content: CLEAR, author: ALICE }).thread;
    await fake.waitForMessage({ channelId: first.id, from: 'bot' }, { timeoutMs: 20_000 });
    const second = fake.createForumPost({ channelId: FORUM, title: 'Operation Unifier again', content: CLEAR, author: BOB }).thread;
    // The text channel has a limit of its own: its question is answered, which shows the forum post before it was dealt with.
    const question = fake.postMessage({ channelId: HELP, content: CLEAR, author: ALICE });
    await fake.waitForMessage({ channelId: question.id, from: 'bot' }, { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(botMessagesIn(fake, second.id)).toEqual([]);
  });
});

describe('when Discord refuses the Message Content intent (4014)', () => {
  let fake: FakeDiscord;
  let bot: Bot;
  let logs: string[];

  beforeAll(async () => {
    // A server where the bot's role (and @everyone) may neither start threads nor post in them.
    const permissions = DEFAULT_MEMBER_PERMISSIONS & ~(PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.SendMessagesInThreads);
    fake = await discord({ permissions });
    ({ bot, logs } = await start(fake, { DATA_DIR: path.join(dir, 'data-refused'), AUTOANSWER: 'on' }));
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
  });

  it('logs one clear line, keeps slash commands working, and /config says why auto-answers are off', async () => {
    const refusals = logs
      .join('')
      .split('\n')
      .filter((l) => l.includes('Discord refused the Message Content intent'));
    expect(refusals).toHaveLength(1);
    expect(fake.connected).toBe(true);
    expect(
      fake
        .sessions()
        .filter((s) => s.connected)
        .map((s) => s.intents),
    ).toEqual([GatewayIntentBits.Guilds]);
    const answer = await final(fake.slashCommand({ name: 'ask', options: [{ name: 'question', value: CLEAR }] }));
    expect(answer.data?.embeds?.[0]?.description).toMatch(/\*\*1\.\*\*/);
    const status = description(await show(fake));
    expect(status).toContain('Discord refused the **Message Content** intent');
    expect(status).toContain('Developer Portal');
  });

  it('tries again when a moderator turns a channel on, and says why it still cannot answer: the intent, and the permissions it lacks there', async () => {
    const reply = description(await configure(fake, HELP, true));
    expect(reply).toContain('Discord refused the **Message Content** intent');
    expect(reply).toContain(`I am missing **Create Public Threads**, **Send Messages in Threads** in <#${HELP}>`);
    expect(
      fake
        .sessions()
        .filter((s) => s.connected)
        .map((s) => s.intents),
    ).toEqual([GatewayIntentBits.Guilds]);
    const answer = await final(fake.slashCommand({ name: 'ask', options: [{ name: 'question', value: CLEAR }] }));
    expect(answer.data?.embeds?.[0]?.description).toMatch(/\*\*1\.\*\*/);
  });
});
