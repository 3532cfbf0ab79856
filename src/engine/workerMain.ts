/**
 * The worker side of `WorkerEngine`: opens an index host with the options
 * it was given, reports progress and readiness, then answers the protocol's
 * calls (see `protocol.ts`). Calls are handled one at a time in arrival
 * order; each is synchronous apart from file reading, so an incremental
 * reload is applied between two questions, never during one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { collectGarbage } from '../util/memory.ts';
import { IndexHost, type HostOptions } from './host.ts';
import { decodeArguments, dispatch } from './protocol.ts';
import { snapshotReadBytes, type SnapshotRead } from './snapshotFile.ts';
import type { Progress, ReloadReport } from './types.ts';

/** A call from the main thread. */
export interface Call {
  id: number;
  /** An operation of the protocol (`HostOperation`); checked on arrival by `dispatch`. */
  op: string;
  args: unknown[];
}

/** What the worker posts back. */
export type WorkerMessage =
  | { type: 'progress'; progress: Progress; id?: number }
  | { type: 'ready'; report: ReloadReport }
  | { type: 'failed'; error: string }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string };

/** What the worker is started with: the host's options, and whether the snapshot file's bytes follow as the first message. */
export type WorkerData = Omit<HostOptions, 'snapshotReadAhead'> & { snapshotReadAhead: boolean };

const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);

async function main(): Promise<void> {
  let host: IndexHost;
  let restarted: boolean;
  const { snapshotReadAhead, ...options } = workerData as WorkerData;
  // The main thread reads the snapshot file while this thread starts, and posts it before any call.
  const readAhead = snapshotReadAhead
    ? new Promise<SnapshotRead>((resolve) => port.once('message', resolve)).then(snapshotReadBytes)
    : undefined;
  // Awaited only once the open gets to it: a file that could not be read (no snapshot yet) must not count as unhandled.
  readAhead?.catch(() => undefined);
  try {
    const opened = await IndexHost.open({ ...options, ...(readAhead && { snapshotReadAhead: readAhead }) }, (progress) =>
      post({ type: 'progress', progress }),
    );
    host = opened.host;
    restarted = opened.report.mode === 'snapshot';
    // Before serving: compile the hot paths after a build (which took long anyway), and collect the garbage of
    // building or loading, so that the first users neither run cold code nor meet a major collection of a freshly
    // filled heap. After a restart from a snapshot, the warm-up waits (below): at a million sentences its 40
    // questions take ~1.5 s, as long as the rest of the restart.
    if (!restarted) await host.warmUp(40);
    collectGarbage();
    post({ type: 'ready', report: opened.report });
  } catch (err) {
    post({ type: 'failed', error: (err as Error).message });
    return;
  }
  // After a restart from a snapshot, until the first call: once calls come, their own questions compile the code,
  // and a warm-up question between each step of theirs would only delay them.
  let called = false;
  if (restarted) void host.warmUp(40, () => called);
  port.on('message', (call: Call) => {
    called = true;
    void (async () => {
      try {
        const args = decodeArguments(call.args, (progress) => post({ type: 'progress', progress, id: call.id }));
        const value: unknown = await dispatch(host, call.op, args);
        post({ type: 'result', id: call.id, ok: true, value });
      } catch (err) {
        post({ type: 'result', id: call.id, ok: false, error: (err as Error).message });
      }
    })();
  });
}

void main();
