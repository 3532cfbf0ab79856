/** The per-channel limit on auto-answers, and its AUTOANSWER and AUTOANSWER_RATE settings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChannelRateLimit } from '../../src/autoanswer/rateLimit.ts';
import { ConfigError, DEFAULT_AUTOANSWER_RATE, loadSettings } from '../../src/config.ts';

describe('the per-channel rate limit', () => {
  it('allows `limit` auto-answers per channel in any window, each channel on its own', () => {
    let now = 1_000_000;
    const limit = new ChannelRateLimit({ limit: 2, windowMs: 60_000 }, () => now);
    expect(limit.take('help')).toBe(true);
    now += 10_000;
    expect(limit.take('help')).toBe(true);
    expect(limit.take('help')).toBe(false);
    expect(limit.take('forum')).toBe(true);
    now = 1_060_000;
    expect(limit.take('help')).toBe(true);
    expect(limit.take('help')).toBe(false);
    now = 1_070_000;
    expect(limit.take('help')).toBe(true);
  });

  it('does not count a refused auto-answer', () => {
    let now = 0;
    const limit = new ChannelRateLimit({ limit: 1, windowMs: 1000 }, () => now);
    expect(limit.take('c')).toBe(true);
    now = 999;
    expect(limit.take('c')).toBe(false);
    now = 1000;
    expect(limit.take('c')).toBe(true);
  });
});

describe('AUTOANSWER and AUTOANSWER_RATE', () => {
  const corpus = mkdtempSync(path.join(tmpdir(), 'verbatim-aa-'));
  afterAll(() => rmSync(corpus, { recursive: true, force: true }));
  const load = (env: Record<string, string>) => loadSettings({ CORPUS_DIR: corpus, ...env });

  it('default to auto and 6 auto-answers per channel per 10 minutes', () => {
    expect(load({}).autoAnswer).toEqual({ mode: 'auto', rate: DEFAULT_AUTOANSWER_RATE });
    expect(DEFAULT_AUTOANSWER_RATE).toEqual({ limit: 6, windowMs: 600_000 });
  });

  it('read on, off and COUNT/DURATION', () => {
    expect(load({ AUTOANSWER: 'on', AUTOANSWER_RATE: '2/30s' }).autoAnswer).toEqual({ mode: 'on', rate: { limit: 2, windowMs: 30_000 } });
    expect(load({ AUTOANSWER: 'OFF' }).autoAnswer.mode).toBe('off');
  });

  it('refuse anything else with one clear line', () => {
    expect(() => load({ AUTOANSWER: 'sometimes' })).toThrow(ConfigError);
    expect(() => load({ AUTOANSWER: 'sometimes' })).toThrow(/AUTOANSWER must be auto, on or off/);
    expect(() => load({ AUTOANSWER_RATE: '5 per hour' })).toThrow(/AUTOANSWER_RATE must be COUNT\/DURATION/);
    expect(() => load({ AUTOANSWER_RATE: '0/10m' })).toThrow(/AUTOANSWER_RATE/);
    expect(() => load({ AUTOANSWER_RATE: '1/25h' })).toThrow(/AUTOANSWER_RATE/);
  });
});
