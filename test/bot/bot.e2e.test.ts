/**
 * The bot end to end: the real discord.js Client, started as the bot starts,
 * against the Discord-compatible server in test/support, answering from a
 * copy of the real corpus on disk.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Bot } from '../../src/bot/run.ts';
import { loadSettings } from '../../src/config.ts';
import { pingsNobody, startFakeDiscord, type BotResponse, type FakeDiscord, type InjectedInteraction } from '../support/fakeDiscord.ts';
import { finalReply, firstEmbed, replyButtons } from '../support/replies.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MODERATOR_ROLE = '222222222222222222';
const GRANTED_ROLE = '333333333333333333';
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild.toString();

let fake: FakeDiscord;
let bot: Bot;
let corpusDir: string;

beforeAll(async () => {
  corpusDir = await mkdtemp(path.join(tmpdir(), 'verbatim-bot-'));
  await cp(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
  fake = await startFakeDiscord({
    guild: {
      roles: [
        { id: MODERATOR_ROLE, name: 'moderators' },
        { id: GRANTED_ROLE, name: 'librarians' },
      ],
    },
  });
  const settings = loadSettings(botEnv());
  bot = await startBot(settings, { token: fake.token, guildId: fake.guild.id, apiBase: fake.restBase, moderatorRoleIds: [MODERATOR_ROLE] });
  await bot.ready;
});

/** The bot's settings: its own data folder beside the corpus copy, and no cooldown (these tests ask many questions quickly). */
function botEnv(): Record<string, string> {
  return {
    CORPUS_DIR: corpusDir,
    SNAPSHOT_DIR: path.join(corpusDir, '..', path.basename(corpusDir) + '-snapshots'),
    DATA_DIR: `${corpusDir}-data`,
    ASK_COOLDOWN: 'off',
  };
}

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await rm(corpusDir, { recursive: true, force: true });
  await rm(`${corpusDir}-snapshots`, { recursive: true, force: true });
  await rm(`${corpusDir}-data`, { recursive: true, force: true });
});

const final = (interaction: InjectedInteraction): Promise<BotResponse> => finalReply(interaction);

const embed = firstEmbed;
const buttons = replyButtons;
const messageOf = (r: BotResponse): APIMessage => {
  expect(r.message).toBeDefined();
  return r.message!;
};
const ask = (question: string, extra: Record<string, unknown> = {}) =>
  fake.slashCommand({
    name: 'ask',
    options: [{ name: 'question', value: question }, ...Object.entries(extra).map(([name, value]) => ({ name, value: value as string }))],
  });

describe('start-up', () => {
  it('registers every command in the guild, /reload, /stats, /corpus and /config for Manage Server only', () => {
    const commands = fake.commands(fake.guild.id);
    expect(commands.map((c) => c.name).sort()).toEqual(['Find sources', 'ask', 'config', 'corpus', 'help', 'reload', 'source', 'stats']);
    for (const name of ['reload', 'stats', 'corpus', 'config'])
      expect(commands.find((c) => c.name === name)!.default_member_permissions).toBe(MANAGE_GUILD);
    expect(commands.find((c) => c.name === 'Find sources')!.type).toBe(3); // a message command
    expect(fake.identifies[0]!.intents).toBe(1); // Guilds only
  });
});

