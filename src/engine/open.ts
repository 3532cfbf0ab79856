/**
 * Opens the answer engine the way the settings ask for.
 */
import { LocalEngine } from './localEngine.ts';
import type { AnswerEngine, Progress, ReloadReport } from './types.ts';

/** Options of {@link openEngine}. */
export interface OpenOptions {
  corpusDir: string;
  /** Folder for the index snapshot; without it, no snapshot is read or written. */
  snapshotDir?: string;
  /** Answer on the calling thread (CLI one-shots); otherwise the index lives in a worker thread. */
  inProcess?: boolean;
}

export async function openEngine(options: OpenOptions, onProgress?: (p: Progress) => void): Promise<{ engine: AnswerEngine; report: ReloadReport }> {
  return LocalEngine.open({ corpusDir: options.corpusDir }, onProgress);
}
