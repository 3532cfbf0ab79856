/**
 * Two processes (shards) writing one record at once go through SQLite's own
 * locking: every write of both lands, none fails, and one member's votes on
 * one answer from both stay one vote.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openQuestionRecord, recordFile } from '../../src/record/open.ts';
import Sqlite from 'better-sqlite3';
import { ROOT, useSeedAnswers, useTempDir } from './helpers.ts';

const tmp = useTempDir('writers');
const seed = useSeedAnswers();
const WRITER = path.join(ROOT, 'test/fixtures/record-writer.ts');

function writer(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('two writers', () => {
  it('both write everything, each through the other’s locks, with one key and one vote per member', async () => {
    const record = openQuestionRecord({ dataDir: tmp.dir, record: { enabled: true, days: 90 } }, () => undefined)!;
    const shared = record.newAnswerId();
    record.answered({ id: shared, kind: 'ask', answer: seed.ask('Operation Unifier'), latencyMs: 1 });
    record.close();

    const count = 3000;
    const startAt = String(Date.now() + 1500);
    const runs = await Promise.all(['a', 'b'].map((label) => writer([tmp.dir, String(count), label, startAt, shared])));
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const { logs } = JSON.parse(run.stdout) as { logs: string[] };
      expect(logs.filter((l) => !l.startsWith('info'))).toEqual([]);
    }
    const db = new Sqlite(recordFile(tmp.dir), { readonly: true });
    try {
      expect(db.prepare("SELECT COUNT(*) FROM answers WHERE question LIKE '% from a'").pluck().get()).toBe(count);
      expect(db.prepare("SELECT COUNT(*) FROM answers WHERE question LIKE '% from b'").pluck().get()).toBe(count);
      expect(db.prepare('SELECT COUNT(*) FROM votes WHERE answer_id = ?').pluck().get(shared)).toBe(1);
    } finally {
      db.close();
    }
  });
});
