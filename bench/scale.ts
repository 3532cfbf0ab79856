/**
 * Scale bench: how the default engine (index in a worker, snapshot on disk)
 * behaves as the corpus grows. For each size it generates (or reuses) a
 * synthetic corpus replicated with variation from squad-train, then measures
 * cold build, memory per sentence, query latency, restart from the snapshot,
 * a one-file reload, and answers during a larger reload under load.
 *
 *   npm run bench:scale -- [--sentences N[,N…]] [--shape files,jsonl,tiny] [--questions Q] [--json FILE] [--skip-generate] [--generate-only] [--no-reference]
 *
 * Progress goes to stderr, results to stdout. Features the engine does not
 * report yet (mode, memory, snapshot) show as "n/a" with a note.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { openEngine } from '../src/engine/open.ts';
import type { AnswerEngine } from '../src/engine/types.ts';
import { UsageError } from './lib/options.ts';
import { percentile, secondsSince } from './lib/run.ts';
import {
  appendToFiles,
  askDuring,
  corpusFiles,
  dirSize,
  engineMemory,
  throttledProgress,
  watchEventLoop,
  LOOP_RESOLUTION_MS,
} from './lib/scaleMeasure.ts';
import { collectGarbage } from '../src/util/memory.ts';
import { measureReference } from './lib/referenceIndex.ts';
import { parseScaleArgs, type ScaleOptions } from './lib/scaleOptions.ts';
import { formatResults, formatTable, num, type SizeResult } from './lib/scaleReport.ts';
import { questionsFor, VARIATION, writeSyntheticCorpus, type SynthResult } from './lib/synth.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
/** Share of the files changed for the reload under load. */
const LOAD_SHARE = 0.05;
/**
 * Heap per sentence to plan with before anything is measured: the findings
 * saw the 1M build peak at about 1.5 GB of heap (scale-findings.md).
 */
const PLANNING_BYTES_PER_SENTENCE = 1500;

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

