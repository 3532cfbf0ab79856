/**
 * Opens the answer engine the way the caller needs it.
 */
import { LocalEngine } from './localEngine.ts';
import type { AnswerEngine, Progress, ReloadReport } from './types.ts';
import { WorkerEngine } from './workerEngine.ts';

/** Options of {@link openEngine}. */
export interface OpenOptions {
  corpusDir: string;
  /** Folder for the index snapshot; without it, no snapshot is read or written. */
  snapshotDir?: string;
  /** Write snapshots after builds and changes (default true); false only reads one. */
  saveSnapshots?: boolean;
  /**
   * Answer on the calling thread (CLI one-shots: no worker start-up, and the
   * process can exit as soon as it has answered). Otherwise the index lives in
   * a worker thread and never blocks the caller's event loop.
   */
  inProcess?: boolean;
}

export async function openEngine(
  options: OpenOptions,
  onProgress?: (p: Progress) => void,
): Promise<{ engine: AnswerEngine; report: ReloadReport }> {
  const { inProcess, ...host } = options;
  return inProcess ? LocalEngine.open(host, onProgress) : WorkerEngine.open(host, onProgress);
}
