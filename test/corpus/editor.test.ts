/**
 * The corpus editor on a real corpus folder and a real engine: adding files,
 * links and attachments, titles, duplicates, names, the audit log, listing
 * and removing. Links are served by a loopback HTTP server the tests start.
 */
import { readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CorpusEditor, type Actor } from '../../src/corpus/editor/index.ts';
import { openEngine } from '../../src/engine/open.ts';
import type { AnswerEngine } from '../../src/engine/types.ts';
import { fixture, tempCorpora } from './helpers.ts';
import { reportPdf } from './pdfs.ts';

const { temp } = tempCorpora();
const ALICE: Actor = { id: '111111111111111111', name: 'alice', via: 'discord' };
const HTML = fixture('corpus-html');

let server: http.Server;
let base = '';
beforeAll(async () => {
  const page = await readFile(path.join(HTML, 'harbour-ferry.html'));
  const pdf = Buffer.from(await reportPdf());
  server = http.createServer((req, res) => {
    const routes: Record<string, [string, Buffer | string]> = {
      '/news/ferry.html': ['text/html; charset=utf-8', page],
      '/reports/night-ferry.pdf': ['application/pdf', pdf],
      '/notes.txt': ['text/plain; charset=windows-1252', Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x70, 0x65, 0x6e, 0x73, 0x20, 0x69, 0x6e, 0x20, 0x4d, 0x61, 0x79, 0x2e])],
      '/image.png': ['image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47])],
      '/uploads/..%2F..%2Fx.txt': ['text/plain', 'A crafted attachment name must land inside the corpus folder.'],
    };
    const route = routes[req.url ?? ''];
    if (req.url === '/moved') {
      res.writeHead(302, { location: '/news/ferry.html' }).end();
      return;
    }
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': route[0] }).end(route[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Setup {
  root: string;
  corpus: string;
  data: string;
  engine: AnswerEngine;
  editor: CorpusEditor;
}

const engines: AnswerEngine[] = [];
afterEach(async () => {
  while (engines.length > 0) await engines.pop()?.close();
});

/** A corpus folder with one article, its engine (in this thread) and an editor. */
async function setup(tree: Record<string, string | Uint8Array> = {}): Promise<Setup> {
  const root = await temp({ 'corpus/seed.txt': 'The harbour board meets every Tuesday in the old customs house.', ...tree });
  const corpus = path.join(root, 'corpus');
  const data = path.join(root, 'data');
  const { engine } = await openEngine({ corpusDir: corpus, inProcess: true });
  engines.push(engine);
  const editor = new CorpusEditor({ corpusDir: corpus, dataDir: data, engine, fetch: { allowHosts: ['127.0.0.1'] } });
  return { root, corpus, data, engine, editor };
}

const auditLines = async (data: string) =>
  (await readFile(path.join(data, 'corpus-audit.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('adding documents', () => {
  it('a text file is written under added/, indexed, answerable at once, and logged', async () => {
    const { corpus, data, engine, editor } = await setup();
    const bytes = new TextEncoder().encode('Lighthouse reopens\nThe lighthouse on the north pier reopens to visitors on the first of June.\n');
    const result = await editor.add({ document: { kind: 'bytes', name: 'Lighthouse News.txt', bytes }, by: ALICE });
    expect(result).toMatchObject({
      ok: true,
      file: 'added/lighthouse-news.txt',
      articles: [{ id: 'added/lighthouse-news', title: 'Lighthouse reopens', sentences: 1 }],
      source: 'Lighthouse News.txt',
    });
    expect(await readFile(path.join(corpus, 'added/lighthouse-news.txt'))).toEqual(Buffer.from(bytes));
    const answer = await engine.ask('when does the lighthouse reopen to visitors');
    expect(answer.quotes[0]?.article.id).toBe('added/lighthouse-news');
    const [entry] = await auditLines(data);
    expect(entry).toMatchObject({
      action: 'add',
      by: ALICE,
      articles: ['added/lighthouse-news'],
      file: 'added/lighthouse-news.txt',
      origin: { attachment: 'Lighthouse News.txt' },
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('a web page from a link is named after its title and cites the page', async () => {
    const { editor, engine } = await setup();
    const result = await editor.add({ document: { kind: 'url', url: `${base}/moved` }, by: ALICE });
    expect(result).toMatchObject({
      ok: true,
      file: 'added/night-ferry-returns-to-the-bay-after-six-years.html',
      source: `${base}/moved`,
      articles: [{ title: 'Night ferry returns to the bay after six years' }],
    });
    const view = await engine.article('added/night-ferry-returns-to-the-bay-after-six-years');
    expect(view?.article.url).toBe('https://www.harbourtimes.example/news/2024/03/night-ferry-returns'); // its own canonical link
  });

  it('a PDF from a link keeps its pages, and a title given replaces its own, through a sidecar', async () => {
    const { corpus, editor, engine } = await setup();
    const result = await editor.add({ document: { kind: 'url', url: `${base}/reports/night-ferry.pdf` }, title: 'Ferry report, June', by: ALICE });
    expect(result).toMatchObject({ ok: true, file: 'added/ferry-report-june.pdf', articles: [{ id: 'added/ferry-report-june', title: 'Ferry report, June' }] });
    expect(JSON.parse(await readFile(path.join(corpus, 'added/ferry-report-june.pdf.meta.json'), 'utf8'))).toEqual({
      title: 'Ferry report, June',
      url: `${base}/reports/night-ferry.pdf`, // the PDF names no link: the one it came from
    });
    const answer = await engine.ask('monthly passes valid on every sailing');
    expect(answer.quotes[0]).toMatchObject({ article: { id: 'added/ferry-report-june', title: 'Ferry report, June' }, page: 2 });
  });

  it('plain text in another character set is stored as UTF-8', async () => {
    const { corpus, editor } = await setup();
    const result = await editor.add({ document: { kind: 'url', url: `${base}/notes.txt` }, by: ALICE });
    expect(result).toMatchObject({ ok: true, file: 'added/notes.txt' });
    expect(await readFile(path.join(corpus, 'added/notes.txt'), 'utf8')).toBe('Café opens in May.');
  });

  it('an attachment is downloaded from its URL, and a crafted name lands inside added/', async () => {
    const { root, corpus, editor } = await setup();
    const result = await editor.add({
      document: { kind: 'attachment', url: `${base}/uploads/..%2F..%2Fx.txt`, name: '../../x.txt', size: 62 },
      by: ALICE,
    });
    expect(result).toMatchObject({ ok: true, file: 'added/x.txt' });
    expect(await readdir(path.join(corpus, 'added'))).toEqual(['x.txt']);
    expect(await readdir(root)).toEqual(['corpus', 'data']); // nothing beside the corpus folder
  });

  it('a second document with the same name gets a name of its own, whatever its format', async () => {
    const { editor } = await setup();
    const add = (name: string, text: string) => editor.add({ document: { kind: 'bytes', name, bytes: new TextEncoder().encode(text) }, by: ALICE });
    expect(await add('ferry.txt', 'The ferry leaves at nine.')).toMatchObject({ file: 'added/ferry.txt' });
    expect(await add('ferry.md', 'The ferry returns at ten.')).toMatchObject({ file: 'added/ferry-2.md' });
    expect(await add('ferry.txt', 'The ferry is late today.')).toMatchObject({ file: 'added/ferry-3.txt' });
  });

  it('a document whose text is already in the corpus is refused, naming the article, and nothing is written', async () => {
    const { corpus, editor } = await setup();
    const again = new TextEncoder().encode('  The harbour board meets every Tuesday\nin the old customs house.\n');
    const result = await editor.add({ document: { kind: 'bytes', name: 'copy.txt', bytes: again }, by: ALICE });
    expect(result).toEqual({ ok: false, reason: 'this text is already in the corpus as "The harbour board meets every Tuesday in the old customs house" (seed)' });
    await expect(readdir(path.join(corpus, 'added'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses what it cannot read, with the reason, and writes nothing', async () => {
    const { corpus, editor } = await setup();
    const bytes = (name: string, content: string | Uint8Array) => ({
      document: { kind: 'bytes' as const, name, bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content },
      by: ALICE,
    });
    expect(await editor.add(bytes('photo.png', 'x'))).toEqual({
      ok: false,
      reason: 'photo.png is not a document Verbatim reads (.txt, .md, .jsonl, .html, .htm, .pdf)',
    });
    expect(await editor.add(bytes('empty.txt', '  \n'))).toEqual({ ok: false, reason: 'nothing to add: empty file' });
    expect(await editor.add(bytes('fake.pdf', 'not a pdf'))).toEqual({ ok: false, reason: 'nothing to add: not a PDF file (no "%PDF-" header)' });
    expect(await editor.add({ document: { kind: 'url', url: `${base}/image.png` }, by: ALICE })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/has content type image\/png; only web pages/),
    });
    expect(await editor.add({ document: { kind: 'url', url: `${base}/missing` }, by: ALICE })).toEqual({ ok: false, reason: '127.0.0.1 answered 404 Not Found' });
    expect(await editor.add({ document: { kind: 'url', url: 'http://10.1.2.3/' }, by: ALICE })).toMatchObject({ ok: false, reason: expect.stringMatching(/private address/) });
    expect(await editor.add({ ...bytes('t.txt', 'Fine text.'), title: 'x'.repeat(201) })).toEqual({ ok: false, reason: 'the title is longer than 200 characters' });
    await expect(readdir(path.join(corpus, 'added'))).rejects.toThrow(/ENOENT/);
  });

  it('an added/ folder that is a link out of the corpus is refused', async () => {
    const { root, corpus, editor } = await setup();
    await symlink(root, path.join(corpus, 'added'));
    const result = await editor.add({ document: { kind: 'bytes', name: 'x.txt', bytes: new TextEncoder().encode('Some text here.') }, by: ALICE });
    expect(result).toEqual({ ok: false, reason: 'added/ in the corpus folder is not a folder (a link?); nothing is written' });
    expect(await readdir(root)).toEqual(['corpus']); // nothing written anywhere, not even the audit log
  });

  it('two adds at once both land, one after the other', async () => {
    const { editor, engine } = await setup();
    const add = (name: string, text: string) => editor.add({ document: { kind: 'bytes', name, bytes: new TextEncoder().encode(text) }, by: ALICE });
    const [a, b] = await Promise.all([add('a.txt', 'The first pier is closed for repairs.'), add('b.txt', 'The second pier opens on Monday morning.')]);
    expect(a.ok && b.ok).toBe(true);
    expect((await engine.status()).articles).toBe(3);
  });
});

describe('listing and removing', () => {
  it('lists added documents newest first with who added them, when and from where, and pages them', async () => {
    const { editor } = await setup();
    const bob: Actor = { id: 'bob', name: 'bob', via: 'cli' };
    await editor.add({ document: { kind: 'bytes', name: 'one.txt', bytes: new TextEncoder().encode('The first notice is here.') }, by: ALICE });
    await editor.add({ document: { kind: 'url', url: `${base}/news/ferry.html` }, by: bob });
    const { total, items } = await editor.list();
    expect(total).toBe(2);
    expect(items.map((i) => [i.id, i.addedBy.name, i.source])).toEqual([
      ['added/night-ferry-returns-to-the-bay-after-six-years', 'bob', `${base}/news/ferry.html`],
      ['added/one', 'alice', 'one.txt'],
    ]);
    expect(items[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await editor.list({ offset: 1, limit: 1 })).items.map((i) => i.id)).toEqual(['added/one']);
  });

  it('removing deletes the file and its sidecar, re-indexes, and is logged; the list no longer shows it', async () => {
    const { corpus, data, editor, engine } = await setup();
    await editor.add({ document: { kind: 'bytes', name: 'notice.txt', bytes: new TextEncoder().encode('The ferry is cancelled on Sunday.') }, title: 'Sunday notice', by: ALICE });
    expect(await readdir(path.join(corpus, 'added'))).toEqual(['sunday-notice.txt', 'sunday-notice.txt.meta.json']);
    const result = await editor.remove('added/sunday-notice', ALICE);
    expect(result).toMatchObject({ ok: true, file: 'added/sunday-notice.txt', removed: [{ id: 'added/sunday-notice', title: 'Sunday notice' }] });
    expect(await readdir(path.join(corpus, 'added'))).toEqual([]);
    expect(await engine.article('added/sunday-notice')).toBeUndefined();
    expect((await editor.list()).total).toBe(0);
    expect((await auditLines(data)).map((e) => e['action'])).toEqual(['add', 'remove']);
  });

  it('refuses to remove an article that was not added through it, or that does not exist', async () => {
    const { corpus, editor } = await setup();
    expect(await editor.remove('seed', ALICE)).toEqual({
      ok: false,
      reason: '"The harbour board meets every Tuesday in the old customs house" was not added from Discord or the command line: it is seed.txt in the corpus folder; remove it there',
    });
    expect(await readFile(path.join(corpus, 'seed.txt'), 'utf8')).toContain('harbour board');
    expect(await editor.remove('nope', ALICE)).toEqual({ ok: false, reason: 'there is no article "nope"' });
  });
});

describe('metadata sidecars', () => {
  it('a sidecar sets the title and link of a document, and an edit of the sidecar alone is picked up by a reload', async () => {
    const { corpus, engine } = await setup({ 'corpus/story.html': await readFile(path.join(HTML, 'broken.html')) });
    expect((await engine.article('story'))?.article.title).toBe('Storm damage on the pier');
    await writeFile(path.join(corpus, 'story.html.meta.json'), JSON.stringify({ title: 'Pier storm damage', url: 'https://example.com/pier' }));
    const report = await engine.reload();
    expect(report.changed).toEqual(['story']);
    expect((await engine.article('story'))?.article).toMatchObject({ title: 'Pier storm damage', url: 'https://example.com/pier' });
  });

  it('a broken sidecar is ignored with a warning, and the document loads', async () => {
    const { corpus, engine } = await setup();
    await writeFile(path.join(corpus, 'note.txt'), 'A note about the ferry timetable.');
    await writeFile(path.join(corpus, 'note.txt.meta.json'), '{ not json');
    const report = await engine.reload();
    expect(report.added).toEqual(['note']);
    expect(report.skipped).toContainEqual({ file: 'note.txt', reason: 'metadata sidecar note.txt.meta.json ignored: not valid JSON', severity: 'warning' });
  });
});

