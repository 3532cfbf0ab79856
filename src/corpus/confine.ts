/**
 * Keeping the loader inside the corpus folder.
 *
 * A path string that lies under the corpus root proves nothing: any component
 * of it may be a symbolic link (`corpus/passwd.txt -> /etc/passwd`,
 * `corpus/shared -> /home/someone`). What matters is where the file that was
 * actually opened lives. So the reader opens first and then asks where the
 * open file descriptor points; checking a path and then opening it would
 * leave a window in which the path can be swapped for a link (a
 * time-of-check/time-of-use race).
 */
import { realpath, readlink, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** True if the absolute, resolved path `candidate` is `rootReal` itself or lies below it. */
export function isInside(rootReal: string, candidate: string): boolean {
  const rel = path.relative(rootReal, candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** The corpus root with every symbolic link in it resolved (`/tmp` → `/private/tmp` on macOS). */
export function resolveRoot(rootAbs: string): Promise<string> {
  return realpath(rootAbs);
}

/** How {@link openedFileIsInside} finds where an open file lives. */
export type ConfineMethod = 'proc' | 'inode';

// Linux (and most container hosts) expose the kernel's own path for an open
// descriptor at /proc/self/fd/N: it is fixed at open time, so no later
// rename or link swap can make it lie about the file we read. Probed once.
let procAvailable: Promise<boolean> | undefined;
function hasProcFd(): Promise<boolean> {
  procAvailable ??= readlink('/proc/self/fd/0').then(
    () => true,
    () => false,
  );
  return procAvailable;
}

/**
 * Whether the file open on `handle` (opened from `abs`) lies inside `rootReal`.
 *
 * - `proc` (Linux): reads `/proc/self/fd/<fd>`, the path the kernel resolved
 *   when the file was opened, and compares it with the root. Race-free.
 * - `inode` (elsewhere): resolves `abs` now, requires the result to be inside
 *   the root, and requires that path to name the very file that is open (same
 *   device and inode as `fstat` of the handle). An attacker who swaps links
 *   between the open and the check can at most make us read a file that is
 *   also reachable inside the corpus (a hard link), never one that is only
 *   outside it, except by swapping directories again between the `realpath`
 *   and the `stat` below; `proc` has no such window and is used wherever it
 *   exists.
 *
 * Default: `proc` when /proc/self/fd is readable, else `inode`.
 */
export async function openedFileIsInside(
  handle: FileHandle,
  abs: string,
  rootReal: string,
  method?: ConfineMethod,
): Promise<boolean> {
  const chosen = method ?? ((await hasProcFd()) ? 'proc' : 'inode');
  if (chosen === 'proc') {
    let opened = await readlink(`/proc/self/fd/${handle.fd}`);
    // A file deleted after it was opened reads as "<path> (deleted)".
    if (opened.endsWith(' (deleted)')) opened = opened.slice(0, -' (deleted)'.length);
    return path.isAbsolute(opened) && isInside(rootReal, opened);
  }
  const resolved = await realpath(abs);
  if (!isInside(rootReal, resolved)) return false;
  const [open, named] = await Promise.all([handle.stat({ bigint: true }), stat(resolved, { bigint: true })]);
  return open.dev === named.dev && open.ino === named.ino;
}

/** The skip reason for a file that resolves outside the corpus root (the target is not named: it is outside data). */
export const OUTSIDE_REASON = 'symbolic link leads outside the corpus directory (not read)';
