/**
 * Command-line options of `bench/scale.ts`.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveBenchDir, UsageError } from './options.ts';
import { CORPUS_SHAPES, type CorpusShape } from './synth.ts';

/** Parsed options of the scale bench. */
export interface ScaleOptions {
  /** Corpus sizes in sentences, increasing. */
  sizes: number[];
  /** Corpus shapes measured at each size, in the order given. */
  shapes: CorpusShape[];
  /** Questions to time per size. */
  questions: number;
  /** The shared bench folder (holds `squad-train/`). */
  benchDir: string;
  /** Generated corpora and snapshots go to `<outDir>/<N>/`. */
  outDir: string;
  seed: number;
  /** Fail instead of generating a missing corpus. */
  skipGenerate: boolean;
  /** Only generate the corpora, measure nothing. */
  generateOnly: boolean;
  json: string | undefined;
  /** Leave out the typed-array reference index (measured by default, after Verbatim at each size). */
  noReference: boolean;
}

export const SCALE_USAGE = `usage: npm run bench:scale -- [--sentences N[,N…]] [--shape S[,S…]] [--questions Q] [--json FILE] [--skip-generate] [--generate-only] [--no-reference] [--seed S] [--bench DIR] [--out DIR]
  --sentences   corpus sizes (default 10000,100000,1000000)
  --shape       corpus shapes, each the same sentences (default files): files = one .txt file per document;
                jsonl = one big JSONL file, a line per document; tiny = a JSONL line per paragraph, in 4 files
  --no-reference  skip the typed-array BM25 reference that Verbatim's figures are compared with
  --questions   questions timed one after another per size (default 2000)
  --bench DIR   shared bench folder (default ../shared/bench next to the repo, or $VERBATIM_BENCH_DIR)
  --out DIR     generated corpora and snapshots (default .bench-out/scale in the repo)`;

/** Parses `argv` (without node and the script); throws {@link UsageError} on bad input. */
export function parseScaleArgs(argv: string[], repoRoot: string, env: NodeJS.ProcessEnv = process.env): ScaleOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sentences: { type: 'string', default: '10000,100000,1000000' },
        shape: { type: 'string', default: 'files' },
        questions: { type: 'string', default: '2000' },
        json: { type: 'string' },
        'skip-generate': { type: 'boolean', default: false },
        'generate-only': { type: 'boolean', default: false },
        'no-reference': { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        bench: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${SCALE_USAGE}`);
  }
  if (values.help) throw new UsageError(SCALE_USAGE);
  const int = (name: string, s: string): number => {
    // Accept 1e6 and 1_000_000 as well as 1000000.
    const n = Number(s.replaceAll('_', ''));
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} wants positive integers, got "${s}"`);
    return n;
  };
  const sizes = [...new Set(values.sentences.split(',').map((s) => int('sentences', s.trim())))].sort((a, b) => a - b);
  const shapes = [...new Set(values.shape.split(',').map((s) => s.trim()))].map((s) => {
    if (!(CORPUS_SHAPES as readonly string[]).includes(s)) throw new UsageError(`--shape wants ${CORPUS_SHAPES.join(', ')}; got "${s}"`);
    return s as CorpusShape;
  });
  return {
    sizes,
    shapes,
    questions: int('questions', values.questions),
    benchDir: resolveBenchDir(values.bench, repoRoot, env),
    outDir: path.resolve(values.out ?? path.join(repoRoot, '.bench-out', 'scale')),
    seed: int('seed', values.seed),
    skipGenerate: values['skip-generate'],
    generateOnly: values['generate-only'],
    noReference: values['no-reference'],
    json: values.json,
  };
}
