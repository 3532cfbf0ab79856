import { chmod, readFile, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashArticle, readCorpusFile } from '../../src/corpus/index.ts';
import { RUNNING_AS_ROOT, fixture, tempCorpora } from './helpers.ts';

const { temp } = tempCorpora();

const MIXED = fixture('corpus-mixed');
const FRONT = fixture('corpus-frontmatter');

describe('readCorpusFile on .txt and .md files', () => {
  it('a plain text file becomes one article whose text is the file exactly', async () => {
    const { articles, skipped } = await readCorpusFile(MIXED, 'plain.txt');
    expect(skipped).toEqual([]);
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({ id: 'plain', file: 'plain.txt', meta: { extra: {} } });
    expect(articles[0]?.text).toBe(await readFile(path.join(MIXED, 'plain.txt'), 'utf8'));
    expect(articles[0]?.line).toBeUndefined();
  });

  it('the article id is the path without its extension', async () => {
    const { articles } = await readCorpusFile(MIXED, 'news/2024/kyiv.txt');
    expect(articles[0]?.id).toBe('news/2024/kyiv');
    const upper = await readCorpusFile(MIXED, 'UPPER.TXT');
    expect(upper.articles[0]?.id).toBe('UPPER');
  });

  it('front matter fills title, url, date and source, keeps other keys, and is removed from the text', async () => {
    const { articles, skipped } = await readCorpusFile(MIXED, 'front.md');
    expect(skipped).toEqual([]);
    expect(articles[0]?.meta).toEqual({
      title: 'Kyiv after the storm',
      url: 'https://example.com/kyiv',
      date: '2024-05-01',
      source: 'Example News',
      extra: { author: 'Jane Doe', tags: 'weather, kyiv' },
    });
    expect(articles[0]?.text).toBe('Heavy rain hit Kyiv on Tuesday. Streets flooded in the Podil district.\n');
  });

  it('a malformed front matter block skips the file and names the line', async () => {
    const { articles, skipped } = await readCorpusFile(MIXED, 'broken-front.md');
    expect(articles).toEqual([]);
    expect(skipped).toEqual([
      { file: 'broken-front.md', reason: 'front matter line 3 is not "key: value": "this line is not a key value pair"' },
    ]);
  });

  it('a malformed front matter value is dropped with a warning naming the file, and the article loads', async () => {
    const root = await temp({ 'ferry.md': '---\ntitle: "Unclosed\ndate: [2024\nsource: Harbour Times\n---\nThe ferry runs hourly.\n' });
    const { articles, skipped } = await readCorpusFile(root, 'ferry.md');
    expect(articles).toHaveLength(1);
    expect(articles[0]?.meta).toEqual({ source: 'Harbour Times', extra: {} });
    expect(articles[0]?.text).toBe('The ferry runs hourly.\n');
    expect(skipped).toEqual([
      {
        file: 'ferry.md',
        reason: 'front matter line 2: "title" dropped: a quote opens but never closes ("Unclosed)',
        severity: 'warning',
      },
      {
        file: 'ferry.md',
        reason: 'front matter line 3: "date" dropped: "[" opens a YAML list or map that never closes ([2024)',
        severity: 'warning',
      },
    ]);
  });

  it('a url or link that is not an absolute http(s) URL is dropped with a warning, and the article loads without it', async () => {
    const root = await temp({
      'ferry.md': '---\ntitle: Ferry\nurl: www.harbourtimes.example/ferry timetable\n---\nThe ferry runs hourly.\n',
      'alias.md': '---\nlink: ftp://harbourtimes.example/ferry\n---\nBody.\n',
      'good.md': '---\nlink: https://harbourtimes.example/ferry\n---\nBody.\n',
    });
    const ferry = await readCorpusFile(root, 'ferry.md');
    expect(ferry.articles[0]?.meta).toEqual({ title: 'Ferry', extra: {} });
    expect(ferry.skipped).toEqual([
      {
        file: 'ferry.md',
        reason:
          'url dropped, the article loads without a link: "www.harbourtimes.example/ferry timetable" is not a URL (it contains spaces or control characters)',
        severity: 'warning',
      },
    ]);
    const alias = await readCorpusFile(root, 'alias.md');
    expect(alias.articles[0]?.meta.url).toBeUndefined();
    expect(alias.skipped).toMatchObject([{ file: 'alias.md', severity: 'warning' }]);
    expect(alias.skipped[0]?.reason).toMatch(/scheme "ftp"/);
    const good = await readCorpusFile(root, 'good.md');
    expect(good).toMatchObject({ articles: [{ meta: { url: 'https://harbourtimes.example/ferry' } }], skipped: [] });
  });

  it('a front matter block without a closing --- skips the file', async () => {
    const { articles, skipped } = await readCorpusFile(FRONT, 'unclosed.md');
    expect(articles).toEqual([]);
    expect(skipped).toEqual([
      {
        file: 'unclosed.md',
        reason:
          'front matter has no closing "---" line (opened on line 1; line 5 is not "key: value": "The body starts here but the block was …")',
      },
    ]);
    const root = await temp({ 'open.md': '---\ntitle: x\ndate: y\n' });
    expect((await readCorpusFile(root, 'open.md')).skipped).toEqual([
      { file: 'open.md', reason: 'front matter has no closing "---" line (opened on line 1)' },
    ]);
  });

  it('a front matter block longer than the line limit is reported as unclosed', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => `key${i}: value`).join('\n');
    const root = await temp({ 'long.md': `---\n${lines}\n---\nBody.\n` });
    expect((await readCorpusFile(root, 'long.md')).articles).toHaveLength(1);
    const { articles, skipped } = await readCorpusFile(root, 'long.md', { maxFrontMatterLines: 5 });
    expect(articles).toEqual([]);
    expect(skipped[0]?.reason).toBe('front matter has no closing "---" within 5 lines (opened on line 1)');
  });

  it('a file opening with a Markdown rule followed by prose is loaded whole, rule included', async () => {
    const { articles, skipped } = await readCorpusFile(MIXED, 'news/2024/rule.md');
    expect(skipped).toEqual([]);
    expect(articles[0]?.meta).toEqual({ extra: {} });
    expect(articles[0]?.text).toBe(await readFile(path.join(MIXED, 'news/2024/rule.md'), 'utf8'));
  });

  it('a rule followed by a Markdown heading and prose is not mistaken for front matter', async () => {
    const { articles } = await readCorpusFile(FRONT, 'heading-after-rule.md');
    expect(articles[0]?.text).toBe(await readFile(path.join(FRONT, 'heading-after-rule.md'), 'utf8'));
  });

  it('an empty front matter block is removed', async () => {
    const { articles } = await readCorpusFile(FRONT, 'empty-block.md');
    expect(articles[0]?.text).toBe('An empty front matter block is allowed and removed.\n');
    expect(articles[0]?.meta).toEqual({ extra: {} });
  });

  it('empty front matter values leave fields unset and a repeated key takes the later value', async () => {
    const { articles } = await readCorpusFile(FRONT, 'empty-values.md');
    expect(articles[0]?.meta).toEqual({ title: 'Later title wins', source: 'Example', extra: { note: '' } });
  });

  it('a file with front matter but no text is skipped', async () => {
    const { articles, skipped } = await readCorpusFile(FRONT, 'only-front-matter.md');
    expect(articles).toEqual([]);
    expect(skipped).toEqual([{ file: 'only-front-matter.md', reason: 'no text after the front matter' }]);
  });

  it('a UTF-8 BOM is removed and CRLF and lone CR line endings become \\n', async () => {
    const root = await temp({
      'crlf.txt': '\uFEFFFirst line.\r\nSecond line.\rThird line.\r\n',
      'front.md': '\uFEFF---\r\ntitle: Windows\r\n---\r\nBody.\r\n',
    });
    expect((await readCorpusFile(root, 'crlf.txt')).articles[0]?.text).toBe('First line.\nSecond line.\nThird line.\n');
    const front = (await readCorpusFile(root, 'front.md')).articles[0];
    expect(front?.meta.title).toBe('Windows');
    expect(front?.text).toBe('Body.\n');
  });

  it('text is otherwise left untouched (whitespace, curly quotes, non-Latin scripts)', async () => {
    const text = '  Indented “quote” — it’s Київ.\t\n\n\nTrailing spaces   \n';
    const root = await temp({ 'a.txt': text });
    expect((await readCorpusFile(root, 'a.txt')).articles[0]?.text).toBe(text);
  });

  it('empty and whitespace-only files are skipped as empty', async () => {
    const root = await temp({ 'empty.txt': '', 'blank.md': ' \n\t\r\n\uFEFF \n' });
    expect((await readCorpusFile(root, 'empty.txt')).skipped).toEqual([{ file: 'empty.txt', reason: 'empty file' }]);
    expect((await readCorpusFile(root, 'blank.md')).skipped).toEqual([{ file: 'blank.md', reason: 'empty file' }]);
  });

  it('a binary file is skipped', async () => {
    const root = await temp({ 'image.txt': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]) });
    const { articles, skipped } = await readCorpusFile(root, 'image.txt');
    expect(articles).toEqual([]);
    expect(skipped).toEqual([{ file: 'image.txt', reason: 'binary file (contains NUL bytes)' }]);
  });

  it('a file that is not valid UTF-8 is skipped rather than loaded with replacement characters', async () => {
    // "café" in Latin-1: 0xE9 is not valid UTF-8 on its own.
    const root = await temp({ 'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]) });
    expect((await readCorpusFile(root, 'latin1.txt')).skipped).toEqual([{ file: 'latin1.txt', reason: 'not UTF-8 text' }]);
  });

  it('a UTF-16 file is skipped with a message that says so', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Hello', 'utf16le')]);
    const root = await temp({ 'notepad.txt': utf16 });
    expect((await readCorpusFile(root, 'notepad.txt')).skipped).toEqual([
      { file: 'notepad.txt', reason: 'UTF-16 text (only UTF-8 is supported)' },
    ]);
  });

  it('a file over maxFileBytes is skipped with its size and the limit', async () => {
    const root = await temp({ 'big.txt': 'x'.repeat(3 * 1024 * 1024), 'small.txt': 'x'.repeat(300) });
    expect((await readCorpusFile(root, 'big.txt', { maxFileBytes: 2 * 1024 * 1024 })).skipped).toEqual([
      { file: 'big.txt', reason: 'file too large (3.0 MiB > 2 MiB limit)' },
    ]);
    expect((await readCorpusFile(root, 'small.txt', { maxFileBytes: 200 })).skipped).toEqual([
      { file: 'small.txt', reason: 'file too large (300 B > 200 B limit)' },
    ]);
    expect((await readCorpusFile(root, 'small.txt', { maxFileBytes: 300 })).articles).toHaveLength(1);
  });

  it('a file that disappeared is skipped, not thrown', async () => {
    const root = await temp({ 'gone.txt': 'soon gone' });
    await rm(path.join(root, 'gone.txt'));
    expect((await readCorpusFile(root, 'gone.txt')).skipped).toEqual([
      { file: 'gone.txt', reason: 'cannot read file (not found (removed while loading?))' },
    ]);
  });

  it.skipIf(RUNNING_AS_ROOT)('an unreadable file is skipped with "permission denied" (skipped as root: chmod 000 does not stop root)', async () => {
    const root = await temp({ 'locked.txt': 'secret' });
    await chmod(path.join(root, 'locked.txt'), 0o000);
    expect((await readCorpusFile(root, 'locked.txt')).skipped).toEqual([
      { file: 'locked.txt', reason: 'cannot read file (permission denied)' },
    ]);
  });

  it.skipIf(process.platform === 'win32')('a named pipe called .txt is skipped instead of blocking the load', async () => {
    const root = await temp();
    try {
      execFileSync('mkfifo', [path.join(root, 'pipe.txt')]);
    } catch {
      return; // no mkfifo on this system
    }
    expect((await readCorpusFile(root, 'pipe.txt')).skipped).toEqual([{ file: 'pipe.txt', reason: 'not a regular file' }]);
  });

  it('paths outside the corpus and unsupported extensions are refused', async () => {
    expect((await readCorpusFile(MIXED, '../corpus-duplicates/a.txt')).skipped[0]?.reason).toBe('path is outside the corpus directory');
    expect((await readCorpusFile(MIXED, 'notes.csv')).skipped[0]?.reason).toBe('unsupported file type (expected .txt, .md, .jsonl, .html, .htm, .pdf)');
  });

  it('the hash changes when the text or metadata changes and not otherwise', async () => {
    const root = await temp({
      'a.md': '---\ntitle: T\n---\nSame body.\n',
      'b/a.md': '---\ntitle: T\n---\nSame body.\n',
    });
    const first = (await readCorpusFile(root, 'a.md')).articles[0];
    const again = (await readCorpusFile(root, 'a.md')).articles[0];
    expect(first?.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(again?.hash).toBe(first?.hash);
    expect((await readCorpusFile(root, 'b/a.md')).articles[0]?.hash).not.toBe(first?.hash); // other id
    const meta = { title: 'T', extra: {} };
    expect(hashArticle('a', meta, 'Same body.\n')).toBe(first?.hash);
    expect(hashArticle('a', { ...meta, title: 'U' }, 'Same body.\n')).not.toBe(first?.hash);
    expect(hashArticle('a', meta, 'Same body!\n')).not.toBe(first?.hash);
    expect(hashArticle('a', { extra: { x: '1', y: '2' } }, 't')).toBe(hashArticle('a', { extra: { y: '2', x: '1' } }, 't'));
  });
});
