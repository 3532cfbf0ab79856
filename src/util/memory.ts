/**
 * Memory measurement for reports: a full garbage collection first, so the
 * figure is what the index holds, not what building it left behind.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { MemoryUse } from '../engine/types.ts';

let gc: (() => void) | undefined;

/** A full collection. `--expose-gc` is switched on at run time (V8 allows it) if the process did not start with it. */
export function collectGarbage(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    }
  }
  gc();
}

/** This thread's heap and the process's off-heap buffers, after a full collection. */
export function measureMemory(): MemoryUse {
  collectGarbage();
  const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, heapTotal, external, arrayBuffers };
}
