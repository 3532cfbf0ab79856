/**
 * The database: opened in WAL mode, its schema brought up to date by each
 * feature's named migrations, a damaged file moved aside and replaced, a
 * deleted one recreated.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Migration } from '../../src/record/database.ts';
import { DATABASE_MIGRATIONS } from '../../src/record/open.ts';
import { makeReadOnly, makeWritable } from '../support/readOnlyDir.ts';
import { useTempDir } from './helpers.ts';

const tmp = useTempDir('db');
const file = () => path.join(tmp.dir, 'data', 'verbatim.db');
const tables = (db: Sqlite.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter(
    (n) => !n.startsWith('sqlite_'),
  );

const notes: Migration[] = [
  { id: 'notes-1', up: (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)') },
  { id: 'notes-2', up: (db) => db.exec('ALTER TABLE notes ADD COLUMN at INTEGER') },
];

describe('opening the database', () => {
  it('creates the folder and the file, in WAL mode, with every feature’s tables', () => {
    const opened = openDatabase(file(), DATABASE_MIGRATIONS);
    try {
      expect(opened.created).toBe(true);
      expect(opened.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(opened.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(tables(opened.db)).toEqual(['answers', 'autoanswer_channels', 'quotes', 'schema_migrations', 'votes']);
      expect(opened.applied).toEqual(DATABASE_MIGRATIONS.map((m) => m.id));
    } finally {
      opened.db.close();
    }
  });

  it('applies each migration once, and only the new ones when a feature adds a step', () => {
    const first = openDatabase(file(), notes.slice(0, 1));
    first.db.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
    first.db.close();
    const again = openDatabase(file(), notes.slice(0, 1));
    expect(again.applied).toEqual([]);
    again.db.close();
    const later = openDatabase(file(), notes);
    try {
      expect(later.applied).toEqual(['notes-2']);
      expect(later.db.prepare('SELECT text, at FROM notes').all()).toEqual([{ text: 'kept', at: null }]);
    } finally {
      later.db.close();
    }
  });

  it('lets features add tables without sharing a version number, and opens a database a newer version migrated further', () => {
    const newer = openDatabase(file(), [...DATABASE_MIGRATIONS, ...notes]);
    newer.db.close();
    const older = openDatabase(file(), DATABASE_MIGRATIONS);
    try {
      expect(older.applied).toEqual([]);
      expect(tables(older.db)).toContain('notes');
    } finally {
      older.db.close();
    }
  });

  it('refuses two migrations with one id', () => {
    const db = new Sqlite(':memory:');
    expect(() => migrate(db, [notes[0]!, { ...notes[1]!, id: 'notes-1' }])).toThrow(/two migrations have the id "notes-1"/);
    db.close();
  });

  it('rolls a failing migration back whole', () => {
    const broken: Migration = {
      id: 'broken-1',
      up: (db) => {
        db.exec('CREATE TABLE half (id INTEGER)');
        throw new Error('step failed');
      },
    };
    expect(() => openDatabase(file(), [broken])).toThrow(/step failed/);
    const db = new Sqlite(file());
    expect(tables(db)).toEqual(['schema_migrations']);
    db.close();
  });

  it('moves a file that is not a database aside, with a timestamp, and starts a new one', () => {
    mkdirSync(path.dirname(file()), { recursive: true });
    writeFileSync(file(), 'this is not a database, but text that was written over it\n'.repeat(100));
    const opened = openDatabase(file(), DATABASE_MIGRATIONS, () => Date.UTC(2026, 0, 2, 3, 4, 5));
    try {
      expect(opened.recreated?.movedTo).toBe(`${file()}.corrupt-2026-01-02T03-04-05-000Z`);
      expect(opened.recreated?.reason).toMatch(/not a database/);
      expect(existsSync(opened.recreated!.movedTo)).toBe(true);
      expect(tables(opened.db)).toContain('answers');
    } finally {
      opened.db.close();
    }
  });

  it('moves a database with damaged pages aside', () => {
    const first = openDatabase(file(), DATABASE_MIGRATIONS);
    const insert = first.db.prepare(
      "INSERT INTO answers (id, at, kind, question, words, words_key, answered, latency_ms, engine_ms) VALUES (?, 0, 'ask', ?, '', '', 0, 1, 1)",
    );
    for (let i = 0; i < 2000; i++) insert.run(`id${i}`, `question number ${i} `.repeat(10));
    first.db.pragma('wal_checkpoint(TRUNCATE)');
    first.db.close();
    // Scribble over the middle of the file, past the header: pages of the table and its index.
    const bytes = readFileSync(file());
    bytes.fill(0x5a, 8192, bytes.length - 8192);
    writeFileSync(file(), bytes);
    const opened = openDatabase(file(), DATABASE_MIGRATIONS);
    try {
      expect(opened.recreated).toBeDefined();
      expect(opened.db.prepare('SELECT COUNT(*) FROM answers').pluck().get()).toBe(0);
    } finally {
      opened.db.close();
    }
  });

  it('recreates a deleted database, dropping the write-ahead log it left', () => {
    mkdirSync(path.dirname(file()), { recursive: true });
    writeFileSync(`${file()}-wal`, 'left over');
    const opened = openDatabase(file(), DATABASE_MIGRATIONS);
    try {
      expect(opened.created).toBe(true);
      expect(opened.recreated).toBeUndefined();
      expect(tables(opened.db)).toContain('answers');
    } finally {
      opened.db.close();
    }
  });

  it('throws, leaving nothing behind, when the folder cannot be written', (ctx) => {
    const dir = path.join(tmp.dir, 'readonly');
    mkdirSync(dir);
    if (!makeReadOnly(dir)) return ctx.skip();
    try {
      expect(() => openDatabase(path.join(dir, 'verbatim.db'), DATABASE_MIGRATIONS)).toThrow();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      makeWritable(dir);
    }
  });
});
