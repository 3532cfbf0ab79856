/**
 * Opening the record at start-up, as the bot and the console do: on, off, or
 * off with one clear warning when the data folder cannot be written. Nothing
 * here can stop the program: answers never depend on the record.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config.ts';
import { log as defaultLog, errorMessage, type LogLevel } from '../log.ts';
import { CHANNEL_MIGRATIONS } from '../autoanswer/channelSettings.ts';
import { DATABASE_FILE, openDatabase, type Migration } from './database.ts';
import { QuestionRecord, RECORD_MIGRATIONS } from './questions.ts';
import { memberHashKey } from './secret.ts';

/**
 * Every feature's migrations, in the order they were added. A feature with
 * tables of its own (per-channel settings, say) appends its list here.
 */
export const DATABASE_MIGRATIONS: readonly Migration[] = [...RECORD_MIGRATIONS, ...CHANNEL_MIGRATIONS];

/** Where the record is kept in a data folder. */
export function recordFile(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE);
}

/**
 * Opens the record when recording is on. Returns `undefined`, having logged
 * why, when it is off or the data folder cannot be written; a damaged
 * database is moved aside and replaced (logged too).
 */
export function openQuestionRecord(
  settings: Pick<Settings, 'dataDir' | 'record'>,
  log: (level: LogLevel, message: string) => void = defaultLog,
): QuestionRecord | undefined {
  const file = recordFile(settings.dataDir);
  if (!settings.record.enabled) {
    log('info', 'not recording questions (RECORD_QUESTIONS=false)');
    return undefined;
  }
  try {
    mkdirSync(settings.dataDir, { recursive: true });
    const hashSecret = settings.record.hashSecret ?? memberHashKey(settings.dataDir);
    const opened = openDatabase(file, DATABASE_MIGRATIONS);
    if (opened.recreated)
      log(
        'warn',
        `the record of questions ${file} was damaged (${opened.recreated.reason}): moved it to ${opened.recreated.movedTo} and started a new one`,
      );
    const record = new QuestionRecord(opened.db, { retentionDays: settings.record.days, hashSecret, log });
    record.startRetention();
    log(
      'info',
      `recording questions in ${file}${opened.created ? ' (new)' : ''}, kept ${settings.record.days} days (RECORD_QUESTIONS=false turns it off)`,
    );
    return record;
  } catch (err) {
    log(
      'warn',
      `not recording questions: cannot write ${file} (${errorMessage(err)}). Answers are not affected; make DATA_DIR writable, or set RECORD_QUESTIONS=false`,
    );
    return undefined;
  }
}
