/**
 * Reloads: only what changed is re-indexed; additions, edits and deletions
 * are reported; questions keep being answered while a reload runs; the same
 * behavior from the in-process engine and the worker engine.
 */
import { appendFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import type { AnswerEngine } from '../../src/engine/types.ts';
import { WorkerEngine } from '../../src/engine/workerEngine.ts';
import { useSeedCorpusCopy, withEngine } from './helpers.ts';

const seed = useSeedCorpusCopy('reload');

const engines: Array<[string, (options: { corpusDir: string; maxInPlaceBytes?: number }) => Promise<AnswerEngine>]> = [
  ['in-process engine', async (o) => (await LocalEngine.open(o)).engine],
  ['worker engine', async (o) => (await WorkerEngine.open(o)).engine],
];

describe.each(engines)('reloading the %s', (_name, open) => {
  it('re-indexes only a changed file and reports it as changed', async () => {
    await withEngine(open({ corpusDir: seed.corpusDir }), async (engine) => {
      await appendFile(path.join(seed.corpusDir, '001_06c48624334c598a.txt'), '\nThe quartermaster counted zorbulite crates twice.\n');
      const report = await engine.reload();
      expect(report).toMatchObject({ ok: true, mode: 'incremental', added: [], changed: ['001_06c48624334c598a'], removed: [] });
      expect(report.after.sentences).toBe(report.before.sentences + 1);
      expect((await engine.ask('zorbulite')).quotes[0]?.text).toMatch(/zorbulite crates/);
    });
  });

  it('adds new files and drops deleted ones', async () => {
    await withEngine(open({ corpusDir: seed.corpusDir }), async (engine) => {
      await writeFile(
        path.join(seed.corpusDir, 'feed.jsonl'),
        [
          '{"id":"a1","title":"Harbour","text":"The harbour bridge reopened on Tuesday."}',
          '{"id":"a2","text":"Ferries ran for six weeks."}',
        ].join('\n'),
      );
      await rm(path.join(seed.corpusDir, '003_68ac10b3f7e3b6fe.txt'));
      const report = await engine.reload();
      expect(report.added.sort()).toEqual(['a1', 'a2']);
      expect(report.removed).toEqual(['003_68ac10b3f7e3b6fe']);
      expect(report.after.articles).toBe(6);
      expect((await engine.ask('harbour bridge reopened')).quotes[0]?.article.id).toBe('a1');
      expect(await engine.article('003_68ac10b3f7e3b6fe')).toBeUndefined();
    });
  });

  it('leaves untouched articles of a changed JSONL file alone', async () => {
    const feed = path.join(seed.corpusDir, 'feed.jsonl');
    await writeFile(feed, '{"id":"a1","text":"Alpha stays the same."}\n{"id":"a2","text":"Beta will change."}\n');
    await withEngine(open({ corpusDir: seed.corpusDir }), async (engine) => {
      await writeFile(feed, '{"id":"a1","text":"Alpha stays the same."}\n{"id":"a2","text":"Beta has changed now."}\n');
      const report = await engine.reload();
      expect(report).toMatchObject({ added: [], changed: ['a2'], removed: [] });
    });
  });

  it('reports nothing to do when nothing changed', async () => {
    await withEngine(open({ corpusDir: seed.corpusDir }), async (engine) => {
      const report = await engine.reload();
      expect(report).toMatchObject({ ok: true, added: [], changed: [], removed: [] });
      expect(report.after).toEqual(report.before);
    });
  });

  it('skips a broken new file, keeps the rest and says why', async () => {
    await withEngine(open({ corpusDir: seed.corpusDir }), async (engine) => {
      await writeFile(path.join(seed.corpusDir, 'broken.txt'), Buffer.from([0, 1, 2, 0xff]));
      const report = await engine.reload();
      expect(report.ok).toBe(true);
      expect(report.skipped).toEqual([expect.objectContaining({ file: 'broken.txt', reason: expect.stringMatching(/binary/) })]);
      expect((await engine.ask('what is Operation Unifier')).quotes.length).toBeGreaterThan(0);
    });
  });

  it('rebuilds beside the index in use for a large change, answering meanwhile, and swaps it in', async () => {
    // A tiny in-place limit makes any change "large".
    await withEngine(open({ corpusDir: seed.corpusDir, maxInPlaceBytes: 1 }), async (engine) => {
      await writeFile(path.join(seed.corpusDir, 'big.txt'), 'Big change\n\nThe zeppelin hangar was demolished in May.\n');
      let reloaded = false;
      const reload = engine.reload().finally(() => (reloaded = true));
      // Answered while the reload is still running, from the index in use (which has no zeppelins yet).
      const during = await Promise.all([
        engine.ask('what is Operation Unifier'),
        engine.ask('Leopard 2 tanks'),
        engine.ask('zeppelin hangar'),
      ]);
      expect(reloaded).toBe(false);
      expect(during[0].quotes.length).toBeGreaterThan(0);
      expect(during[1].quotes.length).toBeGreaterThan(0);
      expect(during[2].quotes.map((q) => q.article.id)).not.toContain('big');
      const report = await reload;
      expect(report).toMatchObject({ ok: true, mode: 'built', added: ['big'] });
      expect((await engine.ask('zeppelin hangar')).quotes[0]?.article.id).toBe('big');
      expect((await engine.status()).generation).toBeGreaterThan(1);
    });
  });

  it('shares one run between two reloads asked at once', async () => {
    await withEngine(open({ corpusDir: seed.corpusDir }), async (engine) => {
      await appendFile(path.join(seed.corpusDir, '002_010eab02e3d3bbf4.txt'), '\nA final line about quokkas.\n');
      const [a, b] = await Promise.all([engine.reload(), engine.reload()]);
      expect(a).toBe(b);
    });
  });

  it('keeps the old index and says why when the corpus folder is gone', async () => {
    await withEngine(open({ corpusDir: seed.corpusDir }), async (engine) => {
      await rm(seed.corpusDir, { recursive: true });
      const report = await engine.reload();
      expect(report.ok).toBe(false);
      expect(report.error).toMatch(/corpus directory not found/);
      expect((await engine.ask('what is Operation Unifier')).quotes.length).toBeGreaterThan(0);
    });
  });
});
