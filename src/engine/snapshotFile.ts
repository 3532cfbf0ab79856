/**
 * Where a corpus's snapshot file is, and reading it ahead: light enough for
 * the main thread, which reads the file while the index worker starts (the
 * worker's start-up, half a second, then no longer comes before the read).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The snapshot file of a corpus: one per corpus folder, so several corpora can share a snapshot folder. */
export function snapshotPath(snapshotDir: string, corpusDir: string): string {
  const digest = createHash('sha1').update(path.resolve(corpusDir)).digest('hex').slice(0, 12);
  return path.join(snapshotDir, `index-${digest}.bin`);
}

/** A snapshot file read ahead, as posted to the worker: its bytes (transferred), or why it could not be read. */
export type SnapshotRead = { bytes: ArrayBuffer } | { error: { message: string; code?: string } };

/** Reads a snapshot file into an ArrayBuffer of its own (so that it can be transferred to a worker without a copy). */
export async function readSnapshotAhead(file: string): Promise<SnapshotRead> {
  try {
    const buf = await readFile(file);
    const whole = buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer;
    return { bytes: whole ? buf.buffer : new Uint8Array(buf).buffer };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { error: { message: e.message, ...(e.code !== undefined && { code: e.code }) } };
  }
}

/** The bytes of a {@link SnapshotRead}, or its error thrown again (with its code, as `readFile` throws it). */
export function snapshotReadBytes(read: SnapshotRead): Buffer {
  if ('bytes' in read) return Buffer.from(read.bytes);
  throw Object.assign(new Error(read.error.message), read.error.code !== undefined ? { code: read.error.code } : {});
}
