/**
 * What /stats and `verbatim stats` report, read from a record filled with
 * real answers from the seed corpus.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArticleRef } from '../../src/library/store.ts';
import { openDatabase } from '../../src/record/database.ts';
import { DATABASE_MIGRATIONS } from '../../src/record/open.ts';
import { QuestionRecord } from '../../src/record/questions.ts';
import { collectStats, collectStatsOffThread, rankArticles, unansweredQuestions } from '../../src/record/stats.ts';
import { useSeedAnswers, useTempDir } from './helpers.ts';

const tmp = useTempDir('stats');
const seed = useSeedAnswers();
const NOW = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;
const GUILD = '1300000000000000100';
const OTHER = '1300000000000000999';

function filled(): QuestionRecord {
  const { db } = openDatabase(path.join(tmp.dir, 'verbatim.db'), DATABASE_MIGRATIONS);
  const record = new QuestionRecord(db, { retentionDays: 90, hashSecret: 'k'.repeat(32), log: () => undefined, now: () => NOW });
  let minutes = 0;
  const ask = (question: string, options: { latencyMs?: number; guildId?: string; kind?: 'ask' | 'message'; daysAgo?: number } = {}) => {
    const id = record.newAnswerId();
    minutes++;
    record.answered({
      id,
      kind: options.kind ?? 'ask',
      guildId: options.guildId ?? GUILD,
      answer: seed.ask(question),
      latencyMs: options.latencyMs ?? 100,
      at: NOW - (options.daysAgo ?? 1) * DAY + minutes * 60_000,
    });
    return id;
  };
  ask('What is the capital of Australia?', { latencyMs: 10 });
  ask('capital of australia', { latencyMs: 20 });
  ask("Australia's capitals?", { latencyMs: 30, kind: 'message' });
  ask('Who won the 1998 World Cup?', { latencyMs: 40 });
  const unifier = ask('what is Operation Unifier', { latencyMs: 50 });
  const leopard = ask('Leopard 2 tanks', { latencyMs: 60 });
  const leopardAgain = ask('leopard tanks', { latencyMs: 70 });
  ask('tanks', { latencyMs: 80 });
  ask('sanctions on Russia', { latencyMs: 90 });
  ask('Who won the 1998 World Cup?', { latencyMs: 1000 });
  // Elsewhere, or too long ago: never counted below.
  ask('What is the capital of Australia?', { guildId: OTHER });
  ask('What is the capital of Australia?', { daysAgo: 40 });
  record.vote(unifier, 'a', true);
  record.vote(unifier, 'b', true);
  record.vote(leopard, 'a', false);
  record.vote(leopardAgain, 'b', false);
  record.vote(leopardAgain, 'c', true);
  record.flush();
  return record;
}

describe('the statistics of a period', () => {
  it('counts auto-answers in help channels apart from /ask and Find sources', () => {
    const { db } = openDatabase(path.join(tmp.dir, 'auto.db'), DATABASE_MIGRATIONS);
    const record = new QuestionRecord(db, { retentionDays: 90, hashSecret: 'k'.repeat(32), log: () => undefined, now: () => NOW });
    const kinds = ['ask', 'auto', 'auto', 'message'] as const;
    kinds.forEach((kind, i) =>
      record.answered({
        id: record.newAnswerId(),
        kind,
        guildId: GUILD,
        answer: seed.ask('Leopard 2 tanks'),
        latencyMs: 5,
        at: NOW - DAY + i,
      }),
    );
    record.flush();
    const stats = collectStats(db, { days: 30, guildId: GUILD, now: NOW });
    expect(stats.asked).toBe(4);
    expect(stats.askedByKind).toEqual({ ask: 1, message: 1, auto: 2 });
    record.close();
  });

  it('counts the questions asked and answered, by kind, in this server and period only', () => {
    const record = filled();
    const stats = collectStats(record.db, { days: 30, guildId: GUILD, now: NOW });
    expect(stats.asked).toBe(10);
    expect(stats.askedByKind).toEqual({ ask: 9, message: 1, auto: 0 });
    expect(stats.answered).toBe(5);
    expect(collectStats(record.db, { days: 30, guildId: OTHER, now: NOW }).asked).toBe(1);
    expect(collectStats(record.db, { days: 30, now: NOW }).asked).toBe(11);
    expect(collectStats(record.db, { days: 90, guildId: GUILD, now: NOW }).asked).toBe(11);
    record.close();
  });

  it('gives nearest-rank p50 and p95 of the answer times', () => {
    const record = filled();
    // Ten times 10, 20, … 90, 1000 ms: p50 is the 5th, p95 the 10th.
    expect(collectStats(record.db, { days: 30, guildId: GUILD, now: NOW }).latencyMs).toEqual({ p50: 50, p95: 1000 });
    expect(collectStats(record.db, { days: 30, guildId: '1', now: NOW }).latencyMs).toBeNull();
    record.close();
  });

  it('counts votes: helpful, not helpful, and on how many answers', () => {
    const record = filled();
    expect(collectStats(record.db, { days: 30, guildId: GUILD, now: NOW }).votes).toEqual({ helpful: 3, notHelpful: 2, answersVoted: 3 });
    record.close();
  });

  it('groups the unanswered questions by their words, biggest gap first, with the latest wording as example', () => {
    const record = filled();
    const { unanswered } = collectStats(record.db, { days: 30, guildId: GUILD, now: NOW });
    expect(unanswered.map((g) => [g.count, g.example])).toEqual([
      [3, "Australia's capitals?"],
      [2, 'Who won the 1998 World Cup?'],
    ]);
    expect(unanswered[0]!.key).toBe('australia capit');
    record.close();
  });

  it('lists the answers voted not helpful by question and article, most first', () => {
    const record = filled();
    const extra = record.newAnswerId();
    record.answered({ id: extra, kind: 'ask', guildId: GUILD, answer: seed.ask('Leopard tanks?'), latencyMs: 1, at: NOW - DAY / 2 });
    record.vote(extra, 'd', false);
    record.flush();
    const { notHelpful } = collectStats(record.db, { days: 30, guildId: GUILD, now: NOW });
    const leopardArticle = seed.ask('Leopard 2 tanks').quotes[0]!.article.id;
    // "leopard tanks" and "Leopard tanks?" are one group (2 not helpful, 1 helpful, the latest wording shown);
    // "Leopard 2 tanks" has one more word, so a group of its own.
    expect(notHelpful).toEqual([
      { question: 'Leopard tanks?', articleId: leopardArticle, notHelpful: 2, helpful: 1 },
      { question: 'Leopard 2 tanks', articleId: leopardArticle, notHelpful: 1, helpful: 0 },
    ]);
    record.close();
  });

  it('ranks the quoted articles, and with the corpus puts the never-quoted ones first among the least quoted', () => {
    const record = filled();
    const corpus: ArticleRef[] = [
      { id: 'never/one', key: 'x1', title: 'Never quoted one' },
      ...new Set(
        ['what is Operation Unifier', 'Leopard 2 tanks', 'tanks', 'sanctions on Russia'].flatMap((q) =>
          seed.ask(q).quotes.map((x) => x.article.id),
        ),
      ),
    ].map((a) => (typeof a === 'string' ? { id: a, key: a, title: `Title of ${a}` } : a));
    const stats = collectStats(record.db, { days: 30, guildId: GUILD, now: NOW }, { corpus });
    const total = stats.mostQuoted.reduce((n, a) => n + a.quotes, 0);
    expect(total).toBe(
      record.db
        .prepare('SELECT COUNT(*) FROM quotes q JOIN answers a ON a.id = q.answer_id WHERE a.guild_id = ? AND a.at > ?')
        .pluck()
        .get(GUILD, NOW - 30 * DAY),
    );
    expect(stats.mostQuoted[0]!.quotes).toBeGreaterThanOrEqual(stats.mostQuoted.at(-1)!.quotes);
    expect(stats.mostQuoted[0]!.title).toMatch(/^Title of /);
    expect(stats.leastQuoted[0]).toEqual({ id: 'never/one', title: 'Never quoted one', quotes: 0 });
    expect(stats.neverQuoted).toBe(1);
    record.close();
  });
});

describe('the statistics read in a thread of their own', () => {
  it('are the same as read in this thread', async () => {
    const record = filled();
    const scope = { days: 30, guildId: GUILD, now: NOW };
    const corpus = [{ id: 'never/one', key: 'n', title: 'Never quoted' }];
    expect(await collectStatsOffThread(record.file, scope, { corpus })).toEqual(collectStats(record.db, scope, { corpus }));
    record.close();
  });

  it('say what went wrong when the file cannot be read', async () => {
    await expect(collectStatsOffThread(path.join(tmp.dir, 'missing.db'), { days: 1 })).rejects.toThrow(
      /unable to open database file|does not exist/,
    );
  });
});

describe('ranking articles', () => {
  const counts = new Map([
    ['b', 5],
    ['a', 5],
    ['c', 1],
    ['gone', 9],
  ]);
  it('breaks ties by id without the corpus, and ranks only what was quoted', () => {
    expect(rankArticles(counts, undefined, 3)).toEqual({
      mostQuoted: [
        { id: 'gone', quotes: 9 },
        { id: 'a', quotes: 5 },
        { id: 'b', quotes: 5 },
      ],
      leastQuoted: [
        { id: 'c', quotes: 1 },
        { id: 'a', quotes: 5 },
        { id: 'b', quotes: 5 },
      ],
    });
  });

  it('with the corpus, leaves articles it no longer has out of the least quoted, ties in corpus order', () => {
    const corpus = ['z', 'c', 'b', 'a', 'y'].map((id) => ({ id, key: id, title: id.toUpperCase() }));
    const ranked = rankArticles(counts, corpus, 3);
    expect(ranked.leastQuoted.map((a) => `${a.id}:${a.quotes}`)).toEqual(['z:0', 'y:0', 'c:1']);
    expect(ranked.neverQuoted).toBe(2);
    expect(ranked.mostQuoted[0]).toEqual({ id: 'gone', quotes: 9 });
  });
});

describe('the unanswered questions for export', () => {
  it('yields every unanswered question of the period, oldest first', () => {
    const record = filled();
    const rows = [...unansweredQuestions(record.db, { days: 30, guildId: GUILD, now: NOW })];
    expect(rows.map((r) => r.question)).toEqual([
      'What is the capital of Australia?',
      'capital of australia',
      "Australia's capitals?",
      'Who won the 1998 World Cup?',
      'Who won the 1998 World Cup?',
    ]);
    expect(rows[2]).toMatchObject({ kind: 'message', reason: 'no-match', key: 'australia capit', guildId: GUILD });
    record.close();
  });
});
