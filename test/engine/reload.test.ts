/**
 * Reloads: only what changed is re-indexed; additions, edits and deletions
 * are reported; questions keep being answered while a reload runs; the same
 * behavior from the in-process engine and the worker engine.
 */
import { appendFile, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import type { AnswerEngine } from '../../src/engine/types.ts';
import { WorkerEngine } from '../../src/engine/workerEngine.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
let corpusDir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'verbatim-reload-'));
  corpusDir = path.join(dir, 'corpus');
  await cp(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const engines: Array<[string, (options: { corpusDir: string; maxInPlaceBytes?: number }) => Promise<AnswerEngine>]> = [
  ['in-process engine', async (o) => (await LocalEngine.open(o)).engine],
  ['worker engine', async (o) => (await WorkerEngine.open(o)).engine],
];

describe.each(engines)('reloading the %s', (_name, open) => {
  it('re-indexes only a changed file and reports it as changed', async () => {
    const engine = await open({ corpusDir });
    try {
      await appendFile(path.join(corpusDir, '001_06c48624334c598a.txt'), '\nThe quartermaster counted zorbulite crates twice.\n');
      const report = await engine.reload();
      expect(report).toMatchObject({ ok: true, mode: 'incremental', added: [], changed: ['001_06c48624334c598a'], removed: [] });
      expect(report.after.sentences).toBe(report.before.sentences + 1);
      expect((await engine.ask('zorbulite')).quotes[0]?.text).toMatch(/zorbulite crates/);
    } finally {
      await engine.close();
    }
  });

  it('adds new files and drops deleted ones', async () => {
    const engine = await open({ corpusDir });
    try {
      await writeFile(
        path.join(corpusDir, 'feed.jsonl'),
        [
          '{"id":"a1","title":"Harbour","text":"The harbour bridge reopened on Tuesday."}',
          '{"id":"a2","text":"Ferries ran for six weeks."}',
        ].join('\n'),
      );
      await rm(path.join(corpusDir, '003_68ac10b3f7e3b6fe.txt'));
      const report = await engine.reload();
      expect(report.added.sort()).toEqual(['a1', 'a2']);
      expect(report.removed).toEqual(['003_68ac10b3f7e3b6fe']);
      expect(report.after.articles).toBe(6);
      expect((await engine.ask('harbour bridge reopened')).quotes[0]?.article.id).toBe('a1');
      expect(await engine.article('003_68ac10b3f7e3b6fe')).toBeUndefined();
    } finally {
      await engine.close();
    }
  });

  it('leaves untouched articles of a changed JSONL file alone', async () => {
    const feed = path.join(corpusDir, 'feed.jsonl');
    await writeFile(feed, '{"id":"a1","text":"Alpha stays the same."}\n{"id":"a2","text":"Beta will change."}\n');
    const engine = await open({ corpusDir });
    try {
      await writeFile(feed, '{"id":"a1","text":"Alpha stays the same."}\n{"id":"a2","text":"Beta has changed now."}\n');
      const report = await engine.reload();
      expect(report).toMatchObject({ added: [], changed: ['a2'], removed: [] });
    } finally {
      await engine.close();
    }
  });

  it('reports nothing to do when nothing changed', async () => {
    const engine = await open({ corpusDir });
    try {
      const report = await engine.reload();
      expect(report).toMatchObject({ ok: true, added: [], changed: [], removed: [] });
      expect(report.after).toEqual(report.before);
    } finally {
      await engine.close();
    }
  });

  it('skips a broken new file, keeps the rest and says why', async () => {
    const engine = await open({ corpusDir });
    try {
      await writeFile(path.join(corpusDir, 'broken.txt'), Buffer.from([0, 1, 2, 0xff]));
      const report = await engine.reload();
      expect(report.ok).toBe(true);
      expect(report.skipped).toEqual([expect.objectContaining({ file: 'broken.txt', reason: expect.stringMatching(/binary/) })]);
      expect((await engine.ask('what is Operation Unifier')).quotes.length).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });

  it('rebuilds beside the index in use for a large change, answering meanwhile, and swaps it in', async () => {
    // A tiny in-place limit makes any change "large".
    const engine = await open({ corpusDir, maxInPlaceBytes: 1 });
    try {
      await writeFile(path.join(corpusDir, 'big.txt'), 'Big change\n\nThe zeppelin hangar was demolished in May.\n');
      const reload = engine.reload();
      const during = await Promise.all([engine.ask('what is Operation Unifier'), engine.ask('Leopard 2 tanks')]);
      for (const a of during) expect(a.quotes.length).toBeGreaterThan(0);
      const report = await reload;
      expect(report).toMatchObject({ ok: true, mode: 'built', added: ['big'] });
      expect((await engine.ask('zeppelin hangar')).quotes[0]?.article.id).toBe('big');
      expect((await engine.status()).generation).toBeGreaterThan(1);
    } finally {
      await engine.close();
    }
  });

  it('shares one run between two reloads asked at once', async () => {
    const engine = await open({ corpusDir });
    try {
      await appendFile(path.join(corpusDir, '002_010eab02e3d3bbf4.txt'), '\nA final line about quokkas.\n');
      const [a, b] = await Promise.all([engine.reload(), engine.reload()]);
      expect(a).toBe(b);
    } finally {
      await engine.close();
    }
  });

  it('keeps the old index and says why when the corpus folder is gone', async () => {
    const engine = await open({ corpusDir });
    try {
      await rm(corpusDir, { recursive: true });
      const report = await engine.reload();
      expect(report.ok).toBe(false);
      expect(report.error).toMatch(/corpus directory not found/);
      expect((await engine.ask('what is Operation Unifier')).quotes.length).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });
});
