/**
 * Ingest bench: how fast the corpus loader reads web pages and PDFs, next to
 * a reference measured in the same run: the same stories as plain .txt files
 * (one paragraph per line), read by the same loader. Machines differ, so the
 * ratio is the figure to compare.
 *
 *   npm run bench:ingest -- [--pages N] [--compare-jsdom DIR]
 *
 * --pages N            documents per format (default 200)
 * --compare-jsdom DIR  also parse the HTML pages with jsdom instead of linkedom
 *                      (DIR: a folder whose node_modules holds jsdom, installed
 *                      apart: `npm install --prefix DIR jsdom`); this is how the
 *                      DOM was chosen (README, "The corpus")
 *
 * Then the time from `/corpus add` to the new article being answerable: the
 * corpus editor (the code path of /corpus add, `verbatim add` and the console)
 * adds one web page to a corpus of the seed articles and the .txt stories,
 * with the index in a worker thread as the bot has it, until `ask` quotes it;
 * next to a full build of the same corpus in the same run (what an add would
 * cost without the incremental update).
 *
 * Results go to stdout, progress to stderr. Files are written under
 * .bench-out/ingest/ (recreated each run).
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CorpusEditor } from '../src/corpus/editor/index.ts';
import { readCorpusFile } from '../src/corpus/index.ts';
import { openEngine } from '../src/engine/open.ts';
import { newsPage, seedParagraphs, storyOf } from './lib/newsPages.ts';
import { storyPdf } from './lib/newsPdfs.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
const MB = 1024 * 1024;

interface Measure {
  files: number;
  seconds: number;
  bytes: number;
  /** Characters of article text produced. */
  chars: number;
  /** Largest heap seen after a file, in bytes above the heap before the run. */
  peakHeap: number;
}

/** Reads every file of `dir` in order, one at a time, with the real loader. */
async function readAll(dir: string, files: readonly string[], sizes: ReadonlyMap<string, number>): Promise<Measure> {
  for (const f of files.slice(0, 3)) await readCorpusFile(dir, f); // warm-up: module loading, JIT
  const heap0 = process.memoryUsage().heapUsed;
  let peakHeap = 0;
  let chars = 0;
  let bytes = 0;
  const t0 = performance.now();
  for (const file of files) {
    const { articles, skipped } = await readCorpusFile(dir, file);
    if (articles.length !== 1) throw new Error(`${file}: ${skipped.map((s) => s.reason).join('; ')}`);
    chars += articles[0]!.text.length;
    bytes += sizes.get(file) ?? 0;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - heap0);
  }
  return { files: files.length, seconds: (performance.now() - t0) / 1000, bytes, chars, peakHeap };
}

/** A page no story of the bench tells, and the question it answers. */
const ADDED_PAGE = `<!doctype html><html><head><title>Quillmoor lighthouse - Harbour News</title></head><body><article>
<h1>The Quillmoor lighthouse keeps its keeper</h1>
<p>The Quillmoor lighthouse will keep a resident keeper through the winter, the harbour board decided on Tuesday.</p>
<p>During winter storms the keeper rings the Quillmoor fog bell every seven minutes, as keepers have done since 1871.</p>
</article></body></html>`;
const ADDED_QUESTION = 'how often does the Quillmoor keeper ring the fog bell';

/**
 * Milliseconds from asking the editor to add {@link ADDED_PAGE} until `ask` quotes it, and of a full
 * build of the same corpus (the reference), each the median of `runs`.
 */