describe('/ask', () => {
  it('answers with numbered quotes, matched words in bold, citations, Source buttons and More', async () => {
    const r = await final(ask('what is Operation Unifier'));
    const e = embed(r);
    expect(e.description).toMatch(/\*\*1\.\*\* .*\*\*Operation Unifier\*\*/);
    expect(e.description).toMatch(/— \*Canada asked to send/);
    expect(e.footer?.text).toMatch(/Searched \d+ sentences in/);
    expect(r.data?.content).toBe('> what is Operation Unifier');
    expect(buttons(r).map((b) => b.label)).toEqual(['Source 1', 'Source 2', 'Source 3', 'More', 'Helpful', 'Not helpful']);
    expect(pingsNobody(r.allowedMentions)).toBe(true);
    expect(r.ephemeral).toBe(false);
  });

  it('forgives a typo and says how it read it', async () => {
    const r = await final(ask('what is operation unifer'));
    expect(embed(r).description).toMatch(/Unifier/);
    expect(embed(r).footer?.text).toMatch(/read "unifer" as "unifier"/);
  });

  it('answers privately when asked to', async () => {
    const r = await final(ask('Operation Unifier', { private: true, results: 1 }));
    expect(r.ephemeral).toBe(true);
    expect(buttons(r).map((b) => b.label)).toEqual(['Source 1', 'More', 'Helpful', 'Not helpful']);
  });

  it('offers a weak match as "Closest matches, not a clear answer", not as an answer', async () => {
    const clear = embed(await final(ask('what is Operation Unifier')));
    expect(clear.title).toBeUndefined();
    // "prime minister" is in the corpus, "Australia" is not: half the question's words at best.
    const weak = embed(await final(ask('who is the prime minister of Australia')));
    expect(weak.title).toBe('Closest matches, not a clear answer');
    expect(weak.description).toMatch(/\*\*Prime Minister\*\*/i);
    expect(weak.color).not.toBe(clear.color);
  });

  it('says kindly when nothing answers the question', async () => {
    const r = await final(ask('What is the capital of Australia?'));
    expect(embed(r).description).toMatch(/No sentence in the corpus answers that/);
    expect(buttons(r)).toEqual([]);
  });

  it('refuses an empty question with an ephemeral hint', async () => {
    const r = await final(ask('   '));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).description).toMatch(/Please type a question/);
  });

  it('refuses an over-long question with an ephemeral error, even from a client that skips the length check', async () => {
    const r = await final(fake.slashCommand({ name: 'ask', options: [{ name: 'question', value: 'why '.repeat(100) }], unchecked: true }));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).description).toMatch(/keep it under 300/);
  });

  it('never pings anyone named in a question', async () => {
    const r = await final(ask('@everyone <@123456789012345678> <@&222222222222222222> what is Operation Unifier'));
    expect(r.data?.content).toContain('@everyone');
    expect(pingsNobody(r.allowedMentions)).toBe(true);
  });
});

describe('answer buttons', () => {
  it('"Source N" opens the article at that quote, marked, for the clicker only', async () => {
    const answer = await final(ask('Leopard 2 tanks'));
    const source1 = buttons(answer).find((b) => b.label === 'Source 1')!;
    const r = await final(fake.button({ customId: source1.custom_id!, message: messageOf(answer) }));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).title).toBe('Canada ready to send its troops to Ukraine to train soldiers');
    expect(embed(r).description).toMatch(/▶ __\*\*Specifically, the country has provided Leopard 2 tanks/);
    expect(pingsNobody(r.allowedMentions)).toBe(true);
  });

  it('"More" shows the next quotes to the clicker', async () => {
    const answer = await final(ask('Operation Unifier', { results: 2 }));
    const more = buttons(answer).find((b) => b.label === 'More')!;
    const r = await final(fake.button({ customId: more.custom_id!, message: messageOf(answer) }));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).description).toMatch(/^(?:-# .*\n)?\*\*3\.\*\*/);
    expect(embed(r).description).not.toEqual(embed(answer).description);
  });
});

describe('/source', () => {
  it('autocompletes titles by what was typed, and lists the first titles for empty input', async () => {
    const typed = await fake
      .autocomplete({ name: 'source', options: [{ name: 'article', value: 'carney', focused: true }] })
      .nextResponse();
    expect(typed.choices?.[0]?.name).toBe('Carney Visits Ukraine as Canada Considers Troop Deployment for Peacekeeping');
    expect(typed.choices?.[0]?.value).toBe('004_443b68cf12906582');
    const empty = await fake.autocomplete({ name: 'source', options: [{ name: 'article', value: '', focused: true }] }).nextResponse();
    expect(empty.choices).toHaveLength(5);
  });

  it('pages through an article with ◀ ▶', async () => {
    const first = await final(fake.slashCommand({ name: 'source', options: [{ name: 'article', value: '004_443b68cf12906582' }] }));
    expect(embed(first).footer?.text).toMatch(/^page 1\/2/);
    const next = buttons(first).find((b) => b.label === '▶')!;
    const r = await final(fake.button({ customId: next.custom_id!, message: messageOf(first) }));
    expect(r.callbackType).toBe(7); // UPDATE_MESSAGE: the same message turns its page
    expect(embed(r).footer?.text).toMatch(/^page 2\/2/);
    expect(buttons(r).find((b) => b.label === '▶')!.disabled).toBe(true);
  });

  it('answers an unknown article with an ephemeral error and suggestions', async () => {
    const r = await final(fake.slashCommand({ name: 'source', options: [{ name: 'article', value: 'Carney visit' }] }));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).description).toMatch(/There is no article "Carney visit"[\s\S]*Did you mean:[\s\S]*Carney Visits Ukraine/);
  });
});

