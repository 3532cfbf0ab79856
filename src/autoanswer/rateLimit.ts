/**
 * The per-channel limit on auto-answers (`AUTOANSWER_RATE`, default 6 per
 * channel in any 10 minutes): a busy help channel never turns into the bot's
 * channel. A question over the limit is simply not answered (members can
 * still `/ask`). The same sliding window as the members' cooldown, keyed by
 * channel, bounded to {@link MAX_CHANNELS} channels in memory.
 */
import { Cooldown } from '../interaction/cooldown.ts';
import type { CooldownSettings } from '../config.ts';

/** Most channels whose recent auto-answers are remembered; the least recently answered is forgotten first. */
export const MAX_CHANNELS = 10_000;

export class ChannelRateLimit {
  private readonly window: Cooldown;

  constructor(settings: CooldownSettings, now?: () => number) {
    this.window = new Cooldown({ ...settings, maxMembers: MAX_CHANNELS, ...(now && { now }) });
  }

  /** Auto-answers allowed per channel in any window. */
  get limit(): number {
    return this.window.limit;
  }

  get windowMs(): number {
    return this.window.windowMs;
  }

  /** Counts an auto-answer in `channelId` and returns true, or returns false when the channel is at its limit. */
  take(channelId: string): boolean {
    return this.window.take(channelId).ok;
  }
}
