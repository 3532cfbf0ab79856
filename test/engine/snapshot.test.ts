/**
 * Snapshots: a restart answers from the snapshot; a stale one is brought up
 * to date; a corrupt, foreign or outdated one is rebuilt, never trusted.
 */
import { createHash } from 'node:crypto';
import { appendFile, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import { snapshotPath } from '../../src/engine/snapshotSaver.ts';
import { WorkerEngine } from '../../src/engine/workerEngine.ts';
import { useSeedCorpusCopy } from './helpers.ts';

const seed = useSeedCorpusCopy('snapshot');
const corpus = () => ({ corpusDir: seed.corpusDir, snapshotDir: seed.snapshotDir });

async function openAndSave() {
  const opened = await LocalEngine.open(corpus());
  await opened.engine.flushSnapshot();
  return opened;
}

describe('index snapshots', () => {
  it('are written after a build and used by the next start, with the same answers', async () => {
    const first = await openAndSave();
    expect(first.report.mode).toBe('built');
    expect(await readdir(seed.snapshotDir)).toHaveLength(1);
    const second = await LocalEngine.open(corpus());
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
    expect(view?.text).toBe(await readFile(path.join(seed.corpusDir, '004_443b68cf12906582.txt'), 'utf8'));
    expect((await second.engine.suggestArticles('carney', 5))[0]?.id).toBe('004_443b68cf12906582');
  });

  it('are brought up to date with files changed since, and only changed articles are re-indexed', async () => {
    await openAndSave();
    await writeFile(
      path.join(seed.corpusDir, 'new.md'),
      '---\ntitle: Lighthouse\n---\nThe committee restored the old lighthouse by spring.\n',
    );
    await rm(path.join(seed.corpusDir, '000_98328be762e8b179.txt'));
    const { engine, report } = await LocalEngine.open(corpus());
    expect(report.mode).toBe('snapshot');
    expect(report.note).toMatch(/2 articles changed since the snapshot/);
    expect(engine.askSync('lighthouse committee').quotes[0]?.article.id).toBe('new');
    expect(engine.askSync('Jason Kenney battlefield medical training').quotes.map((q) => q.article.id)).not.toContain(
      '000_98328be762e8b179',
    );
  });

  it('are read by the main thread while the index worker starts, and a worker builds when there is none yet', async () => {
    const first = await WorkerEngine.open(corpus());
    expect(first.report.mode).toBe('built');
    const expected = await first.engine.ask('what is Operation Unifier', { top: 5 });
    await first.engine.close();
    const second = await WorkerEngine.open(corpus());
    try {
      expect(second.report.mode).toBe('snapshot');
      expect((await second.engine.ask('what is Operation Unifier', { top: 5 })).quotes).toEqual(expected.quotes);
    } finally {
      await second.engine.close();
    }
  });

  it('take a reload right after the restart, while the index read from them is still being filled', async () => {
    await openAndSave();
    const { engine } = await LocalEngine.open(corpus());
    await appendFile(path.join(seed.corpusDir, '001_06c48624334c598a.txt'), '\nThe quartermaster counted zorbulite crates twice.\n');
    const report = await engine.reload();
    expect(report).toMatchObject({ ok: true, mode: 'incremental', changed: ['001_06c48624334c598a'] });
    expect(engine.askSync('zorbulite').quotes[0]?.text).toMatch(/zorbulite crates/);
    expect(engine.askSync('what is Operation Unifier').quotes[0]?.text).toMatch(/Unifier/);
  });

  it('are only read by an engine that does not save them (a shard other than 0), even while the writer replaces the file', async () => {
    const writer = (await openAndSave()).engine;
    const file = snapshotPath(seed.snapshotDir, seed.corpusDir);
    await writeFile(
      path.join(seed.corpusDir, 'new.md'),
      '---\ntitle: Lighthouse\n---\nThe committee restored the old lighthouse by spring.\n',
    );
    // The writer saves a new snapshot (temporary file, then rename) while readers start from the file.
    const saving = writer.reload().then(() => writer.flushSnapshot());
    const readers = await Promise.all([0, 1, 2].map(() => LocalEngine.open({ ...corpus(), saveSnapshots: false })));
    await saving;
    const written = await stat(file);
    for (const { engine, report } of readers) {
      expect(report.mode).toBe('snapshot');
      expect(engine.askSync('lighthouse committee').quotes[0]?.article.id).toBe('new');
      await writeFile(path.join(seed.corpusDir, 'new.md'), '---\ntitle: Lighthouse\n---\nThe committee painted the lighthouse green.\n');
      expect((await engine.reload()).ok).toBe(true);
      await engine.flushSnapshot(); // what would write a snapshot now, if this engine saved them
    }
    const after = await stat(file);
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
    expect(await readdir(seed.snapshotDir)).toHaveLength(1);
  });

  it('are rebuilt, not trusted, when corrupt', async () => {
    await openAndSave();
    const file = snapshotPath(seed.snapshotDir, seed.corpusDir);
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await writeFile(file, bytes);
    const { engine, report } = await LocalEngine.open(corpus());
    expect(report.mode).toBe('built');
    expect(report.note).toMatch(/checksum mismatch/);
    expect(engine.askSync('what is Operation Unifier').quotes[0]?.text).toMatch(/Unifier/);
  });

  it('are rebuilt when truncated or not a snapshot at all', async () => {
    await openAndSave();
    const file = snapshotPath(seed.snapshotDir, seed.corpusDir);
    await writeFile(file, (await readFile(file)).subarray(0, 1000));
    expect((await LocalEngine.open(corpus())).report.mode).toBe('built');
    await writeFile(file, 'hello');
    const { report } = await LocalEngine.open(corpus());
    expect(report.mode).toBe('built');
    expect(report.note).toMatch(/snapshot not used/);
  });

  it('are rebuilt when made for other index options', async () => {
    await openAndSave();
    const { report } = await LocalEngine.open({ ...corpus(), library: { bm25: { k: 2 } } });
    expect(report.mode).toBe('built');
    expect(report.note).toMatch(/other index options/);
  });

  it('are not needed: without a snapshot folder nothing is written', async () => {
    const { report } = await LocalEngine.open({ corpusDir: seed.corpusDir });
    expect(report.mode).toBe('built');
    await expect(readdir(seed.snapshotDir)).rejects.toThrow();
  });

  it('never serve text that is not in the corpus: a body changed in the snapshot, checksum recomputed, is re-read from its file', async () => {
    await openAndSave();
    const file = snapshotPath(seed.snapshotDir, seed.corpusDir);
    await rewriteSnapshot(file, (bytes) => replaceAll(bytes, 'Unifier', 'Unicorn'));
    const { engine, report } = await LocalEngine.open(corpus());
    expect(report.mode).toBe('snapshot');
    expect(report.note).toMatch(/articles changed since the snapshot/);
    const answer = engine.askSync('what is Operation Unifier', { top: 5 });
    expect(answer.quotes[0]?.text).toMatch(/Unifier/);
    expect(JSON.stringify(answer)).not.toMatch(/Unicorn/);
    for (const { id } of await engine.suggestArticles('', 100)) expect((await engine.article(id))?.text).not.toMatch(/Unicorn/);
  });

  it('never show a title that is not in the corpus either', async () => {
    await openAndSave();
    const file = snapshotPath(seed.snapshotDir, seed.corpusDir);
    await rewriteSnapshot(file, (bytes) => replaceAll(bytes, '"title":"Carney Visits Ukraine', '"title":"Carney Visits Narnias'));
    const { engine } = await LocalEngine.open(corpus());
    const view = await engine.article('004_443b68cf12906582');
    expect(view?.article.title).toBe('Carney Visits Ukraine as Canada Considers Troop Deployment for Peacekeeping');
  });

  it('never serve text that is not in the corpus even when the manifest no longer lists the tampered article', async () => {
    await openAndSave();
    const file = snapshotPath(seed.snapshotDir, seed.corpusDir);
    // The header's manifest comes first: its list for the file loses the id (same length), the article record keeps it.
    await rewriteSnapshot(file, (bytes) => {
      const at = bytes.indexOf(Buffer.from('"004_443b68cf12906582"'));
      Buffer.from('"004_443b68cf1290658X"').copy(bytes, at);
      return replaceAll(bytes, 'Carney', 'Barney');
    });
    const { engine } = await LocalEngine.open(corpus());
    expect((await engine.article('004_443b68cf12906582'))?.text).not.toMatch(/Barney/);
    expect(JSON.stringify(await engine.ask('Carney visits Ukraine', { top: 5 }))).not.toMatch(/Barney/);
  });

  describe('checked while serving', () => {
    /** A pace that holds the background check until `release()`. */
    function gate() {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      return { pace: () => held, release };
    }
    const serving = (pace: () => Promise<void>) => ({ ...corpus(), snapshotCheck: 'while-serving' as const, snapshotCheckPace: pace });
    async function checked(engine: LocalEngine) {
      while ((await engine.status()).snapshotCheck === 'running') await new Promise((resolve) => setTimeout(resolve, 5));
    }

    it('answer before the check is over, with the same answers, and finish it', async () => {
      const first = (await openAndSave()).engine;
      const g = gate();
      const { engine, report } = await LocalEngine.open(serving(g.pace));
      expect(report.mode).toBe('snapshot');
      expect(report.skipped).toEqual([]); // not known before the corpus confirms it
      const answer = await engine.ask('what is Operation Unifier', { top: 5 });
      expect((await engine.status()).snapshotCheck).toBe('running');
      expect(() => engine.askSync('Leopard 2 tanks')).toThrow(/still being checked/);
      expect(answer.quotes).toEqual(first.askSync('what is Operation Unifier', { top: 5 }).quotes);
      g.release();
      await checked(engine);
      expect(engine.askSync('Leopard 2 tanks').quotes).toEqual(first.askSync('Leopard 2 tanks').quotes);
    });

    it('never quote a tampered body, even for a question asked during the check', async () => {
      await openAndSave();
      await rewriteSnapshot(snapshotPath(seed.snapshotDir, seed.corpusDir), (bytes) => replaceAll(bytes, 'Unifier', 'Unicorn'));
      const g = gate();
      const { engine } = await LocalEngine.open(serving(g.pace));
      const during = await engine.ask('what is Operation Unifier', { top: 5 });
      const shown: unknown[] = [during, ...(await Promise.all([engine.suggestArticles('', 100), engine.suggestArticles('operation', 5)]))];
      for (const { id } of await engine.suggestArticles('', 100)) shown.push((await engine.article(id))!);
      expect((await engine.status()).snapshotCheck).toBe('running');
      expect(during.quotes[0]?.text).toMatch(/Unifier/);
      expect(JSON.stringify(shown)).not.toMatch(/Unicorn/);
      g.release();
      await checked(engine);
      expect(JSON.stringify(engine.askSync('what is Operation Unicorn', { top: 10 }).quotes)).not.toMatch(/Unicorn/);
    });

    it('re-index a file changed while the bot was down', async () => {
      await openAndSave();
      const changed = path.join(seed.corpusDir, '002_010eab02e3d3bbf4.txt');
      const text = (await readFile(changed, 'utf8')).replace('Unifier', 'Zorbulon');
      expect(text).toMatch(/Zorbulon/);
      await writeFile(changed, text);
      const g = gate();
      const { engine } = await LocalEngine.open(serving(g.pace));
      // Its old text is in the snapshot's postings; what is shown is the file's text now.
      const view = await engine.article('002_010eab02e3d3bbf4');
      expect((await engine.status()).snapshotCheck).toBe('running');
      expect(view?.text).toBe(text);
      g.release();
      await checked(engine);
      expect(engine.askSync('Zorbulon').quotes[0]?.article.id).toBe('002_010eab02e3d3bbf4');
    });

    it('check a JSONL article against its own line', async () => {
      const feed = [
        '{"id":"h1","title":"Harbour","text":"The harbour bridge reopened on Tuesday after repairs."}',
        '',
        '{"text":"Ferries ran every hour for six weeks while the bridge was shut."}',
        '{"id":"h3","text":"The mayor thanked the crews."}',
      ].join('\r\n');
      await writeFile(path.join(seed.corpusDir, 'feed.jsonl'), feed);
      await openAndSave();
      await rewriteSnapshot(snapshotPath(seed.snapshotDir, seed.corpusDir), (bytes) => replaceAll(bytes, 'every hour', 'every week'));
      const g = gate();
      const { engine } = await LocalEngine.open(serving(g.pace));
      const answer = await engine.ask('how often did ferries run while the bridge was shut');
      const view = await engine.article('feed:3');
      expect((await engine.status()).snapshotCheck).toBe('running');
      expect(answer.quotes[0]?.text).toBe('Ferries ran every hour for six weeks while the bridge was shut.');
      expect(view?.article.line).toBe(3);
      expect(view?.text).toBe('Ferries ran every hour for six weeks while the bridge was shut.');
      expect((await engine.article('h1'))?.article.title).toBe('Harbour');
      g.release();
      await checked(engine);
      expect(JSON.stringify((await engine.ask('ferries every week')).quotes)).not.toMatch(/every week/);
    });
  });

  it('leave no temporary files behind after a crash: stale ones are removed at start, a live write is left alone', async () => {
    await openAndSave();
    const base = path.basename(snapshotPath(seed.snapshotDir, seed.corpusDir));
    const now = Date.now();
    // A process id above Linux's largest (2^22) belongs to no process.
    const deadWriter = `${base}.tmp-${2 ** 22 + 17}-${now}`;
    const oldWrite = `${base}.tmp-${process.pid}-${now - 60 * 60_000}`;
    const liveWrite = `${base}.tmp-${process.pid}-${now}`;
    for (const name of [deadWriter, oldWrite, liveWrite]) await writeFile(path.join(seed.snapshotDir, name), 'partial');
    await LocalEngine.open(corpus());
    const left = await readdir(seed.snapshotDir);
    expect(left).toContain(base);
    expect(left).toContain(liveWrite);
    expect(left).not.toContain(deadWriter);
    expect(left).not.toContain(oldWrite);
  });
});

/** Rewrites a snapshot's contents and recomputes its SHA-256 trailer, as someone tampering with it would. */
async function rewriteSnapshot(file: string, change: (body: Buffer) => Buffer): Promise<void> {
  const bytes = await readFile(file);
  const body = change(Buffer.from(bytes.subarray(0, bytes.length - 32)));
  expect(body.length).toBe(bytes.length - 32);
  const mtime = (await stat(file)).mtime;
  await writeFile(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
  await utimes(file, mtime, mtime);
}

/** Replaces every occurrence of `from` with `to` (the same length in UTF-8) in `bytes`. */
function replaceAll(bytes: Buffer, from: string, to: string): Buffer {
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  expect(b.length).toBe(a.length);
  let count = 0;
  for (let at = bytes.indexOf(a); at !== -1; at = bytes.indexOf(a, at + a.length)) {
    b.copy(bytes, at);
    count++;
  }
  expect(count).toBeGreaterThan(0);
  return bytes;
}
