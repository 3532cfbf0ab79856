/** The record's settings: RECORD_QUESTIONS, RECORD_DAYS, RECORD_HASH_SECRET. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config.ts';
import { ROOT } from './helpers.ts';

const env = (extra: Record<string, string>) => ({ CORPUS_DIR: path.join(ROOT, 'corpus'), ...extra });

describe('the record settings', () => {
  it('record for 90 days by default, with a key kept in the data folder', () => {
    expect(loadSettings(env({})).record).toEqual({ enabled: true, days: 90 });
  });

  it('take RECORD_QUESTIONS as a switch and RECORD_DAYS as whole days', () => {
    expect(loadSettings(env({ RECORD_QUESTIONS: 'false' })).record.enabled).toBe(false);
    expect(loadSettings(env({ RECORD_QUESTIONS: 'Off' })).record.enabled).toBe(false);
    expect(loadSettings(env({ RECORD_QUESTIONS: 'yes' })).record.enabled).toBe(true);
    expect(loadSettings(env({ RECORD_DAYS: '7' })).record.days).toBe(7);
  });

  it('refuse bad values with one line', () => {
    expect(() => loadSettings(env({ RECORD_QUESTIONS: 'maybe' }))).toThrow(/^RECORD_QUESTIONS must be true or false/);
    for (const days of ['0', '-1', '1.5', 'ninety', '4000'])
      expect(() => loadSettings(env({ RECORD_DAYS: days }))).toThrow(/^RECORD_DAYS must be a whole number of days from 1 to 3650/);
    expect(() => loadSettings(env({ RECORD_HASH_SECRET: 'short' }))).toThrow(
      /^RECORD_HASH_SECRET must be at least 32 characters long \(got 5\)$/,
    );
  });

  it('take a hash secret of 32 characters or more, and never accept the bot token in its place', () => {
    expect(loadSettings(env({ RECORD_HASH_SECRET: 'x'.repeat(32) })).record.hashSecret).toBe('x'.repeat(32));
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789';
    expect(() => loadSettings(env({ RECORD_HASH_SECRET: token }))).toThrow(/RECORD_HASH_SECRET holds what looks like a bot token/);
  });
});
