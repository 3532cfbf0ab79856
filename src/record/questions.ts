/**
 * The record of questions: what members asked (/ask and Find sources),
 * whether it was answered, which sentences were quoted (article id and
 * sentence position, never the text), how long the answer took, and the
 * votes members gave it. It lives in the main process, next to the adapters:
 * the answer engine knows nothing of it.
 *
 * Writes never hold up an answer: {@link QuestionRecord.answered} and
 * {@link QuestionRecord.vote} queue rows, which are written a moment later
 * (`setImmediate`), many in one transaction. A failed write is logged (once
 * until writes succeed again) and dropped; it never reaches a member.
 *
 * Member ids are never stored: a vote is keyed by an HMAC-SHA256 of the id
 * under a secret key (see `secret.ts`), which keeps one vote per member per
 * answer without the database telling who voted. The askers are not stored
 * at all.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Answer } from '../search/answer.ts';
import type { Database, Migration } from './database.ts';
import { questionKey } from './grouping.ts';

/** The record's tables. Ids are `record-N`; never edit a released one, add the next. */
export const RECORD_MIGRATIONS: readonly Migration[] = [
  {
    id: 'record-1',
    up: (db) =>
      db.exec(`
        CREATE TABLE answers (
          id TEXT PRIMARY KEY,          -- random, carried by the vote buttons' custom ids
          at INTEGER NOT NULL,          -- when it was asked, ms since the epoch
          kind TEXT NOT NULL,           -- 'ask' (/ask) or 'message' (Find sources)
          guild_id TEXT,                -- the server it was asked in; NULL in DMs and the console
          question TEXT NOT NULL,       -- as searched (for Find sources: the words searched, not the message)
          words TEXT NOT NULL,          -- the words searched, space-separated
          words_key TEXT NOT NULL,      -- the grouping key (grouping.ts)
          answered INTEGER NOT NULL,    -- 1 when at least one sentence was quoted
          reason TEXT,                  -- why not, when not ('no-match', 'no-search-terms', ...)
          latency_ms REAL NOT NULL,     -- from the interaction to the reply sent
          engine_ms REAL NOT NULL       -- the engine's own time
        );
        CREATE INDEX answers_at ON answers (at);
        CREATE INDEX answers_guild_at ON answers (guild_id, at);
        CREATE TABLE quotes (
          answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
          rank INTEGER NOT NULL,        -- 0 for the first quote shown
          article_id TEXT NOT NULL,
          sentence INTEGER NOT NULL,    -- the sentence's position in its article
          PRIMARY KEY (answer_id, rank)
        ) WITHOUT ROWID;
        CREATE INDEX quotes_article ON quotes (article_id);
        CREATE TABLE votes (
          answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
          member TEXT NOT NULL,         -- HMAC-SHA256 of the member id, never the id
          helpful INTEGER NOT NULL,     -- 1 Helpful, 0 Not helpful
          at INTEGER NOT NULL,
          PRIMARY KEY (answer_id, member)
        ) WITHOUT ROWID;
      `),
  },
];

/** An answer to record. */
export interface AnsweredQuestion {
  /** From {@link QuestionRecord.newAnswerId}, already on the reply's buttons. */
  id: string;
  /** `ask` (/ask), `message` (Find sources), or `auto` (an auto-answer in a help channel or forum, issue 15). */
  kind: 'ask' | 'message' | 'auto';
  /** The server, or undefined in DMs and the console. */
  guildId?: string | undefined;
  answer: Answer;
  /** From the interaction's arrival to the reply sent. */
  latencyMs: number;
  /** When it was asked (default: now). */
  at?: number;
}

/** What a vote did. */
export type VoteOutcome =
  /** A first vote by this member on this answer. */
  | 'recorded'
  /** The member had voted the other way; the vote now says this. */
  | 'changed'
  /** The member had already voted this way. */
  | 'unchanged'
  /** The answer is not in the record (older than the retention, or never recorded). */
  | 'unknown-answer';

