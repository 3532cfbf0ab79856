/** /stats as Discord shows it: paged, inside every embed and component limit, whatever the questions say. */
import { describe, expect, it } from 'vitest';
import type { RecordStats } from '../../src/record/stats.ts';
import { LIMITS } from '../../src/render/discord.ts';
import { renderStatsReply, statsPages, STATS_PAGE_SIZE } from '../../src/render/stats.ts';

function stats(entries: number, text = 'what is it'): RecordStats {
  return {
    days: 30,
    since: 0,
    until: 30 * 86_400_000,
    asked: 100,
    askedByKind: { ask: 80, message: 20, auto: 0 },
    answered: 60,
    votes: { helpful: 9, notHelpful: 3, answersVoted: 10 },
    latencyMs: { p50: 12.3, p95: 480 },
    unanswered: Array.from({ length: entries }, (_, i) => ({
      key: `k${i}`,
      count: entries - i,
      example: `${text} ${i}`,
      words: 'x y',
      lastAskedAt: 1,
    })),
    notHelpful: Array.from({ length: entries }, (_, i) => ({
      question: `${text} ${i}`,
      articleId: `a/${'x'.repeat(300)}${i}`,
      notHelpful: 2,
      helpful: 1,
    })),
    mostQuoted: Array.from({ length: entries }, (_, i) => ({ id: `a${i}`, title: `${'T'.repeat(400)} ${i}`, quotes: 50 - i })),
    leastQuoted: Array.from({ length: entries }, (_, i) => ({ id: `b${i}`, quotes: i })),
    neverQuoted: 4,
  };
}

describe('the /stats pages', () => {
  it('start with the overview, then each list in pages of ten', () => {
    const pages = statsPages(stats(25));
    expect(pages[0]!.title).toBe('Overview');
    expect(pages[0]!.lines).toEqual([
      '**Questions asked:** 100 (80 with /ask, 20 with Find sources)',
      '**Answered:** 60% (60)',
      '**Votes:** 9 helpful, 3 not helpful: 75% helpful (on 10 answers)',
      '**Answer time:** p50 12 ms · p95 480 ms',
      '**Unanswered:** 40 questions in 25+ groups by their words',
      '**Articles never quoted:** 4',
    ]);
    // 1 overview + 3 pages for each of four lists of 25.
    expect(pages).toHaveLength(13);
    expect(pages[1]!.title).toBe('Unanswered questions, grouped by their words (the corpus’s gaps) (1–10 of 25)');
    expect(pages[3]!.lines).toHaveLength(5);
    expect(pages[3]!.lines[0]).toMatch(/^21\. \*\*5×\*\*/);
    for (const p of pages.slice(1)) expect(p.lines.length).toBeLessThanOrEqual(STATS_PAGE_SIZE);
  });

  it('name the auto-answers of help channels in the count of questions when there were any', () => {
    const withAuto = { ...stats(0), askedByKind: { ask: 70, message: 20, auto: 10 } };
    expect(statsPages(withAuto)[0]!.lines[0]).toBe(
      '**Questions asked:** 100 (70 with /ask, 20 with Find sources, 10 answered by themselves in help channels)',
    );
  });

  it('say so for an empty list', () => {
    const pages = statsPages(stats(0));
    expect(pages.map((p) => p.lines)).toEqual([
      expect.any(Array),
      ['Every question was answered.'],
      ['No answer was voted not helpful.'],
      ['No article was quoted.'],
      ['No article was quoted.'],
    ]);
  });

  it('stay within Discord’s limits with the longest questions and titles, markdown escaped', () => {
    const long = stats(25, `**bold** <@123456789012345678> ${'word '.repeat(60)}`);
    const count = statsPages(long).length;
    for (let page = 0; page < count; page++) {
      const reply = renderStatsReply(long, { page, retentionDays: 90, scope: 'this server' });
      const embed = reply.embeds![0]!;
      expect(reply.ephemeral).toBe(true);
      expect(embed.title!.length).toBeLessThanOrEqual(LIMITS.title);
      expect(embed.description!.length).toBeLessThanOrEqual(LIMITS.description);
      expect(embed.title!.length + embed.description!.length + embed.footer!.text.length).toBeLessThanOrEqual(LIMITS.embedTotal);
      expect(embed.description).not.toContain('**bold**');
      for (const b of reply.components![0]!.components) expect('custom_id' in b && b.custom_id.length <= LIMITS.customId).toBe(true);
    }
  });

  it('page with ◀ ▶ that carry the period, disabled at the ends', () => {
    const first = renderStatsReply(stats(3), { page: 0, retentionDays: 90, scope: 'this server' });
    const [prev, label, next] = first.components![0]!.components as Array<{ custom_id: string; disabled?: boolean; label: string }>;
    expect([prev!.disabled, label!.label, next!.custom_id]).toEqual([true, 'page 1/5', 'stats:page:30:1']);
    const last = renderStatsReply(stats(3), { page: 99, retentionDays: 90, scope: 'this server' });
    expect(last.embeds![0]!.footer!.text).toBe('page 5/5 · this server · questions are kept 90 days');
    expect((last.components![0]!.components[2] as { disabled?: boolean }).disabled).toBe(true);
  });
});
