/** The SHARDS setting. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789';
const shards = (extra: Record<string, string>) =>
  loadSettings({ CORPUS_DIR: path.join(ROOT, 'corpus'), DISCORD_TOKEN: TOKEN, ...extra }).discord?.shards;

describe('the SHARDS setting', () => {
  it('runs one process by default, and takes a shard count or auto', () => {
    expect(shards({})).toBe(1);
    expect(shards({ SHARDS: ' ' })).toBe(1);
    expect(shards({ SHARDS: '4' })).toBe(4);
    expect(shards({ SHARDS: 'Auto' })).toBe('auto');
  });

  it('refuses what is not a shard count from 1 to 64, saying what it accepts', () => {
    for (const value of ['0', '-2', '2.5', 'two', '65', '1e2'])
      expect(() => shards({ SHARDS: value })).toThrow(/^SHARDS must be auto or a whole number from 1 to 64 \(got \d+ characters: /);
  });

  it('describes a refused value instead of repeating it, as every setting does (a pasted secret is never echoed)', () => {
    const secret = 'hunter2-pasted-here-by-mistake';
    expect(() => shards({ SHARDS: secret })).toThrow('(got 30 characters: letters, digits, other characters)');
    expect(() => shards({ SHARDS: secret })).not.toThrow(/hunter/);
  });

  it('is not read in a shard process, where the ShardingManager sets SHARDS to the shard id', () => {
    expect(shards({ SHARDING_MANAGER: 'true', SHARDS: '0', SHARD_COUNT: '2' })).toBe(1);
  });
});
