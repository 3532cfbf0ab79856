/**
 * Fair use: at most `limit` questions per member in any `windowMs` (a
 * sliding window: the member's last `limit` question times), for /ask and
 * Find sources. Moderators are exempt (the handlers decide; see
 * `ASK_COOLDOWN`).
 *
 * The state is in memory and bounded: at most `maxMembers` members are
 * tracked, least recently active dropped first (a Map keeps insertion order,
 * and a member is re-inserted on every question), each with at most `limit`
 * times. A member dropped for room simply starts afresh; with the default
 * bound that needs 10,000 other members asking within one window.
 */

/** Options of {@link Cooldown}. */
export interface CooldownOptions {
  limit: number;
  windowMs: number;
  /** Most members tracked at once. Default {@link DEFAULT_MAX_MEMBERS}. */
  maxMembers?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** What {@link Cooldown.take} decided. */
export type CooldownDecision = { ok: true } | { ok: false; retryAt: number };

export const DEFAULT_MAX_MEMBERS = 10_000;

export class Cooldown {
  readonly limit: number;
  readonly windowMs: number;
  private readonly maxMembers: number;
  private readonly now: () => number;
  /** Member id → times of their latest questions, oldest first (at most `limit`). */
  private readonly members = new Map<string, number[]>();

  constructor(options: CooldownOptions) {
    if (!(options.limit >= 1) || !(options.windowMs > 0)) throw new Error('a cooldown needs a limit of at least 1 and a positive window');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.maxMembers = Math.max(1, options.maxMembers ?? DEFAULT_MAX_MEMBERS);
    this.now = options.now ?? Date.now;
  }

  /** Members tracked now. */
  get size(): number {
    return this.members.size;
  }

  /**
   * Counts a question by `memberId` if the member is under the limit;
   * otherwise refuses it and says when the next one will be accepted. A
   * refused question does not count.
   */
  take(memberId: string): CooldownDecision {
    const now = this.now();
    const times = (this.members.get(memberId) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length >= this.limit) {
      this.touch(memberId, times);
      // The oldest question in the window leaves it at this time.
      return { ok: false, retryAt: times[0]! + this.windowMs };
    }
    times.push(now);
    this.touch(memberId, times);
    return { ok: true };
  }

  private touch(memberId: string, times: number[]): void {
    this.members.delete(memberId);
    this.members.set(memberId, times);
    while (this.members.size > this.maxMembers) this.members.delete(this.members.keys().next().value!);
  }
}
