/**
 * Starting a worker thread that runs one of our TypeScript modules.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

const BOOTSTRAP = new URL('./worker.mjs', import.meta.url);

/**
 * Starts `module` (a URL, e.g. `new URL('./x.ts', import.meta.url)`) in a
 * worker thread with `workerData`. No flags of the parent's are passed: Node
 * refuses V8 flags per worker, and those (--max-old-space-size included)
 * apply to every thread of the process anyway.
 */
export function spawnModule(module: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  return new Worker(BOOTSTRAP, { workerData, argv: [module.href], execArgv: [], ...(resourceLimits && { resourceLimits }) });
}