async function main(): Promise<void> {
  const opts = parseScaleArgs(process.argv.slice(2), repoRoot);
  const heapLimit = v8.getHeapStatistics().heap_size_limit;
  const machine = `Node ${process.version}, heap limit ${num(heapLimit / MB)} MB, ${os.cpus().length} CPUs, ${num(os.totalmem() / 2 ** 30, 1)} GB RAM`;
  log(`scale bench: sizes ${opts.sizes.join(', ')}, shapes ${opts.shapes.join(', ')}; ${machine}`);
  const questions = await questionsFor(opts.benchDir, opts.questions, opts.seed);

  const corpora: Array<{ target: number; corpus: SynthResult; onDisk: number }> = [];
  const results: SizeResult[] = [];
  const advice: string[] = [];
  for (const target of opts.sizes)
    for (const shape of opts.shapes) {
      // `files` keeps the folder name it had before shapes existed, so generated corpora are reused.
      const dir = path.join(opts.outDir, shape === 'files' ? String(target) : `${target}-${shape}`);
      const corpusDir = path.join(dir, 'corpus');
      // The largest size measured so far predicts best (small ones carry fixed overheads).
      const planning = results.at(-1)?.memory.totalPerSentence ?? PLANNING_BYTES_PER_SENTENCE;
      const warn = heapAdvice(target, planning, heapLimit);
      if (warn) {
        log(`warning: ${warn}`);
        advice.push(warn);
      }

      log(`${num(target)} sentences, ${shape}: corpus in ${corpusDir}…`);
      let lastGenLog = performance.now();
      const corpus = await writeSyntheticCorpus(corpusDir, {
        sentences: target,
        shape,
        seed: opts.seed,
        benchDir: opts.benchDir,
        reuseOnly: opts.skipGenerate,
        onProgress: (n, of) => {
          // One call per copy: at 1M that is ~100 lines, so print at most every 2 s.
          if (performance.now() - lastGenLog < 2000) return;
          lastGenLog = performance.now();
          log(`  generated ${num(n)}/${num(of)} sentences`);
        },
      });
      const onDisk = dirSize(corpusDir).allocated;
      corpora.push({ target, corpus, onDisk });
      log(
        `  ${corpus.reused ? 'reused' : `generated in ${corpus.generateS.toFixed(1)} s`}: ${num(corpus.files)} files, ${num(corpus.sentences)} sentences, ${num(corpus.bytes / MB, 1)} MB`,
      );
      if (opts.generateOnly) continue;
      const result = await measureSize(target, corpus, corpusDir, path.join(dir, 'snapshot'), questions);
      if (!opts.noReference) {
        log('  reference index (typed arrays, BM25, one thread)…');
        collectGarbage();
        result.reference = measureReference(corpusFiles(corpusDir), path.join(dir, 'reference.bin'), questions);
        log(`  reference: built in ${result.reference.buildS.toFixed(1)} s, loaded in ${result.reference.loadS.toFixed(2)} s`);
        if (result.reference.sentences !== result.build.sentences)
          result.notes.push(`the reference indexed ${num(result.reference.sentences)} sentences, Verbatim ${num(result.build.sentences)}`);
      }
      results.push(result);
    }

  // ---- stdout: the results ----
  console.log(`Verbatim scale bench: synthetic corpora from squad-train (${opts.benchDir}), seed ${opts.seed}`);
  console.log(`Corpus replicated with variation: ${VARIATION}.`);
  console.log(machine);
  console.log('');
  console.log(
    formatTable(
      ['sentences', 'shape', 'files', 'articles', 'copies', 'sentences (counted)', 'text MB', 'on disk MB', 'generated'],
      corpora.map(({ target, corpus, onDisk }) => [
        num(target),
        corpus.shape,
        num(corpus.files),
        num(corpus.articles),
        num(corpus.copies),
        num(corpus.sentences),
        num(corpus.bytes / MB, 1),
        num(onDisk / MB, 1),
        corpus.reused ? `reused (took ${corpus.generateS.toFixed(1)} s)` : `${corpus.generateS.toFixed(1)} s`,
      ]),
    ),
  );
  if (results.length) {
    console.log('');
    console.log(formatResults(results));
    console.log('');
    console.log(
      `Latencies: performance.now() around each awaited ask. "loop max" = largest main-thread event-loop delay (monitorEventLoopDelay, resolution ${LOOP_RESOLUTION_MS} ms, so ~${LOOP_RESOLUTION_MS} means never blocked).`,
    );
    console.log(
      'A main thread blocked by a reload delays the question timer, not the timed call: read the slowest answer together with the loop max.',
    );
    const notes = results.flatMap((r) => r.notes.map((n) => `${num(r.target)} ${r.corpus.shape}: ${n}`));
    if (notes.length) console.log(`Notes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  }
  if (advice.length) console.log(`Heap:\n${advice.map((a) => `- ${a}`).join('\n')}`);

  if (opts.json) {
    const json = {
      machine: { node: process.version, heapLimit, cpus: os.cpus().length, totalMem: os.totalmem() },
      options: opts satisfies ScaleOptions,
      variation: VARIATION,
      corpora,
      results,
      advice,
    };
    fs.mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
    fs.writeFileSync(opts.json, JSON.stringify(json, null, 2) + '\n');
    log(`wrote ${opts.json}`);
  }
}

/** Every measurement at one size; the engine is closed at the end. */
async function measureSize(
  target: number,
  corpus: SynthResult,
  corpusDir: string,
  snapshotDir: string,
  questions: readonly string[],
): Promise<SizeResult> {
  const notes: string[] = [];
  const progress = throttledProgress(num(target), log);

  // Cold build: no snapshot to start from, the default (worker) engine.
  fs.rmSync(snapshotDir, { recursive: true, force: true });
  log('  cold build…');
  let t0 = performance.now();
  let { engine, report } = await openEngine({ corpusDir, snapshotDir }, progress);
  const build = {
    s: secondsSince(t0),
    articles: report.after.articles,
    sentences: report.after.sentences,
    mode: report.mode,
    skipped: report.skipped.length,
  };
  log(
    `  built in ${build.s.toFixed(1)} s: ${num(build.articles)} articles, ${num(build.sentences)} sentences (mode ${build.mode ?? 'n/a'})`,
  );
  if (build.mode === undefined) notes.push('the engine reports no load mode (ReloadReport.mode undefined): shown as n/a');
  if (build.skipped) notes.push(`${build.skipped} corpus item(s) skipped by the build`);

  try {
    const mem = await engineMemory(engine);
    collectGarbage();
    const mainHeapUsed = process.memoryUsage().heapUsed;
    // `external` already includes `arrayBuffers` (Node's process.memoryUsage documentation).
    const total = mem.memory.heapUsed + mem.memory.external;
    const memory = {
      source: mem.source,
      heapUsed: mem.memory.heapUsed,
      total,
      heapPerSentence: mem.memory.heapUsed / build.sentences,
      totalPerSentence: total / build.sentences,
      mainHeapUsed,
    };

    log(`  ${questions.length} questions…`);
    const latencies: number[] = [];
    let noAnswer = 0;
    let errors = 0;
    for (const q of questions) {
      t0 = performance.now();
      try {
        if ((await engine.ask(q, { top: 3 })).quotes.length === 0) noAnswer++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
    const queries = {
      count: latencies.length,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      noAnswer,
      errors,
    };
    if (errors) notes.push(`${errors} question(s) threw`);

    // Restart: the same snapshot folder; what a bot restart costs.
    log('  restart…');
    await engine.close();
    const loop = watchEventLoop();
    t0 = performance.now();
    ({ engine, report } = await openEngine({ corpusDir, snapshotDir }, progress));
    const openS = secondsSince(t0);
    await engine.ask(questions[0]!, { top: 3 });
    const firstAnswerS = secondsSince(t0);
    // The snapshot is checked against every corpus file in the background; the reloads below start from what it leaves.
    while ((await engine.status()).snapshotCheck === 'running') await new Promise((resolve) => setTimeout(resolve, 20));
    const checkedS = secondsSince(t0);
    log(`  first answer after ${firstAnswerS.toFixed(2)} s, snapshot checked after ${checkedS.toFixed(2)} s`);
    const restartLoop = loop.stop();
    const reported = (await engine.status()).snapshot;
    const onDisk = dirSize(snapshotDir).bytes;
    const restart = {
      openS,
      firstAnswerS,
      checkedS,
      mode: report.mode,
      snapshotBytes: reported?.bytes ?? (onDisk > 0 ? onDisk : undefined),
      snapshotSource: reported ? ('status' as const) : onDisk > 0 ? ('disk' as const) : ('none' as const),
      maxLoopDelayMs: restartLoop,
    };
    if (restart.snapshotSource === 'none')
      notes.push('no snapshot (status().snapshot undefined, snapshot folder empty): the restart rebuilt from text');
    else if (restart.snapshotSource === 'disk') notes.push('status().snapshot undefined: snapshot size measured on disk');
    if (restart.mode !== undefined && restart.mode !== 'snapshot') notes.push(`restart mode was '${restart.mode}', expected 'snapshot'`);

    const files = corpusFiles(corpusDir);
    const incremental = await oneFileReload(engine, corpusDir, files, target, notes, progress);
    const underLoad = await reloadUnderLoad(engine, corpusDir, files, questions, notes, progress);
    return { target, corpus, build, memory, queries, restart, incremental, underLoad, notes };
  } finally {
    await engine.close();
  }
}

/** Appends a sentence with a new word to one file, reloads, checks the word is answerable, then restores. */
async function oneFileReload(
  engine: AnswerEngine,
  corpusDir: string,
  files: readonly string[],
  target: number,
  notes: string[],
  progress: ReturnType<typeof throttledProgress>,
): Promise<SizeResult['incremental']> {
  // Letters only, so no tokenizer splits it; unlike any corpus word, so a hit proves the reload.
  const word = `zorbquiv${target.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!)}`;
  const file = files[Math.floor(files.length / 2)]!;
  log(`  one-file reload (${path.relative(corpusDir, file)}, word "${word}")…`);
  const restore = appendToFiles(corpusDir, [file], () => `The ${word} marker was added by the scale bench.`);
  let s: number;
  let mode: string | undefined;
  let answerable: boolean;
  try {
    const t0 = performance.now();
    const report = await engine.reload(progress);
    s = secondsSince(t0);
    mode = report.mode;
    if (!report.ok) notes.push(`one-file reload failed: ${report.error}`);
    answerable = (await engine.ask(word, { top: 3 })).quotes.some((q) => q.text.toLowerCase().includes(word));
  } finally {
    restore();
  }
  if (mode !== undefined && mode !== 'incremental') notes.push(`one-file reload mode was '${mode}', expected 'incremental'`);
  const t0 = performance.now();
  const back = await engine.reload(progress);
  return { s, mode, answerable, restoreS: secondsSince(t0), restoreMode: back.mode };
}

/** Changes ~5% of the files and reloads while asking 20 questions per second; then restores and reloads again. */
async function reloadUnderLoad(
  engine: AnswerEngine,
  corpusDir: string,
  files: readonly string[],
  questions: readonly string[],
  notes: string[],
  progress: ReturnType<typeof throttledProgress>,
): Promise<SizeResult['underLoad']> {
  // Spread over the corpus (every 20th file), so every folder and copy is touched.
  const step = Math.round(1 / LOAD_SHARE);
  // A JSONL shape has a few files only: then one of them (a whole file re-read, as any change to it costs).
  const changed = files.length >= step ? files.filter((_, i) => i % step === step - 1) : files.slice(-1);
  log(`  reload under load (${changed.length} files changed)…`);
  const restore = appendToFiles(
    corpusDir,
    changed,
    (_, i) => `This paragraph number ${i} was appended by the scale bench to give a reload real work.`,
  );
  let run;
  try {
    run = await askDuring(engine, questions, () => engine.reload(progress));
  } finally {
    restore();
  }
  if (!run.result.ok) notes.push(`reload under load failed: ${run.result.error}`);
  if (run.errors) notes.push(`${run.errors} question(s) threw during the reload under load`);
  const t0 = performance.now();
  await engine.reload(progress);
  return {
    filesChanged: changed.length,
    reloadS: run.reloadS,
    mode: run.result.mode,
    answers: run.latencies.length,
    slowestMs: percentile(run.latencies, 100),
    p99Ms: percentile(run.latencies, 99),
    maxLoopDelayMs: run.maxLoopDelayMs,
    errors: run.errors,
    restoreS: secondsSince(t0),
  };
}

/**
 * Advice when `sentences` may not fit the heap: planned as bytes per sentence
 * × 2, because during a reload the old and the new index are both alive.
 */
function heapAdvice(sentences: number, bytesPerSentence: number, heapLimit: number): string | undefined {
  const need = sentences * bytesPerSentence * 2;
  if (need < 0.8 * heapLimit) return undefined;
  const suggestMb = Math.ceil((need * 1.25) / MB / 512) * 512;
  const ram = suggestMb * MB > os.totalmem() ? ` (more than this machine's ${num(os.totalmem() / 2 ** 30, 1)} GB of RAM)` : '';
  return (
    `${num(sentences)} sentences may need about ${num(need / MB)} MB of heap (${num(bytesPerSentence)} B/sentence × 2 during a reload), ` +
    `the limit is ${num(heapLimit / MB)} MB: try NODE_OPTIONS=--max-old-space-size=${suggestMb}${ram}`
  );
}

main().catch((err: unknown) => {
  log(err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
