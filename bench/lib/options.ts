/**
 * Command-line options of `bench/quality.ts` and where the benchmark data is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** A part of the quality bench that `--only` can select. */
export type Part = 'baseline' | 'engine' | 'noanswer' | 'cases';

const PARTS: readonly Part[] = ['baseline', 'engine', 'noanswer', 'cases'];

/** The question sets the quality bench knows, each a folder of the bench (see its README). */
export const BENCH_SETS = ['squad-train', 'wikiqa-train'] as const;

/** A question set of the bench. */
export type BenchSet = (typeof BENCH_SETS)[number];

/** Parsed options of the quality bench. */
export interface QualityOptions {
  /** The shared bench folder (holds `score.mjs`, `squad-train/` and `wikiqa-train/`). */
  benchDir: string;
  /** The question sets to run, in order. */
  sets: readonly BenchSet[];
  /** Use only the first N questions; undefined = all. */
  limit: number | undefined;
  /** Parts to run. */
  parts: ReadonlySet<Part>;
  /** Also run the engine once per ablation variant. */
  ablate: boolean;
  /** Write every number to this JSON file. */
  json: string | undefined;
  /** Folder for results files handed to score.mjs. */
  outDir: string;
}

/** Paths inside the bench folder. */
export interface BenchPaths {
  scorer: string;
  questions: string;
  /** Titles for score.mjs's doc matching. */
  corpusJsonl: string;
  corpusTxt: string;
}

/** Thrown for bad options or missing data; the entry prints the message and exits 1. */
export class UsageError extends Error {}

export const USAGE = `usage: npm run bench:quality -- [--sets A,B] [--limit N] [--only baseline,engine,noanswer,cases] [--ablate] [--json FILE] [--bench DIR] [--out DIR]
  --sets A,B    question sets (default ${BENCH_SETS.join(',')})
  --limit N     only the first N questions of each set
  --bench DIR   shared bench folder (default ../shared/bench next to the repo, or $VERBATIM_BENCH_DIR)
  --out DIR     where results files for score.mjs go (default .bench-out/ in the repo)`;

/**
 * The shared bench folder: `--bench`, else $VERBATIM_BENCH_DIR, else ../shared/bench next to the repo.
 * Symbolic links are resolved: score.mjs runs only when its path is its real one (it compares
 * `import.meta.url` with `process.argv[1]`), and ../shared is often a link.
 */
export function resolveBenchDir(flag: string | undefined, repoRoot: string, env: NodeJS.ProcessEnv): string {
  const dir = path.resolve(flag ?? env.VERBATIM_BENCH_DIR ?? path.resolve(repoRoot, '../shared/bench'));
  return fs.existsSync(dir) ? fs.realpathSync(dir) : dir;
}

/** Parses `argv` (without node and the script). */
export function parseQualityArgs(argv: string[], repoRoot: string, env: NodeJS.ProcessEnv = process.env): QualityOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        limit: { type: 'string' },
        sets: { type: 'string' },
        only: { type: 'string' },
        ablate: { type: 'boolean', default: false },
        json: { type: 'string' },
        bench: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new UsageError(USAGE);

  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit wants a positive integer, got "${values.limit}"`);
  }
  let parts: Set<Part> = new Set(PARTS);
  if (values.only !== undefined) {
    const wanted = values.only.split(',').map((s) => s.trim());
    const bad = wanted.filter((p) => !(PARTS as readonly string[]).includes(p));
    if (bad.length) throw new UsageError(`--only wants ${PARTS.join('|')}, got "${bad.join(',')}"`);
    parts = new Set(wanted as Part[]);
  }
  let sets: BenchSet[] = [...BENCH_SETS];
  if (values.sets !== undefined) {
    const wanted = values.sets.split(',').map((s) => s.trim());
    const bad = wanted.filter((s) => !(BENCH_SETS as readonly string[]).includes(s));
    if (bad.length) throw new UsageError(`--sets wants ${BENCH_SETS.join(',')}, got "${bad.join(',')}"`);
    sets = wanted as BenchSet[];
  }
  const benchDir = resolveBenchDir(values.bench, repoRoot, env);
  return {
    benchDir,
    sets,
    limit,
    parts,
    ablate: values.ablate,
    json: values.json,
    outDir: path.resolve(values.out ?? path.join(repoRoot, '.bench-out')),
  };
}

/** The files of one question set, checked to exist; throws {@link UsageError} naming what is missing. */
export function benchPaths(benchDir: string, set: BenchSet = 'squad-train'): BenchPaths {
  const folder = path.join(benchDir, set);
  const paths: BenchPaths = {
    scorer: path.join(benchDir, 'score.mjs'),
    questions: path.join(folder, 'questions.jsonl'),
    corpusJsonl: path.join(folder, 'corpus.jsonl'),
    corpusTxt: path.join(folder, 'corpus-txt'),
  };
  const missing = [paths.scorer, paths.questions, paths.corpusJsonl, paths.corpusTxt].filter((p) => !fs.existsSync(p));
  if (missing.length) {
    throw new UsageError(
      `bench data not found in ${benchDir} (missing: ${missing.join(', ')}).\n` +
        'Point to the shared bench folder with --bench DIR or VERBATIM_BENCH_DIR.',
    );
  }
  return paths;
}
