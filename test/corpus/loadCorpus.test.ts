import { chmod, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorpusRootError, loadCorpus } from '../../src/corpus/index.ts';
import { RUNNING_AS_ROOT, SEED_CORPUS, fixture, tempCorpora } from './helpers.ts';

const { temp } = tempCorpora();

describe('loadCorpus', () => {
  it('the seed corpus loads as five articles named after their files, with their exact text', async () => {
    const { articles, skipped, files } = await loadCorpus(SEED_CORPUS);
    const names = (await readdir(SEED_CORPUS)).filter((n) => n.endsWith('.txt')).sort();
    expect(names).toHaveLength(5);
    expect(skipped).toEqual([]);
    expect(files.map((f) => f.file)).toEqual(names);
    expect(articles.map((a) => a.id)).toEqual(names.map((n) => n.slice(0, -'.txt'.length)));
    for (const article of articles) {
      const raw = await readFile(path.join(SEED_CORPUS, article.file), 'utf8');
      expect(article.text).toBe(raw);
      expect(article.meta).toEqual({ extra: {} });
    }
    // The seed texts use curly quotes and apostrophes; they must survive untouched.
    expect(articles.some((a) => a.text.includes('’'))).toBe(true);
    expect(articles.some((a) => a.text.includes('“'))).toBe(true);
  });

  it('a mixed corpus loads every good article and explains every skipped item', async () => {
    const { articles, skipped, files } = await loadCorpus(fixture('corpus-mixed'));
    expect(articles.map((a) => a.id)).toEqual([
      'UPPER',
      'wire-1',
      'feeds/wire:3',
      '42',
      'wire-11',
      'front',
      'news/2024/kyiv',
      'news/2024/rule',
      'plain',
    ]);
    expect(skipped.map((s) => [s.file, s.line, s.reason.replace(/\(Unexpected.*\)$/, '(…)')])).toEqual([
      ['broken-front.md', undefined, 'front matter line 3 is not "key: value": "this line is not a key value pair"'],
      ['feeds/wire.jsonl', 5, 'line 5: invalid JSON (…)'],
      ['feeds/wire.jsonl', 6, 'line 6: not a JSON object (got array)'],
      ['feeds/wire.jsonl', 7, 'line 7: missing "text" field'],
      ['feeds/wire.jsonl', 8, 'line 8: "text" is empty'],
      ['feeds/wire.jsonl', 9, 'line 9: "id" must be a string or number (got boolean)'],
      ['feeds/wire.jsonl', 10, 'line 10: "title" is not a string (got number)'],
    ]);
    // Files whose content was skipped are still listed, for change detection.
    expect(files.map((f) => f.file)).toContain('broken-front.md');
    expect(files).toHaveLength(7);
  });

  it('a duplicate article id keeps the first one and skips the later ones, saying where the first was', async () => {
    const { articles, skipped } = await loadCorpus(fixture('corpus-duplicates'));
    expect(articles.map((a) => [a.id, a.file, a.line])).toEqual([
      ['a', 'a.md', undefined],
      ['x', 'feed.jsonl', 2],
      ['y', 'feed.jsonl', 3],
    ]);
    expect(skipped).toEqual([
      { file: 'a.txt', reason: 'duplicate article id "a" (first seen in a.md)' },
      { file: 'feed.jsonl', line: 1, reason: 'duplicate article id "a" (first seen in a.md)' },
      { file: 'feed.jsonl', line: 4, reason: 'duplicate article id "x" (first seen in feed.jsonl line 2)' },
    ]);
  });

  it('throws a clear error naming the absolute path when the corpus folder is missing', async () => {
    const root = await temp();
    const missing = path.join(root, 'no-such-corpus');
    await expect(loadCorpus(missing)).rejects.toThrow(`corpus directory not found: ${missing}`);
    await expect(loadCorpus(path.relative(process.cwd(), missing))).rejects.toThrow(`corpus directory not found: ${missing}`);
    await expect(loadCorpus(missing)).rejects.toBeInstanceOf(CorpusRootError);
  });

  it('throws when the corpus path is a file rather than a folder', async () => {
    const root = await temp({ 'a.txt': 'x' });
    await expect(loadCorpus(path.join(root, 'a.txt'))).rejects.toThrow('corpus path is not a directory');
  });

  it('never throws for bad files inside the corpus: each becomes a skipped item', async () => {
    const root = await temp({
      'good.txt': 'Good article.',
      'binary.md': new Uint8Array([1, 2, 0, 3]),
      'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9]),
      'empty.txt': '',
      'big.txt': 'y'.repeat(5000),
      'feed.jsonl': '{"text":"fine"}\n{oops\n',
    });
    await symlink(path.join(root, 'nowhere.txt'), path.join(root, 'dangling.txt'));
    const { articles, skipped } = await loadCorpus(root, { maxFileBytes: 4096 });
    expect(articles.map((a) => a.id)).toEqual(['feed:1', 'good']);
    expect(skipped.map((s) => `${s.file}: ${s.reason}`)).toEqual([
      'big.txt: file too large (4.9 KiB > 4 KiB limit)',
      'binary.md: binary file (contains NUL bytes)',
      'dangling.txt: broken symbolic link (its target does not exist)',
      'empty.txt: empty file',
      expect.stringMatching(/^feed\.jsonl: line 2: invalid JSON \(.+\)$/),
      'latin1.txt: not UTF-8 text',
    ]);
  });

  it.skipIf(RUNNING_AS_ROOT)('unreadable files and folders are skipped and the rest loads (skipped as root: chmod 000 does not stop root)', async () => {
    const root = await temp({ 'ok.txt': 'Readable.', 'locked.txt': 'secret', 'closed/inner.txt': 'secret' });
    await chmod(path.join(root, 'locked.txt'), 0o000);
    await chmod(path.join(root, 'closed'), 0o000);
    const { articles, skipped } = await loadCorpus(root);
    expect(articles.map((a) => a.id)).toEqual(['ok']);
    expect(skipped).toEqual([
      { file: 'closed', reason: 'cannot read directory (permission denied)' },
      { file: 'locked.txt', reason: 'cannot read file (permission denied)' },
    ]);
  });

  it.skipIf(RUNNING_AS_ROOT)('an unreadable corpus folder throws (skipped as root: chmod 000 does not stop root)', async () => {
    const root = await temp({ 'corpus/a.txt': 'x' });
    const corpus = path.join(root, 'corpus');
    await chmod(corpus, 0o000);
    await expect(loadCorpus(corpus)).rejects.toThrow(`cannot read corpus directory: ${corpus} (permission denied)`);
  });

  it('a symlinked file loads under the link name', async () => {
    const root = await temp({ 'shared/story.txt': 'Shared story.' });
    await symlink(path.join(root, 'shared/story.txt'), path.join(root, 'alias.txt'));
    const { articles } = await loadCorpus(root);
    expect(articles.map((a) => [a.id, a.text])).toEqual([
      ['alias', 'Shared story.'],
      ['shared/story', 'Shared story.'],
    ]);
  });

  it('results come out in the same order whatever the read concurrency', async () => {
    const tree: Record<string, string> = {};
    for (let i = 0; i < 300; i++) tree[`part${i % 5}/doc${i}.txt`] = `Document ${i}. `.repeat((i * 37) % 200 + 1);
    tree['part0/feed.jsonl'] = '{"id":"doc-dup","text":"a"}\n{"id":"doc-dup","text":"b"}\n';
    const root = await temp(tree);
    const serial = await loadCorpus(root, { concurrency: 1 });
    const parallel = await loadCorpus(root, { concurrency: 64 });
    expect(serial.articles).toHaveLength(300 + 1);
    expect(parallel.articles.map((a) => a.id)).toEqual(serial.articles.map((a) => a.id));
    expect(parallel.articles.map((a) => a.hash)).toEqual(serial.articles.map((a) => a.hash));
    expect(parallel.skipped).toEqual(serial.skipped);
  });

  it('reports progress from 0 up to the number of files', async () => {
    const root = await temp({ 'a.txt': 'A.', 'b/c.md': 'C.', 'd.jsonl': '{"text":"D"}\n', 'ignored.csv': 'x' });
    const calls: [number, number][] = [];
    await loadCorpus(root, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('an edited file gets a new hash and an untouched one keeps its hash', async () => {
    const root = await temp({ 'a.txt': 'Alpha.', 'b.txt': 'Beta.' });
    const before = await loadCorpus(root);
    await writeFile(path.join(root, 'b.txt'), 'Beta, revised.');
    const after = await loadCorpus(root);
    expect(after.articles[0]?.hash).toBe(before.articles[0]?.hash);
    expect(after.articles[1]?.hash).not.toBe(before.articles[1]?.hash);
  });

  it('an empty corpus folder loads nothing and reports nothing', async () => {
    const root = await temp();
    expect(await loadCorpus(root)).toEqual({ articles: [], skipped: [], files: [] });
  });

  it('many files read at once each keep their own text and sidecar title, small and large alike', async () => {
    const tree: Record<string, string> = {};
    for (let i = 0; i < 60; i++) {
      // Sizes from a few bytes to over 64 KiB, so reads land in pooled and unpooled buffers alike.
      tree[`doc${i}.txt`] = `Document ${i} says ${'word'.repeat(i % 3 === 0 ? 1 : i * 300)} number ${i}.\n`;
      tree[`doc${i}.txt.meta.json`] = JSON.stringify({ title: `Title of ${i}` });
    }
    const { articles, skipped } = await loadCorpus(await temp(tree));
    expect(skipped).toEqual([]);
    expect(articles).toHaveLength(60);
    for (const a of articles) {
      const i = Number(a.id.slice(3));
      expect(a.text.trim(), a.id).toBe(tree[`doc${i}.txt`]!.trim());
      expect(a.meta.title, a.id).toBe(`Title of ${i}`);
    }
  });
});
