/**
 * The record of questions: written after the answer, never holding it up;
 * quotes kept as article id and sentence position; member ids never kept;
 * one vote per member per answer, changeable; old questions deleted.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/record/database.ts';
import { DATABASE_MIGRATIONS, openQuestionRecord } from '../../src/record/open.ts';
import { QuestionRecord } from '../../src/record/questions.ts';
import { makeReadOnly, makeWritable } from '../support/readOnlyDir.ts';
import { useSeedAnswers, useTempDir } from './helpers.ts';

const tmp = useTempDir('record');
const seed = useSeedAnswers();
const DAY = 86_400_000;

function openRecord(options: { now?: () => number; logs?: string[]; retentionDays?: number } = {}): QuestionRecord {
  const { db } = openDatabase(path.join(tmp.dir, 'verbatim.db'), DATABASE_MIGRATIONS);
  return new QuestionRecord(db, {
    retentionDays: options.retentionDays ?? 90,
    hashSecret: 'k'.repeat(32),
    log: (level, m) => options.logs?.push(`${level}: ${m}`),
    ...(options.now && { now: options.now }),
  });
}
const count = (record: QuestionRecord, table: string) => record.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('recording an answer', () => {
  it('writes nothing while the answer is being sent, and everything a moment later', async () => {
    const record = openRecord();
    const answer = seed.ask('what is Operation Unifier');
    record.answered({ id: record.newAnswerId(), kind: 'ask', guildId: '1300000000000000100', answer, latencyMs: 12 });
    expect(count(record, 'answers')).toBe(0);
    await nextTurn();
    expect(count(record, 'answers')).toBe(1);
    expect(count(record, 'quotes')).toBe(answer.quotes.length);
    record.close();
  });

  it('keeps each quote as its article id and sentence position, never its text', async () => {
    const record = openRecord();
    const answer = seed.ask('Leopard 2 tanks');
    const id = record.newAnswerId();
    record.answered({ id, kind: 'ask', answer, latencyMs: 5 });
    record.close();
    const reopened = openRecord();
    const rows = reopened.db.prepare('SELECT rank, article_id AS article, sentence FROM quotes WHERE answer_id = ? ORDER BY rank').all(id);
    expect(rows).toEqual(answer.quotes.map((q, rank) => ({ rank, article: q.article.id, sentence: q.sentence })));
    const row = reopened.db.prepare('SELECT question, words, answered, guild_id AS guild FROM answers WHERE id = ?').get(id);
    expect(row).toEqual({ question: 'Leopard 2 tanks', words: answer.searchedWords.join(' '), answered: 1, guild: null });
    reopened.close();
    const bytes = readFileSync(path.join(tmp.dir, 'verbatim.db')).toString('utf8');
    for (const q of answer.quotes) expect(bytes).not.toContain(q.text.slice(0, 40));
  });

  it('records an unanswered question with why, and its grouping key', async () => {
    const record = openRecord();
    const id = record.newAnswerId();
    record.answered({ id, kind: 'message', answer: seed.ask('What is the capital of Australia?'), latencyMs: 3 });
    record.flush();
    expect(record.db.prepare('SELECT answered, reason, words_key AS key, kind FROM answers').get()).toEqual({
      answered: 0,
      reason: 'no-match',
      key: 'australia capit',
      kind: 'message',
    });
    record.close();
  });

  it('gives every answer its own id, short enough for a button', () => {
    const record = openRecord();
    const ids = new Set(Array.from({ length: 1000 }, () => record.newAnswerId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    record.close();
  });
});

describe('votes', () => {
  it('keeps one vote per member per answer; a second click the same way changes nothing, the other way changes it', async () => {
    const record = openRecord();
    const id = record.newAnswerId();
    record.answered({ id, kind: 'ask', answer: seed.ask('Operation Unifier'), latencyMs: 1 });
    expect(record.vote(id, '111111111111111111', true)).toBe('recorded');
    expect(record.vote(id, '111111111111111111', true)).toBe('unchanged');
    expect(record.vote(id, '222222222222222222', false)).toBe('recorded');
    expect(record.vote(id, '111111111111111111', false)).toBe('changed');
    record.flush();
    expect(record.db.prepare('SELECT helpful FROM votes ORDER BY member').pluck().all().sort()).toEqual([0, 0]);
    expect(count(record, 'votes')).toBe(2);
    record.close();
  });

  it('never stores the member id, only a keyed hash of it', async () => {
    const record = openRecord();
    const id = record.newAnswerId();
    record.answered({ id, kind: 'ask', answer: seed.ask('Operation Unifier'), latencyMs: 1 });
    record.vote(id, '987654321098765432', true);
    record.flush();
    const stored = record.db.prepare('SELECT member FROM votes').pluck().get() as string;
    expect(stored).toBe(record.memberKey('987654321098765432'));
    expect(stored).not.toContain('987654321098765432');
    const { db } = openDatabase(path.join(tmp.dir, 'other.db'), DATABASE_MIGRATIONS);
    const otherKey = new QuestionRecord(db, { retentionDays: 90, hashSecret: 'z'.repeat(32), log: () => undefined });
    expect(otherKey.memberKey('987654321098765432')).not.toBe(stored);
    otherKey.close();
    record.close();
    expect(readFileSync(path.join(tmp.dir, 'verbatim.db')).toString('latin1')).not.toContain('987654321098765432');
  });

  it('says so when the answer is not in the record', () => {
    const record = openRecord();
    expect(record.vote('AAAAAAAAAAAAAAAA', '1', true)).toBe('unknown-answer');
    record.flush();
    expect(count(record, 'votes')).toBe(0);
    record.close();
  });
});

describe('when writing fails', () => {
  it('drops the entries, logs once until a write succeeds, and never throws', async () => {
    const logs: string[] = [];
    const record = openRecord({ logs });
    record.db.exec('ALTER TABLE answers RENAME TO answers_elsewhere');
    const answer = seed.ask('Operation Unifier');
    for (let i = 0; i < 3; i++) {
      expect(() => record.answered({ id: record.newAnswerId(), kind: 'ask', answer, latencyMs: 1 })).not.toThrow();
      await nextTurn();
    }
    expect(logs.filter((l) => l.startsWith('error'))).toHaveLength(1);
    expect(logs[0]).toMatch(/could not write the record of questions .*answers are not affected/);
    record.db.exec('ALTER TABLE answers_elsewhere RENAME TO answers');
    record.answered({ id: record.newAnswerId(), kind: 'ask', answer, latencyMs: 1 });
    await nextTurn();
    expect(logs.at(-1)).toMatch(/being written again/);
    expect(count(record, 'answers')).toBe(1);
    record.close();
  });
});

describe('retention', () => {
  it('deletes questions older than RECORD_DAYS, with their quotes and votes, and keeps the rest', async () => {
    let now = Date.UTC(2026, 5, 1);
    const record = openRecord({ now: () => now, retentionDays: 30 });
    const answer = seed.ask('Operation Unifier');
    const old = record.newAnswerId();
    const recent = record.newAnswerId();
    record.answered({ id: old, kind: 'ask', answer, latencyMs: 1, at: now - 31 * DAY });
    record.answered({ id: recent, kind: 'ask', answer, latencyMs: 1, at: now - 29 * DAY });
    record.vote(old, '1', true);
    record.vote(recent, '1', true);
    record.flush();
    expect(record.prune()).toBe(1);
    expect(record.db.prepare('SELECT id FROM answers').pluck().all()).toEqual([recent]);
    expect(record.db.prepare('SELECT DISTINCT answer_id FROM quotes').pluck().all()).toEqual([recent]);
    expect(record.db.prepare('SELECT answer_id FROM votes').pluck().all()).toEqual([recent]);
    now += 2 * DAY;
    expect(record.prune()).toBe(1);
    expect(count(record, 'answers')).toBe(0);
    record.close();
  });

  it('enforces it at start, in batches, however much has expired', () => {
    const now = Date.UTC(2026, 5, 1);
    const record = openRecord({ now: () => now, retentionDays: 7 });
    const answer = seed.ask('Operation Unifier');
    for (let i = 0; i < 4500; i++) record.answered({ id: record.newAnswerId(), kind: 'ask', answer, latencyMs: 1, at: now - 8 * DAY - i });
    record.answered({ id: record.newAnswerId(), kind: 'ask', answer, latencyMs: 1, at: now - DAY });
    record.flush();
    record.startRetention();
    expect(count(record, 'answers')).toBe(1);
    record.close();
  });

  it('sweeps again on its timer without keeping the process alive', async () => {
    let now = Date.UTC(2026, 5, 1);
    const logs: string[] = [];
    const record = openRecord({ now: () => now, retentionDays: 1, logs });
    record.answered({ id: record.newAnswerId(), kind: 'ask', answer: seed.ask('Operation Unifier'), latencyMs: 1, at: now });
    record.flush();
    record.startRetention(20);
    now += 2 * DAY;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(count(record, 'answers')).toBe(0);
    expect(logs.join('\n')).toMatch(/deleted 1 questions older than 1 days/);
    record.close();
  });
});

describe('opening the record at start-up', () => {
  const settings = (dataDir: string, enabled = true) => ({ dataDir, record: { enabled, days: 90 } });

  it('creates the member-hash key, readable by its owner only, and reuses it', () => {
    const logs: string[] = [];
    const first = openQuestionRecord(settings(tmp.dir), (l, m) => logs.push(`${l}: ${m}`))!;
    const key = first.memberKey('1');
    first.close();
    const mode = statSync(path.join(tmp.dir, 'record-key')).mode & 0o777;
    expect(mode).toBe(0o600);
    const second = openQuestionRecord(settings(tmp.dir), () => undefined)!;
    expect(second.memberKey('1')).toBe(key);
    second.close();
    expect(logs.join('\n')).toMatch(/recording questions in .*verbatim\.db \(new\), kept 90 days/);
  });

  it('uses RECORD_HASH_SECRET instead of a key file when it is set', () => {
    const record = openQuestionRecord(
      { dataDir: tmp.dir, record: { enabled: true, days: 90, hashSecret: 's'.repeat(40) } },
      () => undefined,
    )!;
    record.close();
    expect(existsSync(path.join(tmp.dir, 'record-key'))).toBe(false);
  });

  it('opens nothing and writes nothing when recording is off', () => {
    const logs: string[] = [];
    expect(openQuestionRecord(settings(path.join(tmp.dir, 'off'), false), (l, m) => logs.push(m))).toBeUndefined();
    expect(existsSync(path.join(tmp.dir, 'off'))).toBe(false);
    expect(logs).toEqual(['not recording questions (RECORD_QUESTIONS=false)']);
  });

  it('warns once and records nothing when the data folder is read-only', (ctx) => {
    if (!makeReadOnly(tmp.dir)) return ctx.skip();
    try {
      const logs: string[] = [];
      expect(openQuestionRecord(settings(tmp.dir), (l, m) => logs.push(`${l}: ${m}`))).toBeUndefined();
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/^warn: not recording questions: cannot write .*verbatim\.db .*Answers are not affected/);
    } finally {
      makeWritable(tmp.dir);
    }
  });
});