/** Options of {@link QuestionRecord}. */
export interface QuestionRecordOptions {
  /** Days a question is kept. */
  retentionDays: number;
  /** Key of the member-id hash. */
  hashSecret: string | Buffer;
  /** Where failures are reported (once until writes succeed again). */
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The clock (tests). */
  now?: () => number;
}

/** Most rows deleted per step of a retention sweep, so that a sweep never holds the thread for long. */
const PRUNE_BATCH = 2000;
/** Most answer ids handed out and awaiting their answer at once. */
const MAX_ISSUED = 10_000;
const DAY_MS = 86_400_000;

/** The record of questions and votes over an open database. */
export class QuestionRecord {
  readonly retentionDays: number;
  private readonly secret: string | Buffer;
  private readonly log: QuestionRecordOptions['log'];
  private readonly now: () => number;
  private readonly queue: Array<() => void> = [];
  /** Answer ids queued and not yet written, so a vote arriving first finds them. */
  private readonly queuedAnswers = new Set<string>();
  /**
   * Answer ids handed out (on a reply's buttons) and not yet recorded, with
   * the votes that arrived before them: an answer is recorded once its reply
   * is sent, and a click can come first. Bounded: an id whose answer never
   * came (the reply failed) is dropped after {@link MAX_ISSUED} newer ones.
   */
  private readonly issued = new Map<string, Array<{ member: string; value: number; at: number }>>();
  private scheduled: NodeJS.Immediate | undefined;
  private failing = false;
  private closed = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly statements;

  /** The database file (for readers in other threads). */
  readonly file: string;

  constructor(
    readonly db: Database,
    options: QuestionRecordOptions,
  ) {
    this.file = db.name;
    this.retentionDays = options.retentionDays;
    this.secret = options.hashSecret;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.statements = {
      answer: db.prepare(
        `INSERT INTO answers (id, at, kind, guild_id, question, words, words_key, answered, reason, latency_ms, engine_ms)
         VALUES (@id, @at, @kind, @guildId, @question, @words, @wordsKey, @answered, @reason, @latencyMs, @engineMs)`,
      ),
      quote: db.prepare('INSERT INTO quotes (answer_id, rank, article_id, sentence) VALUES (?, ?, ?, ?)'),
      vote: db.prepare(
        `INSERT INTO votes (answer_id, member, helpful, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (answer_id, member) DO UPDATE SET helpful = excluded.helpful, at = excluded.at`,
      ),
      existingVote: db.prepare('SELECT helpful FROM votes WHERE answer_id = ? AND member = ?').pluck(),
      hasAnswer: db.prepare('SELECT 1 FROM answers WHERE id = ?').pluck(),
      prune: db.prepare('DELETE FROM answers WHERE id IN (SELECT id FROM answers WHERE at < ? LIMIT ?)'),
    };
  }

  /**
   * A fresh answer id for the reply's vote buttons, before anything is
   * written: 96 random bits, so that processes writing one database (shards)
   * never collide, in 16 characters of a custom id.
   */
  newAnswerId(): string {
    const id = randomBytes(12).toString('base64url');
    this.issued.set(id, []);
    if (this.issued.size > MAX_ISSUED) this.issued.delete(this.issued.keys().next().value!);
    return id;
  }

  /** The key a member's votes are stored under: HMAC-SHA256 of the id. */
  memberKey(memberId: string): string {
    return createHmac('sha256', this.secret).update(memberId).digest('base64url');
  }

  /** Queues an answer for writing. Never throws. */
  answered(entry: AnsweredQuestion): void {
    const { answer } = entry;
    const row = {
      id: entry.id,
      at: entry.at ?? this.now(),
      kind: entry.kind,
      guildId: entry.guildId ?? null,
      question: answer.question,
      words: answer.searchedWords.join(' '),
      wordsKey: questionKey(answer.searchedWords),
      answered: answer.quotes.length > 0 ? 1 : 0,
      reason: answer.reason ?? null,
      latencyMs: entry.latencyMs,
      engineMs: answer.tookMs,
    };
    const quotes = answer.quotes.map((q, rank) => [entry.id, rank, q.article.id, q.sentence] as const);
    const early = this.issued.get(entry.id) ?? [];
    this.issued.delete(entry.id);
    this.queuedAnswers.add(entry.id);
    this.enqueue(() => {
      this.queuedAnswers.delete(entry.id);
      this.statements.answer.run(row);
      for (const q of quotes) this.statements.quote.run(...q);
      for (const v of early) this.statements.vote.run(entry.id, v.member, v.value, v.at);
    });
  }

