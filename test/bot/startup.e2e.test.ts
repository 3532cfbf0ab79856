/**
 * `npm start` when starting goes wrong: the process must say what failed in
 * one line, never print the token whatever path the error took, and exit
 * non-zero within seconds so that a supervisor restarts it.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verbatim } from '../cli/runCli.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Well-formed, and not the token the loopback Discord accepts. */
const WRONG_TOKEN = 'MTExMTExMTExMTExMTExMTEx.GwRoNg.wrongwrongwrongwrongwrongwrongwrong12';

interface Run {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs `npm start` with `env` until it exits (or 20 s pass, which fails the test). */
function npmStart(env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, CORPUS_DIR: path.join(ROOT, 'corpus'), DATA_DIR: path.join(ROOT, '.verbatim', 'startup-test'), ...env },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`npm start did not exit within 20 s; output:\n${output}`));
    }, 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

let fake: FakeDiscord;
/** A proxy that refuses every request and echoes its headers back, as misconfigured proxies do. */
let echo: Server;
let echoBase: string;

beforeAll(async () => {
  fake = await startFakeDiscord();
  echo = createServer((req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `Bad request (you sent ${JSON.stringify(req.headers)})`, code: 0 }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoBase = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  await fake?.close();
  await new Promise((resolve) => echo?.close(resolve));
});

describe('npm start when Discord refuses the login', () => {
  it('says so in one line and exits with code 1 within seconds, without the token', async () => {
    const run = await npmStart({ DISCORD_TOKEN: WRONG_TOKEN, DISCORD_API_BASE: fake.restBase, DISCORD_GUILD_ID: fake.guild.id });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/verbatim: could not log in to Discord/);
    expect(run.output).not.toContain(WRONG_TOKEN);
    expect(fake.connected).toBe(false);
  });

  it('masks the token when the refusal echoes the request headers back', async () => {
    const run = await npmStart({ DISCORD_TOKEN: WRONG_TOKEN, DISCORD_API_BASE: echoBase, DISCORD_GUILD_ID: fake.guild.id });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/could not log in to Discord: .*\[redacted\]/);
    expect(run.output).not.toContain(WRONG_TOKEN);
    expect(run.output).not.toContain(WRONG_TOKEN.toLowerCase());
  });
});

describe('npm start with the token in the wrong setting', () => {
  for (const name of ['DISCORD_CLIENT_ID', 'DISCORD_GUILD_ID', 'MODERATOR_ROLE_IDS']) {
    it(`names ${name} and never echoes its value`, async () => {
      const run = await npmStart({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.restBase, [name]: WRONG_TOKEN });
      expect(run.code).toBe(1);
      expect(run.output.trim()).toBe(`verbatim: ${name} holds what looks like a bot token; the token belongs in DISCORD_TOKEN only`);
    });
  }

  it('names DISCORD_API_BASE when the token was pasted into the URL, before any look-up could print it', async () => {
    const run = await npmStart({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: `https://${WRONG_TOKEN}/api` });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/DISCORD_API_BASE holds what looks like a bot token/);
    expect(run.output).not.toContain(WRONG_TOKEN);
    expect(run.output).not.toContain(WRONG_TOKEN.toLowerCase());
  });

  it('describes a malformed id without repeating it', async () => {
    const run = await npmStart({ DISCORD_TOKEN: fake.token, DISCORD_CLIENT_ID: 'my-secret-application' });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/DISCORD_CLIENT_ID must be a numeric Discord id of 15 to 22 digits \(got 21 characters/);
    expect(run.output).not.toContain('my-secret-application');
  });
});

describe('npm start that works', () => {
  it('prints the invite link with exactly the scopes it needs, and reports healthy until it logs out', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'verbatim-start-'));
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        CORPUS_DIR: path.join(ROOT, 'corpus'),
        DATA_DIR: dataDir,
        DISCORD_TOKEN: fake.token,
        DISCORD_API_BASE: fake.restBase,
        DISCORD_GUILD_ID: fake.guild.id,
      },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (!/invite it to a server with/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const invite = /invite it to a server with (\S+)/.exec(output)?.[1];
      expect(invite).toBeDefined();
      const url = new URL(invite!);
      expect(url.searchParams.get('scope')).toBe('bot applications.commands');
      expect(url.searchParams.get('permissions')).toBe('0');
      expect(url.searchParams.get('client_id')).toBe(fake.applicationId);
      const healthy = await verbatim(['health'], undefined, { DATA_DIR: dataDir });
      expect(healthy).toMatchObject({ code: 0, stdout: 'healthy\n' });
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      expect(output).toMatch(/SIGTERM: logging out/);
      const stopped = await verbatim(['health'], undefined, { DATA_DIR: dataDir });
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toMatch(/unhealthy: health-bot\.json: the bot is stopped/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
