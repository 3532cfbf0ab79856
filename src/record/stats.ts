/**
 * What the record says, for /stats and `verbatim stats`: how many questions
 * were asked, how many answered, how the answers were voted, how long they
 * took, the corpus's gaps (unanswered questions grouped by their words, see
 * grouping.ts), the answers voted not helpful, and the most and least quoted
 * articles. Read-only queries over the record's tables, and pure functions
 * over their results.
 */
import type { ArticleRef } from '../library/store.ts';
import { siblingModule, spawnModule } from '../util/spawn.ts';
import type { Database } from './database.ts';
import type { StatsJob } from './statsWorker.ts';

/** Which part of the record to read. */
export interface StatsScope {
  /** The last this many days. */
  days: number;
  /** One server's questions; undefined: every question recorded (the console, the CLI). */
  guildId?: string | undefined;
  /** The end of the period (default now). */
  now?: number;
}

/** A gap in the corpus: questions with the same words that found no answer. */
export interface UnansweredGroup {
  /** The grouping key: the questions' stems, sorted. */
  key: string;
  /** How often such a question was asked. */
  count: number;
  /** The latest question of the group, as asked. */
  example: string;
  /** The words searched for in it. */
  words: string;
  lastAskedAt: number;
}

/** Answers to one kind of question, from one article, that members voted not helpful. */
export interface UnhelpfulAnswer {
  /** The latest question of the group. */
  question: string;
  /** The article of the first quote. */
  articleId: string;
  /** Its title, when the corpus was given and still has it. */
  title?: string;
  notHelpful: number;
  helpful: number;
}

/** An article and how often it was quoted. */
export interface QuotedArticle {
  id: string;
  /** From the corpus in use, when the article is still in it. */
  title?: string;
  quotes: number;
}

/** Everything /stats shows. */
export interface RecordStats {
  days: number;
  guildId?: string;
  /** The period, ms since the epoch. */
  since: number;
  until: number;
  /** Questions asked: with /ask, with Find sources, and answered by themselves in help channels (only posted auto-answers are recorded). */
  asked: number;
  askedByKind: { ask: number; message: number; auto: number };
  /** Questions with at least one quote. */
  answered: number;
  votes: { helpful: number; notHelpful: number; answersVoted: number };
  /** Time from the question to the reply sent, nearest-rank percentiles; null without questions. */
  latencyMs: { p50: number; p95: number } | null;
  /** The biggest gaps first. */
  unanswered: UnansweredGroup[];
  /** The most often voted not helpful first. */
  notHelpful: UnhelpfulAnswer[];
  mostQuoted: QuotedArticle[];
  /** With the corpus given: its articles quoted least, never-quoted ones first. */
  leastQuoted: QuotedArticle[];
  /** With the corpus given: how many of its articles were never quoted in the period. */
  neverQuoted?: number;
}

/** Longest lists kept in a report. */
export const TOP_DEFAULT = 25;
const DAY_MS = 86_400_000;

/** Options of {@link collectStats}. */
export interface CollectOptions {
  /** Entries per list (default {@link TOP_DEFAULT}). */
  top?: number;
  /**
   * The corpus's articles, for titles and the least quoted (never-quoted
   * articles first). Without it, ids only, and "least quoted" ranks only
   * articles that were quoted.
   */
  corpus?: readonly ArticleRef[] | undefined;
}

/** The period's start and end, and the SQL condition that selects its answers (`a` is the answers table). */
function period(scope: StatsScope): { since: number; until: number; where: string; params: Record<string, unknown> } {
  const until = scope.now ?? Date.now();
  const since = until - scope.days * DAY_MS;
  const params: Record<string, unknown> = { since, until };
  let where = 'a.at >= @since AND a.at <= @until';
  if (scope.guildId !== undefined) {
    where += ' AND a.guild_id = @guild';
    params.guild = scope.guildId;
  }
  return { since, until, where, params };
}

