/**
 * Verbatim's own database: one SQLite file in the data folder
 * (`DATA_DIR/verbatim.db`), opened once per process, in WAL mode, its schema
 * brought up to date by migrations.
 *
 * Features own their tables: each declares an ordered list of
 * {@link Migration}s with ids of its own (`record-1`, `record-2`, …; another
 * feature, say per-channel settings, adds `channels-1`), and
 * {@link DATABASE_MIGRATIONS} lists every feature's. The database keeps the ids
 * it has applied in `schema_migrations`, so features added on separate
 * branches never compete for one version number, and a database written by a
 * newer Verbatim (ids this one does not know) still opens: the tables this
 * version knows are there. A single `PRAGMA user_version` would make every
 * feature's migration a step in one global sequence.
 *
 * Several processes (shards) may open the same file: SQLite's own locking
 * serializes their writes, and `busy_timeout` makes a writer wait for the
 * other's transaction instead of failing (https://www.sqlite.org/wal.html,
 * "Concurrency"). Migrations run in an IMMEDIATE transaction that re-reads
 * what is applied, so two processes starting at once apply each migration
 * once.
 *
 * A file that is not a database, or fails SQLite's `quick_check`, is moved
 * aside (`verbatim.db.corrupt-<timestamp>`) and a fresh one created: what
 * Verbatim records is useful, never essential.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';

/** An open better-sqlite3 connection. */
export type Database = Sqlite.Database;

/** One step of a feature's schema. Runs once per database, inside a transaction. */
export interface Migration {
  /** Unique across features, e.g. `record-1`; never changed once released. */
  id: string;
  up(db: Database): void;
}

/** Name of the database file in the data folder. */
export const DATABASE_FILE = 'verbatim.db';

/** How long a writer waits for another process's transaction before giving up (ms). */
export const BUSY_TIMEOUT_MS = 5000;

/** What {@link openDatabase} did besides opening. */
export interface OpenedDatabase {
  db: Database;
  file: string;
  /** Set when the file was unusable and a fresh one was created in its place. */
  recreated?: { reason: string; movedTo: string };
  /** Set when there was no database file (first start, or deleted). */
  created?: boolean;
  /** Migration ids applied by this open. */
  applied: string[];
}

/** SQLite's result codes for a file that is not (or no longer) a sound database. */
const CORRUPTION_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/** Whether `err` says the database file is damaged, as opposed to unwritable or locked. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && [...CORRUPTION_CODES].some((c) => code.startsWith(c));
}

/**
 * Opens (creating when needed) the database at `file` and applies the
 * migrations it lacks. A damaged file is moved aside and replaced. Throws
 * when the file cannot be created or written (a read-only folder): the caller
 * decides what to do without it.
 */
export function openDatabase(file: string, migrations: readonly Migration[], now: () => number = Date.now): OpenedDatabase {
  mkdirSync(path.dirname(file), { recursive: true });
  const created = !existsSync(file);
  if (created) {
    // A WAL left behind by a deleted database belongs to nothing now.
    for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
  try {
    return { ...openAndMigrate(file, migrations), file, ...(created && { created }) };
  } catch (err) {
    if (!isCorruption(err)) throw err;
    const movedTo = `${file}.corrupt-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, movedTo);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
    }
    const reason = (err as Error).message;
    return { ...openAndMigrate(file, migrations), file, recreated: { reason, movedTo } };
  }
}

function openAndMigrate(file: string, migrations: readonly Migration[]): { db: Database; applied: string[] } {
  const db = new Sqlite(file);
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses at most the last transactions on a power cut, never the database's consistency.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    return { db, applied: migrate(db, migrations) };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Applies the migrations `db` has not had yet, in order; returns their ids. */
export function migrate(db: Database, migrations: readonly Migration[]): string[] {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`two migrations have the id "${m.id}"`);
    ids.add(m.id);
  }
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const run = db.transaction((): string[] => {
    const done = new Set((db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: string }>).map((r) => r.id));
    const insert = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      m.up(db);
      insert.run(m.id, Date.now());
      applied.push(m.id);
    }
    return applied;
  });
  // IMMEDIATE: takes the write lock before reading what is applied, so a second process waits, then finds it done.
  return run.immediate();
}