async function addToAnswerable(
  corpusDir: string,
  dataDir: string,
  runs: number,
): Promise<{ addMs: number; buildMs: number; sentences: number }> {
  const adds: number[] = [];
  const builds: number[] = [];
  let sentences = 0;
  for (let run = 0; run < runs; run++) {
    await rm(path.join(corpusDir, 'added'), { recursive: true, force: true });
    const t0 = performance.now();
    const { engine, report } = await openEngine({ corpusDir });
    builds.push(performance.now() - t0);
    sentences = report.after.sentences;
    try {
      const editor = new CorpusEditor({ corpusDir, dataDir, engine });
      const t1 = performance.now();
      const added = await editor.add({
        document: { kind: 'bytes', name: 'quillmoor.html', bytes: Buffer.from(ADDED_PAGE) },
        by: { id: 'bench', name: 'bench', via: 'cli' },
      });
      if (!added.ok) throw new Error(`the page was not added: ${added.reason}`);
      for (;;) {
        const answer = await engine.ask(ADDED_QUESTION);
        if (answer.quotes.some((q) => q.article.id === added.articles[0]!.id)) break;
        if (performance.now() - t1 > 60_000) throw new Error('the added page was not answerable within 60 s');
      }
      adds.push(performance.now() - t1);
    } finally {
      await engine.close();
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { addMs: median(adds), buildMs: median(builds), sentences };
}

const fmt = (n: number, digits = 1): string => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { pages: { type: 'string' }, 'compare-jsdom': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    log('usage: npm run bench:ingest -- [--pages N] [--compare-jsdom DIR]');
    return;
  }
  const count = Number(values.pages ?? 200);
  if (!Number.isInteger(count) || count < 4) throw new Error('--pages must be a whole number of at least 4');

  const out = path.join(repoRoot, '.bench-out', 'ingest');
  await rm(out, { recursive: true, force: true });
  const dirs = { html: path.join(out, 'html'), pdf: path.join(out, 'pdf'), txt: path.join(out, 'txt') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });

  log(`ingest bench: ${count} documents per format; Node ${process.version}, ${os.cpus().length} CPUs`);
  const paragraphs = seedParagraphs(path.join(repoRoot, 'corpus'));
  const names: string[] = [];
  const sizes = { html: new Map<string, number>(), pdf: new Map<string, number>(), txt: new Map<string, number>() };
  let pdfPages = 0;
  const pages: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `doc-${String(i).padStart(4, '0')}`;
    names.push(name);
    const { headline, body } = storyOf(paragraphs, i);
    const html = newsPage(paragraphs, i);
    pages.push(html);
    const pdf = await storyPdf(headline, body);
    pdfPages += pdf.pages;
    const txt = `${headline}\n${body.join('\n')}\n`;
    await writeFile(path.join(dirs.html, `${name}.html`), html);
    await writeFile(path.join(dirs.pdf, `${name}.pdf`), pdf.bytes);
    await writeFile(path.join(dirs.txt, `${name}.txt`), txt);
    sizes.html.set(`${name}.html`, Buffer.byteLength(html));
    sizes.pdf.set(`${name}.pdf`, pdf.bytes.length);
    sizes.txt.set(`${name}.txt`, Buffer.byteLength(txt));
  }
  log(`wrote ${count} pages, PDFs (${pdfPages} PDF pages) and text files under ${path.relative(repoRoot, out)}/`);

  const txt = await readAll(dirs.txt, [...sizes.txt.keys()], sizes.txt);
  const html = await readAll(dirs.html, [...sizes.html.keys()], sizes.html);
  const pdf = await readAll(dirs.pdf, [...sizes.pdf.keys()], sizes.pdf);

  const row = (label: string, m: Measure, unitsPerFile = 1): string[] => [
    label,
    fmt(m.files, 0),
    fmt(m.bytes / m.files / 1024),
    fmt(m.files / m.seconds),
    unitsPerFile === 1 ? '' : fmt((m.files * unitsPerFile) / m.seconds),
    fmt(m.chars / m.files, 0),
    fmt(m.peakHeap / MB, 0),
    fmt(txt.files / txt.seconds / (m.files / m.seconds), 1),
  ];
  const header = ['format', 'files', 'KB/file', 'files/s', 'PDF pages/s', 'text chars/file', 'peak heap MB', 'slower than .txt ×'];
  const rows = [header, row('.txt (reference)', txt), row('.html', html), row('.pdf', pdf, pdfPages / count)];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  process.stdout.write(`${line(header)}\n| ${widths.map((w, c) => (c === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |\n`);
  for (const r of rows.slice(1)) process.stdout.write(`${line(r)}\n`);
  process.stdout.write(`(one file at a time on one thread, warm; ${fmt(pdfPages / count)} PDF pages per document)\n`);

  // A corpus of the seed articles and the .txt stories, for /corpus add.
  const addCorpus = path.join(out, 'add-corpus');
  await cp(path.join(repoRoot, 'corpus'), addCorpus, { recursive: true });
  await cp(dirs.txt, path.join(addCorpus, 'stories'), { recursive: true });
  log('measuring /corpus add until answerable (3 runs)…');
  const add = await addToAnswerable(addCorpus, path.join(out, 'add-data'), 3);
  process.stdout.write(
    `\n/corpus add of one web page until /ask quotes it, on ${fmt(add.sentences, 0)} sentences (index in a worker thread), median of 3:\n` +
      `| measure                              |      ms | × full build |\n| ------------------------------------ | ------: | -----------: |\n` +
      `| full build of the corpus (reference) | ${fmt(add.buildMs, 0).padStart(7)} | ${fmt(1, 2).padStart(12)} |\n` +
      `| /corpus add → answerable             | ${fmt(add.addMs, 0).padStart(7)} | ${fmt(add.addMs / add.buildMs, 2).padStart(12)} |\n`,
  );

  if (values['compare-jsdom']) {
    const requireJsdom = createRequire(path.join(path.resolve(values['compare-jsdom']), 'node_modules', 'x.js'));
    const { JSDOM } = requireJsdom('jsdom') as { JSDOM: new (html: string) => { window: { document: unknown; close(): void } } };
    // Typed by hand: both libraries declare their types against the DOM library, which this project does not load.
    const parseHTML = (await import('linkedom')).parseHTML as unknown as (html: string) => { document: unknown };
    const Readability = (await import('@mozilla/readability')).Readability as unknown as new (doc: unknown) => {
      parse(): { textContent?: string | null } | null;
    };
    const measureDom = (label: string, parse: (html: string) => unknown): string => {
      const heap0 = process.memoryUsage().heapUsed;
      let peak = 0;
      let chars = 0;
      const t0 = performance.now();
      for (const html of pages) {
        chars += new Readability(parse(html)).parse()?.textContent?.length ?? 0;
        peak = Math.max(peak, process.memoryUsage().heapUsed - heap0);
      }
      const s = (performance.now() - t0) / 1000;
      return `| ${label.padEnd(8)} | ${fmt(pages.length / s).padStart(7)} | ${fmt(peak / MB, 0).padStart(12)} | ${fmt(chars / pages.length, 0).padStart(15)} |`;
    };
    process.stdout.write(`\nDOM for Readability, same ${pages.length} pages (parse + Readability only):\n`);
    process.stdout.write(
      `| DOM      | pages/s | peak heap MB | text chars/page |\n| -------- | ------: | -----------: | --------------: |\n`,
    );
    process.stdout.write(`${measureDom('linkedom', (h) => parseHTML(h).document)}\n`);
    process.stdout.write(`${measureDom('jsdom', (h) => new JSDOM(h).window.document)}\n`);
  }
}

main().catch((err: unknown) => {
  log(`bench:ingest: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
