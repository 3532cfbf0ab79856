/** The per-member cooldown on /ask and Find sources, and its ASK_COOLDOWN setting. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCooldown } from '../../src/config.ts';
import { Cooldown } from '../../src/interaction/cooldown.ts';

describe('the cooldown', () => {
  it('lets a member ask `limit` times in a window, then says when the next question will be taken', () => {
    let now = 1_000_000;
    const cooldown = new Cooldown({ limit: 3, windowMs: 30_000, now: () => now });
    expect(cooldown.take('a')).toEqual({ ok: true });
    now += 5_000;
    expect(cooldown.take('a')).toEqual({ ok: true });
    expect(cooldown.take('a')).toEqual({ ok: true });
    expect(cooldown.take('a')).toEqual({ ok: false, retryAt: 1_030_000 });
    expect(cooldown.take('b')).toEqual({ ok: true });
    now = 1_030_000;
    expect(cooldown.take('a')).toEqual({ ok: true });
    expect(cooldown.take('a')).toEqual({ ok: false, retryAt: 1_035_000 });
  });

  it('does not count refused questions against the member', () => {
    let now = 0;
    const cooldown = new Cooldown({ limit: 1, windowMs: 1000, now: () => now });
    cooldown.take('a');
    for (let i = 0; i < 10; i++) {
      now += 50;
      expect(cooldown.take('a').ok).toBe(false);
    }
    now = 1000;
    expect(cooldown.take('a').ok).toBe(true);
  });

  it('tracks at most maxMembers members, forgetting the least recently active first', () => {
    const cooldown = new Cooldown({ limit: 1, windowMs: 60_000, maxMembers: 100, now: () => 0 });
    cooldown.take('first');
    for (let i = 0; i < 99; i++) cooldown.take(`m${i}`);
    cooldown.take('first'); // refused, but it makes "first" the most recently active
    for (let i = 99; i < 150; i++) cooldown.take(`m${i}`);
    expect(cooldown.size).toBe(100);
    expect(cooldown.take('first').ok).toBe(false);
    expect(cooldown.take('m0').ok).toBe(true); // forgotten, so it starts afresh
  });
});

describe('ASK_COOLDOWN', () => {
  it('defaults to 5 per 30 seconds', () => {
    expect(parseCooldown(undefined)).toEqual({ limit: 5, windowMs: 30_000 });
    expect(parseCooldown(' ')).toEqual({ limit: 5, windowMs: 30_000 });
  });

  it('reads COUNT/DURATION in ms, s, m or h', () => {
    expect(parseCooldown('5/30s')).toEqual({ limit: 5, windowMs: 30_000 });
    expect(parseCooldown('10 / 2m')).toEqual({ limit: 10, windowMs: 120_000 });
    expect(parseCooldown('2/1.5s')).toEqual({ limit: 2, windowMs: 1500 });
    expect(parseCooldown('100/1h')).toEqual({ limit: 100, windowMs: 3_600_000 });
    expect(parseCooldown('3/500ms')).toEqual({ limit: 3, windowMs: 500 });
  });

  it('is turned off with off or 0', () => {
    expect(parseCooldown('off')).toBeUndefined();
    expect(parseCooldown('0')).toBeUndefined();
  });

  it('refuses anything else with one line that does not repeat the value', () => {
    for (const bad of ['5', '5/30', 'five/30s', '0/30s', '5/0s', '5/2d', '5/25h']) {
      expect(() => parseCooldown(bad)).toThrow(ConfigError);
      expect(() => parseCooldown(bad)).toThrow(/^ASK_COOLDOWN must be COUNT\/DURATION such as 5\/30s/);
    }
  });
});
