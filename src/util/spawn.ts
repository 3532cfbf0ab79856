/**
 * Starting a worker thread that runs one of our modules: compiled JavaScript
 * as it is, or a TypeScript source through tsx (tests, benchmarks, scripts).
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** Registers tsx in the new thread, then imports the module: a worker starts without the parent's loader hooks. */
const TYPESCRIPT_BOOTSTRAP = new URL('./worker.mjs', import.meta.url);

/**
 * The URL of the module `name` beside the module at `from` (an
 * `import.meta.url`), in the same language: `name.ts` when running the
 * sources, `name.js` when compiled to dist/.
 */
export function siblingModule(from: string, name: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

/**
 * Starts `module` (see {@link siblingModule}) in a worker thread with
 * `workerData`. No flags of the parent's are passed: Node refuses V8 flags
 * per worker, and those (--max-old-space-size included) apply to every thread
 * of the process anyway.
 */
export function spawnModule(module: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const options = { workerData, execArgv: [], ...(resourceLimits && { resourceLimits }) };
  if (!module.pathname.endsWith('.ts')) return new Worker(module, options);
  return new Worker(TYPESCRIPT_BOOTSTRAP, { ...options, argv: [module.href] });
}
