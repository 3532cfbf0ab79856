/**
 * The worker side of {@link WorkerEngine}: opens an index host with the
 * options it was given, reports progress and readiness, then answers calls.
 * Calls are handled one at a time in arrival order; each is synchronous
 * apart from file reading, so an incremental reload is applied between two
 * questions, never during one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IndexHost, type HostOptions, type ReloadPlan } from './host.ts';
import type { Progress } from './types.ts';
import { collectGarbage } from '../util/memory.ts';

/** A call from the main thread. */
export interface Call {
  id: number;
  op:
    | 'ask'
    | 'article'
    | 'articleByKey'
    | 'suggestArticles'
    | 'status'
    | 'memory'
    | 'counts'
    | 'hashes'
    | 'planReload'
    | 'applyReload'
    | 'endReload'
    | 'flushSnapshot';
  args: unknown[];
}

/** What the worker posts back. */
export type WorkerMessage =
  | { type: 'progress'; progress: Progress; id?: number }
  | { type: 'ready'; report: Awaited<ReturnType<typeof IndexHost.open>>['report'] }
  | { type: 'failed'; error: string }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string };

const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);

async function main(): Promise<void> {
  let host: IndexHost;
  try {
    const opened = await IndexHost.open(workerData as HostOptions, (progress) => post({ type: 'progress', progress }));
    host = opened.host;
    // Before serving: compile the hot paths, and collect the garbage of building, so that the first
    // users neither run cold code nor meet a major collection of a freshly filled heap.
    host.warmUp(40);
    collectGarbage();
    post({ type: 'ready', report: opened.report });
  } catch (err) {
    post({ type: 'failed', error: (err as Error).message });
    return;
  }
  port.on('message', async (call: Call) => {
    try {
      const value = await run(host, call);
      post({ type: 'result', id: call.id, ok: true, value });
    } catch (err) {
      post({ type: 'result', id: call.id, ok: false, error: (err as Error).message });
    }
  });
}

function run(host: IndexHost, { id, op, args }: Call): unknown {
  switch (op) {
    case 'ask':
      return host.ask(args[0] as string, args[1] as object);
    case 'article':
      return host.article(args[0] as string);
    case 'articleByKey':
      return host.articleByKey(args[0] as string);
    case 'suggestArticles':
      return host.suggestArticles(args[0] as string, args[1] as number);
    case 'status':
      return host.status();
    case 'memory':
      return host.memory();
    case 'counts':
      return host.counts();
    case 'hashes':
      return host.hashes();
    case 'planReload':
      return host.planReload();
    case 'applyReload':
      return host.applyReload(args[0] as ReloadPlan, (progress) => post({ type: 'progress', progress, id }));
    case 'endReload':
      return host.endReload();
    case 'flushSnapshot':
      return host.flushSnapshot();
  }
}

void main();
