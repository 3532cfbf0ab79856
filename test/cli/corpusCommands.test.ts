/**
 * `verbatim add | list | remove` as a user runs them (the real executable as a
 * child process), and `/corpus` in the console: the same editor underneath,
 * on real files, with links served by a loopback HTTP server.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/cli/console.ts';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import { fixture, tempCorpora } from '../corpus/helpers.ts';
import { reportPdf } from '../corpus/pdfs.ts';
import { verbatim } from './runCli.ts';

const { temp } = tempCorpora();

let server: http.Server;
let base = '';
beforeAll(async () => {
  const page = await readFile(path.join(fixture('corpus-html'), 'lighthouse.htm'));
  server = http.createServer((req, res) => {
    if (req.url === '/lens.html') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A corpus with one article, and the environment that points the CLI at it. */
async function corpusFolder() {
  const root = await temp({ 'corpus/seed.txt': 'The harbour board meets every Tuesday in the old customs house.' });
  const corpus = path.join(root, 'corpus');
  const env = { DATA_DIR: path.join(root, 'data'), FETCH_ALLOW_HOSTS: '127.0.0.1', CORPUS_DIR: corpus };
  return { root, corpus, env };
}

describe('verbatim add, list and remove', () => {
  it('adds a local PDF and a link, lists them newest first, and removes one', async () => {
    const { root, corpus, env } = await corpusFolder();
    const pdf = path.join(root, 'Night Ferry Report.pdf');
    await writeFile(pdf, await reportPdf());

    const addPdf = await verbatim(['add', pdf, '--title', 'Ferry report'], undefined, env);
    expect(addPdf.code).toBe(0);
    expect(addPdf.stdout).toBe(`Added "Ferry report" as added/ferry-report (4 sentences) from ${pdf}; file added/ferry-report.pdf.\n`);
    expect(addPdf.stderr).toContain('after /reload');

    const addLink = await verbatim(['add', `${base}/lens.html`, '--json'], undefined, env);
    expect(addLink.code).toBe(0);
    expect(JSON.parse(addLink.stdout)).toMatchObject({
      ok: true,
      file: 'added/the-lighthouse-lens-is-back.html',
      source: `${base}/lens.html`,
    });

    const list = await verbatim(['list', '--json'], undefined, env);
    const listed = JSON.parse(list.stdout) as { total: number; items: Array<{ id: string; addedBy: { via: string } }> };
    expect(listed.total).toBe(2);
    expect(listed.items.map((i) => i.id)).toEqual(['added/the-lighthouse-lens-is-back', 'added/ferry-report']);
    expect(listed.items[0]?.addedBy.via).toBe('cli');

    const remove = await verbatim(['remove', 'added/ferry-report'], undefined, env);
    expect(remove.code).toBe(0);
    expect(remove.stdout).toBe('Removed added/ferry-report ("Ferry report"); deleted added/ferry-report.pdf.\n');
    // The page names no link of its own: its sidecar keeps the one it came from.
    expect(await readdir(path.join(corpus, 'added'))).toEqual([
      'the-lighthouse-lens-is-back.html',
      'the-lighthouse-lens-is-back.html.meta.json',
    ]);
  }, 120_000); // five runs of the CLI, on a machine that may be busy

  it('says why nothing was added or removed, with exit code 1, and wrong usage with exit code 2', async () => {
    const { env } = await corpusFolder();
    const missing = await verbatim(['add', `${base}/missing.html`], undefined, env);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain('verbatim: nothing added: 127.0.0.1 answered 404 Not Found');
    const seed = await verbatim(['remove', 'seed'], undefined, env);
    expect(seed.code).toBe(1);
    expect(seed.stderr).toMatch(/nothing removed: .* was not added from Discord or the command line: it is seed\.txt/);
    expect((await verbatim(['add'], undefined, env)).code).toBe(2);
  }, 60_000);
});

describe('/corpus in the console', () => {
  it('adds a local file, lists it, and removes it after the Remove button is pressed', async () => {
    const { root, corpus, env } = await corpusFolder();
    const notes = path.join(root, 'pier notes.md');
    await writeFile(notes, '# Pier notes\n\nThe pier café opens at eight every morning in summer.\n');
    const { engine } = await LocalEngine.open({ corpusDir: corpus });
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d) => (printed += d));
    input.end(
      [
        `/corpus add file:"${notes}" title:"Café hours"`,
        'when does the pier café open',
        '/corpus list',
        '/corpus remove added/cafe-hours',
        '/press Remove',
        '/corpus list',
      ].join('\n') + '\n',
    );
    try {
      await runConsole({ corpusDir: corpus, engine, input, output, log: () => undefined, dataDir: env.DATA_DIR, fetchAllowHosts: [] });
    } finally {
      await engine.close();
    }
    expect(printed).toContain('Added to the corpus');
    expect(printed).toContain('Café hours (`added/cafe-hours`): 1 sentence\n');
    expect(printed).toMatch(/The pier café opens at eight every morning in summer\./);
    expect(printed).toMatch(
      /Added documents \(1\)[\s\S]*Café hours \(`added\/cafe-hours`\)\nadded by \S+ on \d{4}-\d\d-\d\d \d\d:\d\d UTC from .*pier notes\.md/,
    );
    expect(printed).toContain('Remove this document?');
    expect(printed).toContain('Removed from the corpus');
    expect(printed).toContain('Nothing has been added yet.');
    expect(await readdir(path.join(corpus, 'added'))).toEqual([]);
    const audit = (await readFile(path.join(env.DATA_DIR, 'corpus-audit.jsonl'), 'utf8')).trim().split('\n');
    expect(audit.map((l) => (JSON.parse(l) as { action: string; by: { via: string } }).by.via)).toEqual(['console', 'console']);
  });
});
