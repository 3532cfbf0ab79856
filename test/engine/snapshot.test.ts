/**
 * Snapshots: a restart answers from the snapshot; a stale one is brought up
 * to date; a corrupt, foreign or outdated one is rebuilt, never trusted.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import { snapshotPath } from '../../src/engine/snapshotSaver.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
let corpusDir: string;
let snapshotDir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'verbatim-snapshot-'));
  corpusDir = path.join(dir, 'corpus');
  snapshotDir = path.join(dir, 'snapshots');
  await cp(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function openAndSave() {
  const opened = await LocalEngine.open({ corpusDir, snapshotDir });
  await opened.engine.flushSnapshot();
  return opened;
}

describe('index snapshots', () => {
  it('are written after a build and used by the next start, with the same answers', async () => {
    const first = await openAndSave();
    expect(first.report.mode).toBe('built');
    expect(await readdir(snapshotDir)).toHaveLength(1);
    const second = await LocalEngine.open({ corpusDir, snapshotDir });
    expect(second.report.mode).toBe('snapshot');
    expect(second.report.after).toEqual(first.report.after);
    for (const q of [
      'what is Operation Unifier',
      'how many soliders were trained',
      'Leopard 2 tanks',
      'What is the capital of Australia?',
    ]) {
      expect(second.engine.askSync(q, { top: 5 })).toMatchObject({ quotes: first.engine.askSync(q, { top: 5 }).quotes });
    }
    const view = await second.engine.article('004_443b68cf12906582');
    expect(view?.article.title).toBe('Carney Visits Ukraine as Canada Considers Troop Deployment for Peacekeeping');
    expect(view?.text).toBe(await readFile(path.join(corpusDir, '004_443b68cf12906582.txt'), 'utf8'));
    expect((await second.engine.suggestArticles('carney', 5))[0]?.id).toBe('004_443b68cf12906582');
  });

  it('are brought up to date when files changed since: only the changes are read', async () => {
    await openAndSave();
    await writeFile(path.join(corpusDir, 'new.md'), '---\ntitle: Lighthouse\n---\nThe committee restored the old lighthouse by spring.\n');
    await rm(path.join(corpusDir, '000_98328be762e8b179.txt'));
    const { engine, report } = await LocalEngine.open({ corpusDir, snapshotDir });
    expect(report.mode).toBe('snapshot');
    expect(report.note).toMatch(/2 articles changed since the snapshot/);
    expect(engine.askSync('lighthouse committee').quotes[0]?.article.id).toBe('new');
    expect(engine.askSync('Jason Kenney battlefield medical training').quotes.map((q) => q.article.id)).not.toContain(
      '000_98328be762e8b179',
    );
  });

  it('are rebuilt, not trusted, when corrupt', async () => {
    await openAndSave();
    const file = snapshotPath(snapshotDir, corpusDir);
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await writeFile(file, bytes);
    const { engine, report } = await LocalEngine.open({ corpusDir, snapshotDir });
    expect(report.mode).toBe('built');
    expect(report.note).toMatch(/checksum mismatch/);
    expect(engine.askSync('what is Operation Unifier').quotes[0]?.text).toMatch(/Unifier/);
  });

  it('are rebuilt when truncated or not a snapshot at all', async () => {
    await openAndSave();
    const file = snapshotPath(snapshotDir, corpusDir);
    await writeFile(file, (await readFile(file)).subarray(0, 1000));
    expect((await LocalEngine.open({ corpusDir, snapshotDir })).report.mode).toBe('built');
    await writeFile(file, 'hello');
    const { report } = await LocalEngine.open({ corpusDir, snapshotDir });
    expect(report.mode).toBe('built');
    expect(report.note).toMatch(/snapshot not used/);
  });

  it('are rebuilt when made for other index options', async () => {
    await openAndSave();
    const { report } = await LocalEngine.open({ corpusDir, snapshotDir, library: { bm25: { k: 2 } } });
    expect(report.mode).toBe('built');
    expect(report.note).toMatch(/other index options/);
  });

  it('are not needed: without a snapshot folder nothing is written', async () => {
    const { report } = await LocalEngine.open({ corpusDir });
    expect(report.mode).toBe('built');
    await expect(readdir(snapshotDir)).rejects.toThrow();
  });
});
