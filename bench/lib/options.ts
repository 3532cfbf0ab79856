/**
 * Command-line options of `bench/quality.ts` and where the benchmark data is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** A part of the quality bench that `--only` can select. */
export type Part = 'baseline' | 'engine' | 'noanswer';

const PARTS: readonly Part[] = ['baseline', 'engine', 'noanswer'];

/** Parsed options of the quality bench. */
export interface QualityOptions {
  /** The shared bench folder (holds `score.mjs` and `squad-train/`). */
  benchDir: string;
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

export const USAGE = `usage: npm run bench:quality -- [--limit N] [--only engine|baseline|noanswer] [--ablate] [--json FILE] [--bench DIR] [--out DIR]
  --bench DIR   shared bench folder (default ../shared/bench next to the repo, or $VERBATIM_BENCH_DIR)
  --out DIR     where results files for score.mjs go (default .bench-out/ in the repo)`;

/** The shared bench folder: `--bench`, else $VERBATIM_BENCH_DIR, else ../shared/bench next to the repo. */
export function resolveBenchDir(flag: string | undefined, repoRoot: string, env: NodeJS.ProcessEnv): string {
  return path.resolve(flag ?? env.VERBATIM_BENCH_DIR ?? path.resolve(repoRoot, '../shared/bench'));
}

/** Parses `argv` (without node and the script). */
export function parseQualityArgs(argv: string[], repoRoot: string, env: NodeJS.ProcessEnv = process.env): QualityOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        limit: { type: 'string' },
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
  const benchDir = resolveBenchDir(values.bench, repoRoot, env);
  return {
    benchDir,
    limit,
    parts,
    ablate: values.ablate,
    json: values.json,
    outDir: path.resolve(values.out ?? path.join(repoRoot, '.bench-out')),
  };
}

/** The bench files, checked to exist; throws {@link UsageError} naming what is missing. */
export function benchPaths(benchDir: string): BenchPaths {
  const squad = path.join(benchDir, 'squad-train');
  const paths: BenchPaths = {
    scorer: path.join(benchDir, 'score.mjs'),
    questions: path.join(squad, 'questions.jsonl'),
    corpusJsonl: path.join(squad, 'corpus.jsonl'),
    corpusTxt: path.join(squad, 'corpus-txt'),
  };
  const missing = Object.values(paths).filter((p: string) => !fs.existsSync(p));
  if (missing.length) {
    throw new UsageError(
      `bench data not found in ${benchDir} (missing: ${missing.join(', ')}).\n` +
        'Point to the shared bench folder with --bench DIR or VERBATIM_BENCH_DIR.',
    );
  }
  return paths;
}