/** Reads the statistics of a period. */
export function collectStats(db: Database, scope: StatsScope, options: CollectOptions = {}): RecordStats {
  const top = options.top ?? TOP_DEFAULT;
  const { since, until, where, params } = period(scope);
  const counts = db
    .prepare(
      `SELECT COUNT(*) AS asked, COALESCE(SUM(a.answered), 0) AS answered,
              COALESCE(SUM(a.kind = 'ask'), 0) AS ask, COALESCE(SUM(a.kind = 'message'), 0) AS message,
              COALESCE(SUM(a.kind = 'auto'), 0) AS auto
       FROM answers a WHERE ${where}`,
    )
    .get(params) as { asked: number; answered: number; ask: number; message: number; auto: number };
  const votes = db
    .prepare(
      `SELECT COALESCE(SUM(v.helpful), 0) AS helpful, COALESCE(SUM(1 - v.helpful), 0) AS notHelpful,
              COUNT(DISTINCT v.answer_id) AS answersVoted
       FROM votes v JOIN answers a ON a.id = v.answer_id WHERE ${where}`,
    )
    .get(params) as RecordStats['votes'];
  const percentile = db.prepare(`SELECT a.latency_ms FROM answers a WHERE ${where} ORDER BY a.latency_ms LIMIT 1 OFFSET @offset`).pluck();
  // Nearest rank: the value at position ceil(p × n) of the sorted times (1-based).
  const at = (p: number) => percentile.get({ ...params, offset: Math.max(0, Math.ceil(p * counts.asked) - 1) }) as number;
  const latencyMs = counts.asked > 0 ? { p50: at(0.5), p95: at(0.95) } : null;

  // A bare column beside MAX() takes its value from the row holding the maximum
  // (https://www.sqlite.org/lang_select.html#bare_columns_in_an_aggregate_query): the latest question of each group.
  const unanswered = db
    .prepare(
      `SELECT a.words_key AS key, COUNT(*) AS count, a.question AS example, a.words AS words, MAX(a.at) AS lastAskedAt
       FROM answers a WHERE ${where} AND a.answered = 0
       GROUP BY a.words_key ORDER BY count DESC, lastAskedAt DESC LIMIT @top`,
    )
    .all({ ...params, top }) as UnansweredGroup[];

  const notHelpful = db
    .prepare(
      `SELECT a.question AS question, q.article_id AS articleId, SUM(t.down) AS notHelpful, SUM(t.up) AS helpful, MAX(a.at) AS lastAt
       FROM answers a
       JOIN quotes q ON q.answer_id = a.id AND q.rank = 0
       JOIN (SELECT answer_id, SUM(1 - helpful) AS down, SUM(helpful) AS up FROM votes GROUP BY answer_id) t ON t.answer_id = a.id
       WHERE ${where}
       GROUP BY a.words_key, q.article_id HAVING SUM(t.down) > 0
       ORDER BY notHelpful DESC, helpful ASC, lastAt DESC LIMIT @top`,
    )
    .all({ ...params, top }) as Array<UnhelpfulAnswer & { lastAt?: number }>;
  const titles = new Map(options.corpus?.map((a) => [a.id, a.title]));
  for (const row of notHelpful) {
    delete row.lastAt;
    const title = titles.get(row.articleId);
    if (title !== undefined) row.title = title;
  }

  const quoted = db
    .prepare(
      `SELECT q.article_id AS id, COUNT(*) AS quotes FROM quotes q JOIN answers a ON a.id = q.answer_id
       WHERE ${where} GROUP BY q.article_id`,
    )
    .all(params) as Array<{ id: string; quotes: number }>;
  const articles = rankArticles(new Map(quoted.map((r) => [r.id, r.quotes])), options.corpus, top);

  return {
    days: scope.days,
    ...(scope.guildId !== undefined && { guildId: scope.guildId }),
    since,
    until,
    asked: counts.asked,
    askedByKind: { ask: counts.ask, message: counts.message, auto: counts.auto },
    answered: counts.answered,
    votes,
    latencyMs,
    unanswered,
    notHelpful,
    ...articles,
  };
}

/**
 * The most and least quoted articles from per-article quote counts. With the
 * corpus, every article of it takes part (never quoted counts as 0, ties in
 * corpus order) and quoted articles since removed from it do not count as
 * least quoted; titles come from it.
 */
export function rankArticles(
  counts: ReadonlyMap<string, number>,
  corpus: readonly ArticleRef[] | undefined,
  top: number,
): Pick<RecordStats, 'mostQuoted' | 'leastQuoted' | 'neverQuoted'> {
  const titles = new Map(corpus?.map((a) => [a.id, a.title]));
  const entry = (id: string, quotes: number): QuotedArticle => {
    const title = titles.get(id);
    return { id, ...(title !== undefined && { title }), quotes };
  };
  const mostQuoted = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([id, n]) => entry(id, n));
  if (!corpus) {
    const leastQuoted = [...counts]
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, top)
      .map(([id, n]) => entry(id, n));
    return { mostQuoted, leastQuoted };
  }
  // A stable sort keeps the corpus's order among equal counts.
  const leastQuoted = corpus
    .map((a) => entry(a.id, counts.get(a.id) ?? 0))
    .sort((a, b) => a.quotes - b.quotes)
    .slice(0, top);
  const neverQuoted = corpus.reduce((n, a) => n + (counts.has(a.id) ? 0 : 1), 0);
  return { mostQuoted, leastQuoted, neverQuoted };
}

/** One unanswered question, as `verbatim stats --export` writes it. */
export interface UnansweredRow {
  at: number;
  guildId: string | null;
  kind: string;
  question: string;
  words: string;
  key: string;
  reason: string | null;
}

/** The period's unanswered questions, oldest first, one at a time (an export can be large). */
export function unansweredQuestions(db: Database, scope: StatsScope): IterableIterator<UnansweredRow> {
  const { where, params } = period(scope);
  return db
    .prepare(
      `SELECT a.at AS at, a.guild_id AS guildId, a.kind AS kind, a.question AS question, a.words AS words,
              a.words_key AS key, a.reason AS reason
       FROM answers a WHERE ${where} AND a.answered = 0 ORDER BY a.at`,
    )
    .iterate(params) as IterableIterator<UnansweredRow>;
}

const STATS_WORKER = siblingModule(import.meta.url, 'statsWorker');

/**
 * {@link collectStats} in a worker thread of its own, over a read-only
 * connection to the database `file`: the calling thread is never held up,
 * however large the record (see `npm run bench:record`).
 */
export function collectStatsOffThread(file: string, scope: StatsScope, options: CollectOptions = {}): Promise<RecordStats> {
  return new Promise((resolve, reject) => {
    const job: StatsJob = { file, scope, options };
    const worker = spawnModule(STATS_WORKER, job);
    worker.once('message', (m: { ok: true; stats: RecordStats } | { ok: false; error: string }) => {
      if (m.ok) resolve(m.stats);
      else reject(new Error(m.error));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the statistics thread stopped (exit code ${code})`)));
  });
}