describe('/reload', () => {
  it('is not offered to a member without Manage Server: Discord refuses it', async () => {
    const invocation = fake.slashCommand({ name: 'reload' });
    expect(invocation.refused?.reason).toBe('missing-permissions');
  });

  it('works for a role that a server admin granted the command to, without Manage Server', async () => {
    fake.grantCommand({ command: 'reload', roleId: GRANTED_ROLE });
    const r = await final(fake.slashCommand({ name: 'reload', roles: [GRANTED_ROLE] }));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).title).toBe('Corpus reloaded');
  });

  it('is guild-only: Discord refuses it in DMs, and the bot too if one arrives', async () => {
    expect(fake.slashCommand({ name: 'reload', dm: true }).refused).toBeDefined();
    const r = await final(fake.slashCommand({ name: 'reload', dm: true, unchecked: true }));
    expect(embed(r).description).toMatch(/only in a server/);
  });

  it('picks up a new article for a moderator, and reports counts before → after', async () => {
    const before = await final(ask('What did the committee decide about the lighthouse?'));
    expect(embed(before).description).toMatch(/No sentence/);
    await writeFile(
      path.join(corpusDir, 'lighthouse.md'),
      '---\ntitle: Lighthouse restored\nsource: Harbour Times\n---\nThe committee decided to restore the old lighthouse by spring.\n',
    );
    const r = await final(fake.slashCommand({ name: 'reload', permissions: MANAGE_GUILD }));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).description).toMatch(/\*\*Articles:\*\* 5 → 6/);
    expect(embed(r).description).toMatch(/1 added/);
    const after = await final(ask('What did the committee decide about the lighthouse?'));
    expect(embed(after).description).toMatch(/restore the old \*\*lighthouse\*\*/);
    expect(embed(after).description).toMatch(/Harbour Times/);
  });

  it('skips and reports a broken file, and keeps answering from the rest', async () => {
    await writeFile(path.join(corpusDir, 'broken.txt'), Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x00]));
    const r = await final(fake.slashCommand({ name: 'reload', permissions: MANAGE_GUILD }));
    expect(embed(r).description).toMatch(/Skipped 1:[\s\S]*broken\.txt/);
    const still = await final(ask('what is Operation Unifier'));
    expect(embed(still).description).toMatch(/Operation Unifier/);
    await rm(path.join(corpusDir, 'broken.txt'));
  });

  it('keeps answering while a reload runs', async () => {
    const reload = fake.slashCommand({ name: 'reload', permissions: MANAGE_GUILD });
    const question = ask('Leopard 2 tanks');
    const [answer] = await Promise.all([final(question), final(reload)]);
    expect(embed(answer).description).toMatch(/Leopard 2 tanks/);
  });

  it('never pings anyone named in the corpus', async () => {
    await writeFile(
      path.join(corpusDir, 'pings.txt'),
      'Ping test\n\nThe quartermaster wrote @everyone and <@123456789012345678> on the supply board.\n',
    );
    await final(fake.slashCommand({ name: 'reload', permissions: MANAGE_GUILD }));
    const r = await final(ask('what did the quartermaster write on the supply board'));
    expect(embed(r).description).toMatch(/@everyone/);
    expect(pingsNobody(r.allowedMentions)).toBe(true);
  });

  it('answers an old Source button for a removed article with an ephemeral error', async () => {
    const answer = await final(ask('lighthouse committee'));
    const source1 = buttons(answer).find((b) => b.label === 'Source 1')!;
    await rm(path.join(corpusDir, 'lighthouse.md'));
    const reload = await final(fake.slashCommand({ name: 'reload', permissions: MANAGE_GUILD }));
    expect(embed(reload).description).toMatch(/1 removed/);
    const r = await final(fake.button({ customId: source1.custom_id!, message: messageOf(answer) }));
    expect(r.ephemeral).toBe(true);
    expect(embed(r).description).toMatch(/no longer in the corpus/);
  });
});

