import { describe, expect, it } from 'vitest';
import { readCorpusFile } from '../../src/corpus/index.ts';
import { fixture, tempCorpora } from './helpers.ts';

const { temp } = tempCorpora();

const jsonl = (...records: unknown[]): string => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

describe('readCorpusFile on .jsonl files', () => {
  it('a bad JSONL line is skipped and the other lines load', async () => {
    const { articles, skipped } = await readCorpusFile(fixture('corpus-mixed'), 'feeds/wire.jsonl');
    expect(articles.map((a) => [a.id, a.line])).toEqual([
      ['wire-1', 1],
      ['feeds/wire:3', 3],
      ['42', 4],
      ['wire-11', 11],
    ]);
    expect(skipped.map((s) => [s.line, s.reason.replace(/\(Unexpected.*\)$/, '(…)')])).toEqual([
      [5, 'line 5: invalid JSON (…)'],
      [6, 'line 6: not a JSON object (got array)'],
      [7, 'line 7: missing "text" field'],
      [8, 'line 8: "text" is empty'],
      [9, 'line 9: "id" must be a string or number (got boolean)'],
      [10, 'line 10: "title" is not a string (got number)'],
    ]);
    expect(skipped.every((s) => s.file === 'feeds/wire.jsonl')).toBe(true);
    expect(skipped[0]?.reason).toMatch(/^line 5: invalid JSON \(.+\)$/);
  });

  it('a line whose url is not an absolute http(s) URL loads without it, with a warning naming the file and line', async () => {
    const root = await temp({
      'feed.jsonl': jsonl(
        { id: 'a', url: 'https://example.com/a', text: 'Kept link.' },
        { id: 'b', url: 'example.com/b', text: 'Dropped link.' },
        { id: 'c', url: `https://example.com/${'c'.repeat(2100)}`, text: 'Too long.' },
      ),
    });
    const { articles, skipped } = await readCorpusFile(root, 'feed.jsonl');
    expect(articles.map((a) => [a.id, a.meta.url])).toEqual([
      ['a', 'https://example.com/a'],
      ['b', undefined],
      ['c', undefined],
    ]);
    expect(skipped).toEqual([
      {
        file: 'feed.jsonl',
        line: 2,
        reason:
          'line 2: url dropped, the article loads without a link: "example.com/b" is not an absolute URL (expected http:// or https://…)',
        severity: 'warning',
      },
      {
        file: 'feed.jsonl',
        line: 3,
        reason: `line 3: url dropped, the article loads without a link: "https://example.com/${'c'.repeat(59)}…" is longer than 2,048 characters`,
        severity: 'warning',
      },
    ]);
  });

  it('warnings beyond the reporting budget are counted in one item, apart from errors', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => ({ id: `x${i}`, url: 'nope', text: 'T.' }));
    const root = await temp({ 'feed.jsonl': jsonl(...lines, '{bad') });
    const { articles, skipped } = await readCorpusFile(root, 'feed.jsonl', { maxReportedLineErrors: 2 });
    expect(articles).toHaveLength(5);
    expect(skipped.map((s) => [s.line, s.severity, s.reason.slice(0, 30)])).toEqual([
      [1, 'warning', 'line 1: url dropped, the artic'],
      [2, 'warning', 'line 2: url dropped, the artic'],
      [6, undefined, 'line 6: invalid JSON (Expected'],
      [undefined, 'warning', '3 more warnings not listed (on'],
    ]);
  });

  it('JSONL metadata fills the article fields, publisher counts as source, and other scalar fields go to extra', async () => {
    const { articles } = await readCorpusFile(fixture('corpus-mixed'), 'feeds/wire.jsonl');
    expect(articles[0]).toMatchObject({
      file: 'feeds/wire.jsonl',
      meta: {
        title: 'Ceasefire talks resume',
        url: 'https://example.com/wire-1',
        date: '2024-03-01',
        source: 'Example Wire',
        extra: {},
      },
      text: 'Talks resumed on Monday. Both sides attended.',
    });
    expect(articles[1]?.meta).toEqual({ title: 'No id here', source: 'Daily Example', extra: {} });
    expect(articles[2]?.meta).toEqual({ extra: { author: 'A. Writer' } });
    expect(articles[3]?.meta).toEqual({ extra: {} });
    expect(new Set(articles.map((a) => a.hash)).size).toBe(4);
  });

  it('text from JSON gets the same line-ending normalization as files', async () => {
    const root = await temp({ 'a.jsonl': jsonl({ text: '\uFEFFone\r\ntwo\rthree' }) });
    expect((await readCorpusFile(root, 'a.jsonl')).articles[0]?.text).toBe('one\ntwo\nthree');
  });

  it('reads CRLF files, a leading BOM and a last line without a newline', async () => {
    const root = await temp({ 'a.jsonl': '\uFEFF{"text":"first"}\r\n\r\n{"text":"second"}\r\n{"text":"third"}' });
    const { articles, skipped } = await readCorpusFile(root, 'a.jsonl');
    expect(skipped).toEqual([]);
    expect(articles.map((a) => [a.id, a.text])).toEqual([
      ['a:1', 'first'],
      ['a:3', 'second'],
      ['a:4', 'third'],
    ]);
  });

  it('a line too long is skipped with its size and the following lines still load', async () => {
    const long = jsonl({ id: 'long', text: 'x'.repeat(600 * 1024) }); // spans several read chunks
    const root = await temp({ 'a.jsonl': jsonl({ id: 'before', text: 'ok' }) + long + jsonl({ id: 'after', text: 'ok' }) });
    const { articles, skipped } = await readCorpusFile(root, 'a.jsonl', { maxArticleBytes: 512 * 1024 });
    expect(articles.map((a) => a.id)).toEqual(['before', 'after']);
    expect(skipped).toEqual([{ file: 'a.jsonl', line: 2, reason: 'line 2: line too large (600.0 KiB > 512 KiB limit)' }]);
    // Under the limit, the same line loads even though it spans read chunks.
    expect((await readCorpusFile(root, 'a.jsonl')).articles.map((a) => a.id)).toEqual(['before', 'long', 'after']);
  });

  it('multi-byte characters split across read chunks are decoded correctly', async () => {
    // Put "’" (3 bytes) right across the 256 KiB chunk boundary.
    const prefix = '{"text":"';
    const filler = 'a'.repeat(256 * 1024 - prefix.length - 1);
    const text = `${filler}’s end`;
    const root = await temp({ 'a.jsonl': `${prefix}${text}"}\n` });
    const { articles, skipped } = await readCorpusFile(root, 'a.jsonl');
    expect(skipped).toEqual([]);
    expect(articles[0]?.text).toBe(text);
  });

  it('a line that is not UTF-8 is skipped and the rest of the file loads', async () => {
    const bad = Buffer.from([...Buffer.from('{"text":"caf'), 0xe9, ...Buffer.from('"}\n')]);
    const root = await temp({ 'a.jsonl': Buffer.concat([Buffer.from('{"text":"good"}\n'), bad, Buffer.from('{"text":"also good"}\n')]) });
    const { articles, skipped } = await readCorpusFile(root, 'a.jsonl');
    expect(articles.map((a) => a.text)).toEqual(['good', 'also good']);
    expect(skipped).toEqual([{ file: 'a.jsonl', line: 2, reason: 'line 2: not UTF-8 text' }]);
  });

  it('ids may be strings or numbers; blank and null ids fall back to file and line', async () => {
    const root = await temp({
      'feed.jsonl': jsonl({ id: 7, text: 'a' }, { id: 1.5, text: 'b' }, { id: '   ', text: 'c' }, { id: null, text: 'd' }),
    });
    const { articles } = await readCorpusFile(root, 'feed.jsonl');
    expect(articles.map((a) => a.id)).toEqual(['7', '1.5', 'feed:3', 'feed:4']);
  });

  it('a numeric id too large to keep exactly is refused', async () => {
    const root = await temp({ 'a.jsonl': '{"id": 12345678901234567890, "text": "x"}\n' });
    expect((await readCorpusFile(root, 'a.jsonl')).skipped[0]?.reason).toBe(
      'line 1: "id" is a number too large to keep exactly (write it as a string)',
    );
  });

  it('non-string text and non-object lines are skipped with what was found', async () => {
    const root = await temp({ 'a.jsonl': jsonl({ text: 5 }, { text: null }, 'null', '"just a string"', '{"text": ["a"]}') });
    expect((await readCorpusFile(root, 'a.jsonl')).skipped.map((s) => s.reason)).toEqual([
      'line 1: "text" is not a string (got number)',
      'line 2: missing "text" field',
      'line 3: not a JSON object (got null)',
      'line 4: not a JSON object (got string)',
      'line 5: "text" is not a string (got array)',
    ]);
  });

  it('a file in the wrong format lists the first bad lines and counts the rest', async () => {
    const csv = Array.from({ length: 250 }, (_, i) => `${i},some,csv`).join('\n');
    const root = await temp({ 'wrong.jsonl': csv });
    const { articles, skipped } = await readCorpusFile(root, 'wrong.jsonl', { maxReportedLineErrors: 100 });
    expect(articles).toEqual([]);
    expect(skipped).toHaveLength(101);
    expect(skipped[99]?.line).toBe(100);
    expect(skipped[100]).toEqual({ file: 'wrong.jsonl', reason: '150 more bad lines not listed (only the first 100 are)' });
  });

  it('empty, blank-only, binary and UTF-16 JSONL files are skipped as a whole', async () => {
    const root = await temp({
      'empty.jsonl': '',
      'blank.jsonl': '\n  \n\r\n',
      'binary.jsonl': new Uint8Array([0x7b, 0x00, 0x01, 0x02, 0x0a]),
      'utf16.jsonl': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"text":"x"}\n', 'utf16le')]),
    });
    expect((await readCorpusFile(root, 'empty.jsonl')).skipped).toEqual([{ file: 'empty.jsonl', reason: 'empty file' }]);
    expect((await readCorpusFile(root, 'blank.jsonl')).skipped).toEqual([{ file: 'blank.jsonl', reason: 'empty file' }]);
    expect((await readCorpusFile(root, 'binary.jsonl')).skipped).toEqual([
      { file: 'binary.jsonl', reason: 'binary file (contains NUL bytes)' },
    ]);
    expect((await readCorpusFile(root, 'utf16.jsonl')).skipped).toEqual([
      { file: 'utf16.jsonl', reason: 'UTF-16 text (only UTF-8 is supported)' },
    ]);
  });

  it('a large JSONL file is read line by line and is not limited by maxFileBytes', async () => {
    const records = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: `r${i}`, text: `Record number ${i}.` }));
    const root = await temp({ 'big.jsonl': records.join('\n') + '\n' });
    const { articles, skipped } = await readCorpusFile(root, 'big.jsonl', { maxFileBytes: 1024 });
    expect(skipped).toEqual([]);
    expect(articles).toHaveLength(20_000);
    expect(articles[19_999]).toMatchObject({ id: 'r19999', line: 20_000, text: 'Record number 19999.' });
  });
});
