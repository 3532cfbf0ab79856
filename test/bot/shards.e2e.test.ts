/**
 * `npm start` with SHARDS: the compiled bot runs discord.js's ShardingManager
 * against the loopback Discord, one process per shard, each guild served by
 * its own shard. Needs `npm run build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guildIdOnShard, startFakeDiscord, type BotResponse, type FakeDiscord, type InjectedInteraction } from '../support/fakeDiscord.ts';
import { isFinalReply } from '../support/replies.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ON_0 = guildIdOnShard(0, 2);
const ON_1 = guildIdOnShard(1, 2);

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The ShardingManager's process (npm's child): the one a supervisor signals. */
function managerPid(started: Started): number {
  const pid = /manager process (\d+)/.exec(started.output())?.[1];
  if (!pid) throw new Error(`no manager process in the output:\n${started.output()}`);
  return Number(pid);
}

function npmStart(env: Record<string, string>): Started {
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, detached: true, env: { ...process.env, ASK_COOLDOWN: 'off', ...env } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The exit code of npm, or a failure after `ms` (the test then fails instead of hanging). */
function exitWithin(started: Started, ms = 30_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`npm start did not exit within ${ms} ms; output:\n${started.output()}`)), ms);
  });
  return Promise.race([started.exited, timeout]).finally(() => clearTimeout(timer));
}

/** Kills whatever is left of the process group npm leads (manager and shards), after a failed test. */
function killGroup(started: Started): void {
  try {
    process.kill(-started.child.pid!, 'SIGKILL');
  } catch {
    // the group has exited
  }
}

async function until(what: string, check: () => boolean, started: Started, timeoutMs = 40_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const final = (interaction: InjectedInteraction): Promise<BotResponse> =>
  interaction.waitFor((r) => r.ok && isFinalReply(r), { timeoutMs: 30_000 });

function description(r: BotResponse): string {
  return r.data?.embeds?.[0]?.description ?? '';
}

/**
 * About `bytes` of English-looking prose, different for each `seed` (a
 * linear congruential generator), so a corpus can be made large without
 * repeating one sentence.
 */
function filler(seed: number, bytes: number): string {
  const words = ['harbor', 'river', 'council', 'bridge', 'market', 'garden', 'tower', 'station', 'mill', 'chapel', 'school', 'road'];
  const verbs = ['opened', 'rebuilt', 'painted', 'moved', 'sold', 'extended', 'repaired', 'named'];
  let state = seed * 7919 + 1;
  const pick = <T>(list: T[]): T => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return list[state % list.length]!;
  };
  let text = `Town records ${seed}\n\n`;
  while (text.length < bytes) {
    const year = 1800 + (state % 200);
    text += `The ${pick(words)} by the ${pick(words)} was ${pick(verbs)} in ${year} after the ${pick(words)} was ${pick(verbs)}. `;
    if (text.length % 7 === 0) text += '\n\n';
  }
  return `${text}\n`;
}

let corpusDir: string;

