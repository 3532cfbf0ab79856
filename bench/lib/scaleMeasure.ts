/**
 * Measuring tools of the scale bench: event-loop blocking, memory, sizes on
 * disk, corpus edits that can be undone, and questions under a reload.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AnswerEngine, MemoryUse, Progress } from '../../src/engine/types.ts';
import { markCorpusDirty } from './synth.ts';

/** Resolution of the event-loop delay histograms, in ms. */
export const LOOP_RESOLUTION_MS = 10;

/**
 * Starts watching the main thread's event loop; `stop()` returns the largest
 * delay seen in ms. The histogram's values include its own 10 ms timer
 * interval, so an idle loop reads about 10, and a 2 s block about 2,010.
 */
export function watchEventLoop(): { stop(): number } {
  const h = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  h.enable();
  return {
    stop: () => {
      h.disable();
      return h.max / 1e6;
    },
  };
}

/** Memory of the thread that holds the engine's index, after a full collection there. */
export async function engineMemory(engine: AnswerEngine): Promise<{ memory: MemoryUse; source: 'engine' }> {
  return { memory: await engine.memory(), source: 'engine' };
}

/** Size of the files under `dir`: their bytes, and what they occupy on disk (blocks); zeros when it does not exist. */
export function dirSize(dir: string): { bytes: number; allocated: number } {
  const total = { bytes: 0, allocated: 0 };
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return total;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const st = fs.statSync(path.join(e.parentPath, e.name));
    total.bytes += st.size;
    total.allocated += st.blocks * 512;
  }
  return total;
}

/** The corpus's `.txt` and `.jsonl` files (absolute paths), in a stable order. */
export function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && (e.name.endsWith('.txt') || e.name.endsWith('.jsonl'))) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

/**
 * Appends `paragraph` to each file (to a `.jsonl` file as a new article, one
 * line with only a `text`) and returns a function that puts the original
 * bytes back. The corpus is marked dirty meanwhile, so a crash in
 * between makes the next run regenerate it instead of trusting it.
 */
export function appendToFiles(corpusDir: string, files: readonly string[], paragraph: (file: string, i: number) => string): () => void {
  markCorpusDirty(corpusDir, true);
  const originals = files.map((f) => fs.readFileSync(f));
  files.forEach((f, i) =>
    fs.appendFileSync(f, f.endsWith('.jsonl') ? `${JSON.stringify({ text: paragraph(f, i) })}\n` : `\n${paragraph(f, i)}\n`),
  );
  return () => {
    files.forEach((f, i) => fs.writeFileSync(f, originals[i]!));
    markCorpusDirty(corpusDir, false);
  };
}

/** What happened to the questions asked while a reload ran. */
export interface LoadRun<R> {
  result: R;
  /** Seconds until the reload resolved. */
  reloadS: number;
  /** Latency (ms) of each question started before the reload resolved. */
  latencies: number[];
  errors: number;
  /** Largest main-thread event-loop delay during the reload, ms. */
  maxLoopDelayMs: number;
}

/**
 * Runs `work` (a reload) while asking a question every `intervalMs` (20 per
 * second by default), each timed on its own and allowed to overlap, until
 * the work resolves; then waits for the questions still in flight.
 * A main thread blocked by the work delays the timer rather than a timed
 * call, so the event-loop delay is reported beside the latencies.
 */
export async function askDuring<R>(
  engine: AnswerEngine,
  questions: readonly string[],
  work: () => Promise<R>,
  intervalMs = 50,
): Promise<LoadRun<R>> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  const loop = watchEventLoop();
  const timer = setInterval(() => {
    const q = questions[next++ % questions.length]!;
    const t0 = performance.now();
    const p: Promise<void> = engine.ask(q, { top: 3 }).then(
      () => void latencies.push(performance.now() - t0),
      () => void errors++,
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }, intervalMs);
  const t0 = performance.now();
  let result: R;
  try {
    result = await work();
  } finally {
    clearInterval(timer);
  }
  const reloadS = (performance.now() - t0) / 1000;
  const maxLoopDelayMs = loop.stop();
  await Promise.all(inFlight);
  return { result, reloadS, latencies, errors, maxLoopDelayMs };
}

/** A progress callback for stderr that prints at most every 2 s. */
export function throttledProgress(label: string, log: (msg: string) => void): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 2000) return;
    last = now;
    log(`  ${label}: ${p.phase} ${p.done}/${p.total}`);
  };
}
