import { chmod, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorpusRootError, listCorpusFiles } from '../../src/corpus/index.ts';
import { RUNNING_AS_ROOT, fixture, tempCorpora } from './helpers.ts';

const { temp } = tempCorpora();

describe('listCorpusFiles', () => {
  it('finds .txt, .md and .jsonl files in nested folders, sorted, with / separators', async () => {
    const { files, skipped } = await listCorpusFiles(fixture('corpus-mixed'));
    expect(files.map((f) => f.file)).toEqual([
      'UPPER.TXT',
      'broken-front.md',
      'feeds/wire.jsonl',
      'front.md',
      'news/2024/kyiv.txt',
      'news/2024/rule.md',
      'plain.txt',
    ]);
    expect(skipped).toEqual([]);
  });

  it('ignores hidden files, hidden folders and other extensions without reporting them', async () => {
    const { files, skipped } = await listCorpusFiles(fixture('corpus-mixed'));
    const names = files.map((f) => f.file);
    expect(names).not.toContain('.hidden.txt');
    expect(names.some((n) => n.startsWith('.drafts/'))).toBe(false);
    expect(names).not.toContain('notes.csv');
    expect(names).not.toContain('README');
    expect(skipped).toEqual([]);
  });

  it('counts the files it left alone for their type, by extension (hidden ones not included)', async () => {
    const { ignored } = await listCorpusFiles(fixture('corpus-mixed'));
    expect(ignored).toEqual({ '': 1, '.csv': 1 });
  });

  it('reports each file with its size and modification time', async () => {
    const root = await temp({ 'a.txt': 'hello' });
    const { files } = await listCorpusFiles(root);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ file: 'a.txt', size: 5 });
    expect(files[0]?.mtimeMs).toBeGreaterThan(0);
  });

  it('matches extensions case-insensitively', async () => {
    const root = await temp({ 'a.TXT': 'x', 'b.Md': 'x', 'c.JSONL': '{"text":"x"}', 'd.txt.bak': 'x', '.txt': 'x' });
    const { files } = await listCorpusFiles(root);
    expect(files.map((f) => f.file)).toEqual(['a.TXT', 'b.Md', 'c.JSONL']);
  });

  it('follows symbolic links to files and lists them under the link name', async () => {
    const root = await temp({ 'real/article.txt': 'Linked article.' });
    await symlink(path.join(root, 'real/article.txt'), path.join(root, 'alias.txt'));
    const { files, skipped } = await listCorpusFiles(root);
    expect(files.map((f) => f.file)).toEqual(['alias.txt', 'real/article.txt']);
    expect(files[0]?.size).toBe('Linked article.'.length);
    expect(skipped).toEqual([]);
  });

  it('does not follow symbolic links to directories, so a link cycle cannot hang the scan', async () => {
    const root = await temp({ 'sub/a.txt': 'A.' });
    await symlink(root, path.join(root, 'sub', 'loop')); // sub/loop → root → sub → …
    const { files, skipped } = await listCorpusFiles(root);
    expect(files.map((f) => f.file)).toEqual(['sub/a.txt']);
    expect(skipped).toEqual([
      { file: 'sub/loop', reason: 'symbolic link to a directory (not followed, to avoid cycles)' },
    ]);
  });

  it('reports a broken symbolic link with a corpus extension', async () => {
    const root = await temp({ 'ok.txt': 'fine' });
    await symlink(path.join(root, 'missing.txt'), path.join(root, 'dangling.txt'));
    await symlink(path.join(root, 'missing.bin'), path.join(root, 'dangling.bin'));
    const { files, skipped } = await listCorpusFiles(root);
    expect(files.map((f) => f.file)).toEqual(['ok.txt']);
    expect(skipped).toEqual([{ file: 'dangling.txt', reason: 'broken symbolic link (its target does not exist)' }]);
  });

  it.skipIf(RUNNING_AS_ROOT)('reports an unreadable subfolder as skipped and lists the rest (skipped as root: chmod 000 does not stop root)', async () => {
    const root = await temp({ 'ok.txt': 'fine', 'locked/secret.txt': 'hidden' });
    await chmod(path.join(root, 'locked'), 0o000);
    const { files, skipped } = await listCorpusFiles(root);
    expect(files.map((f) => f.file)).toEqual(['ok.txt']);
    expect(skipped).toEqual([{ file: 'locked', reason: 'cannot read directory (permission denied)' }]);
  });

  it('throws a clear error when the corpus folder does not exist', async () => {
    const root = await temp();
    const missing = path.join(root, 'nope');
    await expect(listCorpusFiles(missing)).rejects.toThrow(`corpus directory not found: ${missing}`);
    await expect(listCorpusFiles(missing)).rejects.toBeInstanceOf(CorpusRootError);
  });

  it('throws a clear error when the corpus path is a file', async () => {
    const root = await temp({ 'file.txt': 'x' });
    const file = path.join(root, 'file.txt');
    await expect(listCorpusFiles(file)).rejects.toThrow(`corpus path is not a directory: ${file}`);
  });

  it('lists thousands of files in nested folders in a stable order', async () => {
    const tree: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) tree[`d${i % 7}/e${i % 13}/f${i}.txt`] = `article ${i}`;
    const root = await temp(tree);
    const first = await listCorpusFiles(root, { statConcurrency: 8 });
    const second = await listCorpusFiles(root, { statConcurrency: 200 });
    expect(first.files).toHaveLength(3000);
    const names = first.files.map((f) => f.file);
    expect(names).toEqual([...names].sort());
    expect(second.files.map((f) => f.file)).toEqual(names);
  });

  it('accepts an empty corpus folder', async () => {
    const root = await temp();
    await mkdir(path.join(root, 'empty-sub'));
    expect(await listCorpusFiles(root)).toEqual({ files: [], skipped: [], ignored: {} });
  });
});
