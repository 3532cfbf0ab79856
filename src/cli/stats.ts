/**
 * `verbatim stats`: the record's statistics for scripts (text, or `--json`),
 * and `--export FILE.csv`: the unanswered questions as CSV. Reads the record
 * the bot writes in DATA_DIR; read-only when the folder cannot be written.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import type { Settings } from '../config.ts';
import type { AnswerEngine } from '../engine/types.ts';
import { writeStderr, writeStdout } from '../log.ts';
import { csvLine } from '../record/csv.ts';
import { openDatabase, type Database } from '../record/database.ts';
import { DATABASE_MIGRATIONS, recordFile } from '../record/open.ts';
import { collectStats, unansweredQuestions, type StatsScope } from '../record/stats.ts';
import { renderStatsText, statsToJson } from '../render/stats.ts';

export const DEFAULT_STATS_DAYS = 30;
export const MAX_STATS_DAYS = 3650;
/** Most corpus articles read for titles and the least quoted. */
const MAX_ARTICLES = 100_000;
/** Rows written to the CSV per write call. */
const CSV_BATCH = 1000;

/** The record in `dataDir`, opened for reading; throws with a clear message when there is none. */
function openRecordForReading(dataDir: string): Database {
  const file = recordFile(dataDir);
  if (!existsSync(file))
    throw new Error(`there is no record of questions at ${file} (nothing recorded yet, RECORD_QUESTIONS=false, or another DATA_DIR)`);
  try {
    return openDatabase(file, DATABASE_MIGRATIONS).db;
  } catch {
    // A read-only data folder: read what is there as it is.
    return new Sqlite(file, { readonly: true, fileMustExist: true });
  }
}

/** Prints the statistics of the period. */
export async function printStats(settings: Settings, scope: StatsScope, engine: AnswerEngine, json: boolean): Promise<number> {
  const db = openRecordForReading(settings.dataDir);
  try {
    const corpus = await engine.suggestArticles('', MAX_ARTICLES);
    const stats = collectStats(db, scope, { corpus });
    writeStdout(json ? `${JSON.stringify(statsToJson(stats))}\n` : renderStatsText(stats));
    return 0;
  } finally {
    db.close();
  }
}

/** Columns of the export, in order. */
const COLUMNS = ['asked_at', 'guild_id', 'kind', 'question', 'words', 'group', 'reason'] as const;

/** Writes the period's unanswered questions to `file` as CSV (RFC 4180, formula cells neutralized). */
export function exportUnanswered(settings: Settings, scope: StatsScope, file: string): number {
  const db = openRecordForReading(settings.dataDir);
  let fd: number | undefined;
  let rows = 0;
  try {
    fd = openSync(file, 'w');
    let chunk = csvLine(COLUMNS);
    for (const r of unansweredQuestions(db, scope)) {
      chunk += csvLine([new Date(r.at).toISOString(), r.guildId, r.kind, r.question, r.words, r.key, r.reason]);
      if (++rows % CSV_BATCH === 0) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    if (fd !== undefined) closeSync(fd);
    db.close();
  }
  writeStderr(`wrote ${rows.toLocaleString('en')} unanswered questions of the last ${scope.days} days to ${file}\n`);
  return 0;
}
