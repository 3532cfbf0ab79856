/**
 * The statistics, read in a worker thread: on a record of many questions the
 * queries take longer than the bot's main thread may stop (it holds the
 * gateway and the 3-second interaction deadline), so /stats reads them here,
 * through a read-only connection of its own (WAL lets it read beside the
 * bot's writes).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import { collectStats, type CollectOptions, type StatsScope } from './stats.ts';

/** What the thread is given. */
export interface StatsJob {
  file: string;
  scope: StatsScope;
  options: CollectOptions;
}

const job = workerData as StatsJob;
let db: Sqlite.Database | undefined;
try {
  db = new Sqlite(job.file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  parentPort!.postMessage({ ok: true, stats: collectStats(db, job.scope, job.options) });
} catch (err) {
  // Errors are posted as text: an error object loses its message on the way between threads.
  parentPort!.postMessage({ ok: false, error: `could not read the statistics from ${job.file}: ${(err as Error).message}` });
} finally {
  db?.close();
}
