/**
 * The health file and the invite link: a supervisor can tell a working bot
 * from one that is up but useless, and the invite never asks for more than
 * the bot needs.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkHealth, healthFile, HealthReporter, removeOtherHealthFiles } from '../../src/bot/health.ts';
import { AUTO_ANSWER_PERMISSIONS, inviteUrl, REQUESTED_PERMISSIONS } from '../../src/bot/invite.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'verbatim-health-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('the health check', () => {
  it('passes while the bot reports ready, and fails once it stopped', async () => {
    const reporter = new HealthReporter(healthFile(dir));
    reporter.set('ready');
    await new Promise((r) => setTimeout(r, 50));
    expect(await checkHealth(dir)).toBeUndefined();
    await reporter.stop();
    expect(await checkHealth(dir)).toMatch(/the bot is stopped/);
  });

  it('fails for a bot that is disconnected, hung (stale file) or gone (dead process), or never started', async () => {
    const file = healthFile(dir);
    const now = Date.now();
    await writeFile(file, JSON.stringify({ pid: process.pid, state: 'disconnected', at: now }));
    expect(await checkHealth(dir, now)).toMatch(/disconnected/);
    await writeFile(file, JSON.stringify({ pid: process.pid, state: 'ready', at: now - 120_000 }));
    expect(await checkHealth(dir, now)).toMatch(/not updated for 120 s/);
    await writeFile(file, JSON.stringify({ pid: 2 ** 22 + 5, state: 'ready', at: now }));
    expect(await checkHealth(dir, now)).toMatch(/is gone/);
    await rm(file);
    expect(await checkHealth(dir, now)).toMatch(/no health file/);
  });

  it('checks every bot process sharing the folder (one file each)', async () => {
    const now = Date.now();
    await writeFile(healthFile(dir, 'shard-0'), JSON.stringify({ pid: process.pid, state: 'ready', at: now }));
    await writeFile(healthFile(dir, 'shard-1'), JSON.stringify({ pid: process.pid, state: 'starting', at: now }));
    expect(await checkHealth(dir, now)).toMatch(/health-shard-1\.json: the bot is starting/);
  });
});

describe('health files left by a run with other shards', () => {
  it('are removed at start, so that a stopped shard of an earlier run does not fail the check for ever', async () => {
    const stopped = JSON.stringify({ pid: process.pid, state: 'stopped', at: Date.now() });
    for (const name of ['bot', 'bot-shard-0', 'bot-shard-1', 'bot-shard-2']) await writeFile(healthFile(dir, name), stopped);
    await writeFile(path.join(dir, 'health-other.json'), stopped);
    await removeOtherHealthFiles(dir, ['bot-shard-0', 'bot-shard-1']);
    expect((await readdir(dir)).sort()).toEqual(['health-bot-shard-0.json', 'health-bot-shard-1.json', 'health-other.json']);
    await removeOtherHealthFiles(path.join(dir, 'missing'), ['bot']);
  });
});

describe('the invite link', () => {
  it('asks for the bot and commands scopes and no permissions beyond what the features list', () => {
    const url = new URL(inviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('permissions')).toBe('0');
    const withThreads = inviteUrl('1', [
      { flag: PermissionFlagsBits.SendMessagesInThreads, name: 'Send Messages in Threads', reason: 'answers in threads' },
    ]);
    expect(new URL(withThreads).searchParams.get('permissions')).toBe(PermissionFlagsBits.SendMessagesInThreads.toString());
  });

  it('asks, while auto-answers are on, for Send Messages in Threads, Create Public Threads and Read Message History, and nothing else', () => {
    const bits = BigInt(new URL(inviteUrl('1', [...REQUESTED_PERMISSIONS, ...AUTO_ANSWER_PERMISSIONS])).searchParams.get('permissions')!);
    expect(bits).toBe(
      PermissionFlagsBits.SendMessagesInThreads | PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.ReadMessageHistory,
    );
  });

  it('refuses to ask for Administrator', () => {
    expect(() => inviteUrl('1', [{ flag: PermissionFlagsBits.Administrator, name: 'Administrator', reason: 'no' }])).toThrow(
      /never asks for Administrator/,
    );
  });
});