beforeAll(async () => {
  corpusDir = await mkdtemp(path.join(tmpdir(), 'verbatim-shards-'));
  await cp(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
});

afterAll(async () => {
  for (const suffix of ['', '-data']) await rm(`${corpusDir}${suffix}`, { recursive: true, force: true });
});

describe('SHARDS=2', () => {
  let fake: FakeDiscord;
  let bot: Started;
  const shardPid = (id: number): number[] =>
    [...bot.output().matchAll(new RegExp(`shard ${id} of 2 is ready \\(process (\\d+)\\)`, 'g'))].map((m) => Number(m[1]));
  const ask = (guildId: string, question: string) =>
    final(fake.slashCommand({ name: 'ask', guildId, options: [{ name: 'question', value: question }] }));

  beforeAll(async () => {
    fake = await startFakeDiscord({ shards: 2, extraGuilds: [{ id: ON_0 }, { id: ON_1 }] });
    bot = npmStart({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      CORPUS_DIR: corpusDir,
      DATA_DIR: `${corpusDir}-data`,
      SHARDS: '2',
      // The loopback Discord's CDN serves attachments from 127.0.0.1.
      FETCH_ALLOW_HOSTS: '127.0.0.1',
    });
    await until('both shards ready', () => shardPid(0).length > 0 && shardPid(1).length > 0, bot, 50_000);
    await fake.waitForSession({ shards: 2, timeoutMs: 20_000 });
  });

  afterAll(async () => {
    killGroup(bot);
    await fake?.close();
  });

  it('answers /ask in guilds served by different shard processes', async () => {
    const on0 = fake.slashCommand({ name: 'ask', guildId: ON_0, options: [{ name: 'question', value: 'what is Operation Unifier' }] });
    const on1 = fake.slashCommand({ name: 'ask', guildId: ON_1, options: [{ name: 'question', value: 'what is Operation Unifier' }] });
    expect([on0.shard, on1.shard]).toEqual([0, 1]);
    expect(description(await final(on0))).toMatch(/Unifier/);
    expect(description(await final(on1))).toMatch(/Unifier/);
    expect(shardPid(0)[0]).not.toBe(shardPid(1)[0]);
  });

  it('/reload in one shard makes an article added to the corpus answerable in the other, and reports every shard', async () => {
    await writeFile(
      path.join(corpusDir, 'zz_quillfern.txt'),
      'Quillfern Lighthouse\n\nThe Quillfern lighthouse was painted green in 1911 by the harbor master of Quillfern Bay.\n',
    );
    const before = await ask(ON_0, 'who painted the Quillfern lighthouse');
    expect(description(before)).not.toMatch(/Quillfern/);
    const reload = await final(fake.slashCommand({ name: 'reload', guildId: ON_1, permissions: PermissionFlagsBits.ManageGuild }));
    const text = description(reload);
    expect(text).toMatch(/\*\*Shards:\*\* 2 of 2 reloaded; slowest/);
    expect(text).toMatch(/Shard 0: .*articles/);
    expect(text).toMatch(/Shard 1: .*articles/);
    expect(description(await ask(ON_0, 'who painted the Quillfern lighthouse'))).toMatch(/Quillfern/);
  });

  it('/corpus add in one shard makes the added document answerable in the other', async () => {
    const data = Buffer.from(
      'Marrowby Weir\n\nThe Marrowby weir was rebuilt in stone after the flood of 1873 washed the timber one away.\n',
    );
    const add = fake.slashCommand({
      name: 'corpus',
      guildId: ON_0,
      permissions: PermissionFlagsBits.ManageGuild,
      options: [{ name: 'add', options: [{ name: 'file', attachment: { filename: 'marrowby.txt', data } }] }],
    });
    expect(description(await final(add))).not.toMatch(/Nothing was added/);
    expect(description(await ask(ON_1, 'when was the Marrowby weir rebuilt in stone'))).toMatch(/Marrowby/);
    expect(bot.output()).toMatch(/\[shard 0\] .*corpus/);
  });

  it('keeps answering in both shards while a large reload is built beside the index in use, then serves it in both', async () => {
    // Well over the 256 KiB applied in place: each shard builds the new index in a second worker.
    await mkdir(path.join(corpusDir, 'bulk'));
    for (let f = 0; f < 40; f++) await writeFile(path.join(corpusDir, 'bulk', `part-${f}.txt`), filler(f, 40_000));
    await writeFile(
      path.join(corpusDir, 'bulk', 'vellacourt.txt'),
      'Vellacourt Observatory\n\nThe Vellacourt observatory closed its dome to visitors in 1931.\n',
    );
    let reloaded = false;
    const reload = final(fake.slashCommand({ name: 'reload', guildId: ON_0, permissions: PermissionFlagsBits.ManageGuild })).finally(
      () => (reloaded = true),
    );
    const answeredDuring: string[] = [];
    for (let i = 0; !reloaded; i++) {
      const guild = i % 2 === 0 ? ON_0 : ON_1;
      const answer = description(await ask(guild, 'what is Operation Unifier'));
      expect(answer).toMatch(/Unifier/);
      if (!reloaded) answeredDuring.push(guild);
    }
    expect(description(await reload)).toMatch(/\*\*Shards:\*\* 2 of 2 reloaded/);
    expect(answeredDuring).toContain(ON_0);
    expect(answeredDuring).toContain(ON_1);
    for (const guild of [ON_0, ON_1])
      expect(description(await ask(guild, 'when did the Vellacourt observatory close'))).toMatch(/Vellacourt/);
  });

  it('starts a shard again when its process dies, and its guild is answered again', async () => {
    const [pid] = shardPid(1);
    process.kill(pid!, 'SIGKILL');
    await until('shard 1 started again', () => shardPid(1).length > 1, bot, 50_000);
    expect(bot.output()).toMatch(/shard 1 exited \(SIGKILL\); starting it again/);
    await fake.waitForSession({ shards: 2, timeoutMs: 20_000 });
    expect(description(await ask(ON_1, 'who painted the Quillfern lighthouse'))).toMatch(/Quillfern/);
  });

  it('stops every shard and exits cleanly on SIGTERM', async () => {
    const pids = [shardPid(0).at(-1)!, shardPid(1).at(-1)!];
    // The manager alone is signalled: it asks each shard to log out.
    process.kill(managerPid(bot), 'SIGTERM');
    expect(await exitWithin(bot)).toBe(0);
    expect(bot.output()).toMatch(/every shard has stopped/);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('SHARDS=auto and bad values', () => {
  it("runs as many shards as the loopback Discord's GET /gateway/bot recommends", async () => {
    const fake = await startFakeDiscord({ shards: 2 });
    const bot = npmStart({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      CORPUS_DIR: corpusDir,
      DATA_DIR: `${corpusDir}-data`,
      SHARDS: 'auto',
    });
    try {
      await fake.waitForSession({ shards: 2, timeoutMs: 50_000 });
      expect(bot.output()).toMatch(/starting 2 shards \(Discord's recommendation\)/);
      process.kill(managerPid(bot), 'SIGTERM');
      expect(await exitWithin(bot)).toBe(0);
    } finally {
      killGroup(bot);
      await fake.close();
    }
  });

  it('logs every shard out when the manager itself is killed, leaving no process behind', async () => {
    const fake = await startFakeDiscord({ shards: 2 });
    const bot = npmStart({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      CORPUS_DIR: corpusDir,
      DATA_DIR: `${corpusDir}-data`,
      SHARDS: '2',
    });
    const pids = () => [...bot.output().matchAll(/is ready \(process (\d+)\)/g)].map((m) => Number(m[1]));
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      await until('both shards ready', () => pids().length === 2, bot, 50_000);
      process.kill(managerPid(bot), 'SIGKILL');
      await until('the shards to exit', () => !pids().some(alive), bot, 20_000);
      expect(bot.output()).toMatch(/\[shard 1\] SIGTERM: logging out/);
    } finally {
      killGroup(bot);
      await fake.close();
    }
  });

  it('refuses a SHARDS value that is neither auto nor a shard count, saying what it accepts', async () => {
    const bot = npmStart({
      DISCORD_TOKEN: 'MTExMTExMTExMTExMTExMTEx.GwRoNg.wrongwrongwrongwrongwrongwrongwrong12',
      CORPUS_DIR: corpusDir,
      SHARDS: 'two',
    });
    expect(await exitWithin(bot)).toBe(1);
    expect(bot.output().trim()).toBe('verbatim: SHARDS must be auto or a whole number from 1 to 64 (got 3 characters: letters)');
  });
});