describe('failures and restarts', () => {
  it('keeps the old index and says why when a reload fails', async () => {
    const moved = `${corpusDir}-moved`;
    await rename(corpusDir, moved);
    try {
      const r = await final(fake.slashCommand({ name: 'reload', permissions: MANAGE_GUILD }));
      expect(embed(r).title).toBe('Reload failed');
      expect(embed(r).description).toMatch(/corpus directory not found[\s\S]*previous index is still in use/);
      const still = await final(ask('what is Operation Unifier'));
      expect(embed(still).description).toMatch(/Operation Unifier/);
    } finally {
      await rename(moved, corpusDir);
    }
  });

  it('keeps answer buttons working after the bot restarts (their state is in the custom id)', async () => {
    const answer = await final(ask('Operation Unifier', { results: 2 }));
    await bot.stop();
    bot = await startBot(loadSettings(botEnv()), {
      token: fake.token,
      guildId: fake.guild.id,
      apiBase: fake.restBase,
      moderatorRoleIds: [MODERATOR_ROLE],
    });
    await bot.ready;
    const source1 = buttons(answer).find((b) => b.label === 'Source 1')!;
    const opened = await final(fake.button({ customId: source1.custom_id!, message: messageOf(answer) }));
    expect(embed(opened).description).toMatch(/▶ __\*\*.*Operation \\?Unifier/i);
    const more = buttons(answer).find((b) => b.label === 'More')!;
    const next = await final(fake.button({ customId: more.custom_id!, message: messageOf(answer) }));
    expect(embed(next).description).toMatch(/\*\*3\.\*\*/);
  });
});

describe('/help', () => {
  it('explains the commands', async () => {
    const r = await final(fake.slashCommand({ name: 'help' }));
    expect(embed(r).description).toMatch(/\/ask[\s\S]*\/source[\s\S]*\/reload/);
  });
});

/** Polls `check` until it holds (the child process works at its own pace). */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start with a token', () => {
  it('starts the bot as a user would, registers commands, answers, and logs out on SIGTERM without printing the token', async () => {
    const own = await startFakeDiscord();
    try {
      // A process group of its own: a terminal's Ctrl-C or a service manager signals the whole group,
      // which is how the signal reaches node under `npm start` (npm runs the script through `sh -c`).
      const child = spawn('npm', ['start', '--silent'], {
        cwd: ROOT,
        detached: true,
        env: {
          ...process.env,
          DISCORD_TOKEN: own.token,
          DISCORD_API_BASE: own.restBase,
          DISCORD_GUILD_ID: own.guild.id,
          CORPUS_DIR: path.join(ROOT, 'corpus'),
          DATA_DIR: `${corpusDir}-data`,
        },
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      await until(() => own.commands(own.guild.id).length === 8 && own.connected, 'command registration');
      const r = await final(own.slashCommand({ name: 'ask', options: [{ name: 'question', value: 'what is Operation Unifier' }] }));
      expect(JSON.stringify(r.data)).toMatch(/Operation Unifier/);
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      expect(output).toMatch(/registered 8 commands in guild/);
      expect(output).toMatch(/SIGTERM: logging out/);
      expect(own.connected).toBe(false);
      expect(output).not.toContain(own.token);
    } finally {
      await own.close();
    }
  });

  it('stops with one clear line and exit code 1 on a malformed token, without echoing it', async () => {
    const secret = 'not-a-token-but-secret-123';
    const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { ...process.env, DISCORD_TOKEN: secret } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      'verbatim: DISCORD_TOKEN does not look like a bot token (three dot-separated parts; copy it from the Developer Portal, Bot page)',
    );
    expect(output).not.toContain(secret);
  });

  it('stops on a non-numeric guild id', async () => {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789',
        DISCORD_GUILD_ID: 'my-server',
      },
    });
    let output = '';
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/DISCORD_GUILD_ID must be a numeric Discord id/);
  });
});
