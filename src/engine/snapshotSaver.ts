/**
 * Scheduling snapshot saves: when an index host's library changes, save it
 * in the background after a quiet spell (a reload in progress or a burst of
 * changes is not the time), abandon a save that a newer change made stale,
 * and hold saves entirely while a reload runs (saving then would compete with
 * the reload and with questions for the CPU, and write what is about to be
 * out of date).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Library } from '../library/library.ts';
import { writeSnapshot, type CorpusManifest } from '../library/snapshot.ts';
import { describeFsError } from '../corpus/errors.ts';
import { log } from '../log.ts';

/** Quiet time before a snapshot is saved, in ms. */
export const SAVE_DELAY_MS = 2000;

export { snapshotPath } from './snapshotFile.ts';

/** What the saver saves: the host's library as it stands, and the generation that names that state. */
export interface SnapshotSource {
  /** Increases with every change of the library. */
  generation(): number;
  readonly library: Library;
  manifest(): CorpusManifest;
}

export class SnapshotSaver {
  private saving: Promise<void> | undefined;
  private savedGeneration = 0;
  /** Ends the quiet spell before a scheduled save. */
  private wake: (() => void) | undefined;
  /** Set when a reload starts: the save in progress is abandoned. */
  private abandon = false;
  private held = false;
  /** Size of the snapshot on disk, when this saver wrote or loaded it. */
  bytes: number | undefined;
  /** Why the last save failed (cleared by the next one that succeeds). */
  lastError: string | undefined;

  /**
   * @param file the snapshot file; `undefined` turns saving off
   * @param source the host whose library is saved
   */
  constructor(
    readonly file: string | undefined,
    private readonly source: SnapshotSource,
    private readonly delayMs = SAVE_DELAY_MS,
  ) {}

  /** The library as it stands is what the snapshot on disk holds (it was loaded from it). */
  markSaved(bytes: number): void {
    this.savedGeneration = this.source.generation();
    this.bytes = bytes;
  }

  /** The library changed: save it after the quiet spell. */
  changed(): void {
    this.schedule();
  }

  /** A reload is starting: abandon the save in progress and start none until {@link release}. */
  hold(): void {
    this.held = true;
    this.abandon = true;
  }

  /** The reload is over and this host stays in service: saves resume, and an abandoned one is retried. */
  release(): void {
    this.held = false;
    this.schedule();
  }

  /** Resolves when the snapshot of the current library is on disk (or saving is off or not needed). */
  async flush(): Promise<void> {
    while (this.saving) {
      this.wake?.();
      await this.saving;
    }
    if (this.wanted()) {
      this.schedule();
      // schedule() has just set it (TypeScript cannot see that through the call).
      await (this.saving as Promise<void> | undefined);
    }
  }

  private wanted(): boolean {
    return this.file !== undefined && this.savedGeneration !== this.source.generation() && !this.held;
  }

  private schedule(): void {
    if (!this.wanted() || this.saving) return;
    const generation = this.source.generation();
    const file = this.file!;
    this.abandon = false;
    this.saving = (async () => {
      try {
        // The quiet spell ends early when someone waits for the snapshot (flush).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.delayMs);
          timer.unref();
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        if (this.source.generation() !== generation) return;
        await mkdir(path.dirname(file), { recursive: true });
        const bytes = await writeSnapshot(file, this.source.library, this.source.manifest(), {
          isStale: () => this.source.generation() !== generation || this.abandon,
        });
        if (bytes !== undefined) {
          this.savedGeneration = generation;
          this.bytes = bytes;
          this.lastError = undefined;
        }
      } catch (err) {
        this.lastError = describeFsError(err);
        log('warn', `could not save the index snapshot to ${file}: ${this.lastError}`);
        this.savedGeneration = generation; // do not retry in a loop; the next change tries again
      } finally {
        this.saving = undefined;
        if (this.wanted()) this.schedule();
      }
    })();
  }
}