  /**
   * A member's vote on an answer: one per member per answer, the latest
   * counts. Says what it did at once (reading the member's earlier vote);
   * the write itself is queued. Throws only when the database cannot be read.
   */
  vote(answerId: string, memberId: string, helpful: boolean): VoteOutcome {
    const member = this.memberKey(memberId);
    const value = helpful ? 1 : 0;
    const at = this.now();
    const early = this.issued.get(answerId);
    if (early) {
      // The answer is not recorded yet: the vote waits for it (the upsert keeps the latest).
      const before = early.findLast((v) => v.member === member)?.value;
      if (before === value) return 'unchanged';
      early.push({ member, value, at });
      return before === undefined ? 'recorded' : 'changed';
    }
    // Whatever is queued goes first, so the earlier vote (or the answer itself) is there to be read.
    this.flush();
    if (!this.queuedAnswers.has(answerId) && this.statements.hasAnswer.get(answerId) === undefined) return 'unknown-answer';
    const before = this.statements.existingVote.get(answerId, member) as number | undefined;
    if (before === value) return 'unchanged';
    this.enqueue(() => this.statements.vote.run(answerId, member, value, at));
    return before === undefined ? 'recorded' : 'changed';
  }

  /** Writes what is queued now, in one transaction. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0);
    try {
      this.db.transaction(() => {
        for (const write of batch) write();
      })();
      if (this.failing) this.log('info', 'the record of questions is being written again');
      this.failing = false;
    } catch (err) {
      // The batch is dropped: the record is useful, never essential.
      this.queuedAnswers.clear();
      if (!this.failing)
        this.log(
          'error',
          `could not write the record of questions (${(err as Error).message}); answers are not affected, ${batch.length} entries dropped; further failures are not logged until a write succeeds`,
        );
      this.failing = true;
    }
  }

  /**
   * Deletes what is older than the retention, `PRUNE_BATCH` answers (with
   * their quotes and votes) at a time. Synchronous: for start-up.
   * Returns how many answers were deleted.
   */
  prune(): number {
    const cutoff = this.now() - this.retentionDays * DAY_MS;
    let total = 0;
    for (;;) {
      const { changes } = this.statements.prune.run(cutoff, PRUNE_BATCH);
      total += changes;
      if (changes < PRUNE_BATCH) return total;
    }
  }

  /**
   * Enforces the retention now (synchronously: at start) and then every
   * `everyMs` (default daily) in steps between other work; the timer does
   * not keep the process alive.
   */
  startRetention(everyMs = DAY_MS): void {
    const deleted = this.runPrune(() => this.prune());
    if (deleted > 0) this.log('info', `record: deleted ${deleted} questions older than ${this.retentionDays} days`);
    this.sweepTimer = setInterval(() => this.sweep(), everyMs);
    this.sweepTimer.unref();
  }

  /** A retention sweep in batches, each in its own turn of the event loop. */
  private sweep(): void {
    const cutoff = this.now() - this.retentionDays * DAY_MS;
    let total = 0;
    const step = (): void => {
      if (this.closed) return;
      const changes = this.runPrune(() => this.statements.prune.run(cutoff, PRUNE_BATCH).changes);
      total += changes;
      if (changes === PRUNE_BATCH) setImmediate(step);
      else if (total > 0) this.log('info', `record: deleted ${total} questions older than ${this.retentionDays} days`);
    };
    step();
  }

  private runPrune(prune: () => number): number {
    try {
      return prune();
    } catch (err) {
      this.log('error', `could not delete old questions from the record: ${(err as Error).message}`);
      return 0;
    }
  }

  /** Writes what is queued, stops the retention timer and closes the database. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.db.close();
  }

  private enqueue(write: () => void): void {
    if (this.closed) return;
    this.queue.push(write);
    this.scheduled ??= setImmediate(() => this.flush());
  }
}
