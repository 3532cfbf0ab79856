/**
 * Quality bench: answers the SQuAD-train questions of the shared bench with a
 * plain MiniSearch baseline and with the engine, scores both with the shared
 * `score.mjs`, and measures how often the engine answers on its own corpus and
 * stays silent on an unrelated one.
 *
 *   npm run bench:quality -- [--limit N] [--only engine|baseline|noanswer] [--ablate] [--json FILE] [--bench DIR]
 *
 * Progress goes to stderr, results to stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalEngine } from '../src/engine/localEngine.ts';
import { ABLATIONS, type Ablation } from './lib/ablations.ts';
import { buildBaseline } from './lib/baseline.ts';
import { answerRate, type AnswerRate } from './lib/noanswer.ts';
import { benchPaths, parseQualityArgs, UsageError } from './lib/options.ts';
import { percentile, runQuestions, secondsSince, type Run, type Search } from './lib/run.ts';
import { questionsFileFor, readQuestions, score, writeJsonl, type ScoreRow } from './lib/score.ts';
import { formatTable, type TableRow } from './lib/table.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOP = 10;
/** Targets for the no-answer rates (share of questions). */
const TARGET_SILENT_ON_UNRELATED = 0.9;
const TARGET_ANSWERED_ON_OWN = 0.98;

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

/** A system run waiting to be scored. */
interface Pending {
  name: string;
  file: string;
  run: Run;
  buildS?: number;
  /** Engine only: why questions got no quotes even with minCoverage 0. */
  reasons?: Record<string, number>;
}

async function main(): Promise<void> {
  const opts = parseQualityArgs(process.argv.slice(2), repoRoot);
  const paths = benchPaths(opts.benchDir);
  const allQuestions = await readQuestions(paths.scorer, paths.questions);
  const questions = opts.limit === undefined ? allQuestions : allQuestions.slice(0, opts.limit);
  const questionsFile = questionsFileFor(paths.questions, questions, allQuestions.length, opts.outDir);
  const seconds: Record<string, number> = {};
  log(`bench ${opts.benchDir}: ${questions.length} of ${allQuestions.length} questions`);

  // One library for everything: the baseline indexes its sentences, and every
  // engine variant is asked against it.
  let t0 = performance.now();
  const { engine, report } = await LocalEngine.open({ corpusDir: paths.corpusTxt });
  const openS = (seconds.open = secondsSince(t0));
  const store = engine.library.store;
  if (report.skipped.length)
    log(`warning: ${report.skipped.length} corpus items skipped: ${report.skipped.map((s) => JSON.stringify(s)).join('; ')}`);
  log(`engine open: ${store.articleCount} articles, ${store.sentenceCount} sentences in ${openS.toFixed(2)} s`);

  const pending: Pending[] = [];
  const outFile = (name: string): string => path.join(opts.outDir, `${name.replace(/[^\w.-]+/g, '-')}.jsonl`);

  if (opts.parts.has('baseline')) {
    t0 = performance.now();
    log('baseline: indexing…');
    const baseline = buildBaseline(store, TOP);
    log(`baseline: ${baseline.sentences} sentences indexed in ${(baseline.buildMs / 1000).toFixed(2)} s; asking…`);
    const run = runQuestions(questions, baseline.search, (n) => log(`  baseline ${n}/${questions.length}`));
    pending.push({ name: 'minisearch-default', file: outFile('minisearch-default'), run, buildS: baseline.buildMs / 1000 });
    seconds.baseline = secondsSince(t0);
  }

  if (opts.parts.has('engine')) {
    const variants: Ablation[] = [{ name: 'verbatim' }];
    if (opts.ablate) variants.push(...ABLATIONS.map((a) => ({ ...a, name: `verbatim: ${a.name}` })));
    for (const v of variants) {
      t0 = performance.now();
      // A change in analysis needs a library of its own; ranking variants share the default one.
      const variantEngine = v.library ? (await LocalEngine.open({ corpusDir: paths.corpusTxt, library: v.library })).engine : engine;
      log(`${v.name}: asking…`);
      const reasons: Record<string, number> = {};
      // minCoverage 0: always return the best 10, so ranking quality is scored rather than the cut-off.
      const search: Search = (q) => {
        const answer = variantEngine.askSync(q, { top: TOP, minCoverage: 0, ...(v.rank && { rank: v.rank }) });
        if (answer.quotes.length === 0) reasons[answer.reason ?? '(none)'] = (reasons[answer.reason ?? '(none)'] ?? 0) + 1;
        return answer.quotes.map((quote) => ({ text: quote.text, docId: quote.article.id }));
      };
      const run = runQuestions(questions, search, (n) => log(`  ${v.name} ${n}/${questions.length}`));
      // The build is shared; only the default row claims it.
      pending.push({ name: v.name, file: outFile(v.name), run, reasons, ...(v === variants[0] && { buildS: openS }) });
      if (variantEngine !== engine) await variantEngine.close();
      seconds[v.name] = secondsSince(t0);
    }
  }

  for (const p of pending) writeJsonl(p.file, p.run.lines);
  let rows: TableRow[] = [];
  if (pending.length) {
    t0 = performance.now();
    log(`scoring ${pending.length} results file(s) with score.mjs…`);
    const scores = await score(
      { scorer: paths.scorer, questionsFile, corpusJsonl: paths.corpusJsonl },
      pending.map((p) => p.file),
    );
    seconds.scoring = secondsSince(t0);
    rows = pending.map((p, i) => ({
      name: p.name,
      score: scores[i] as ScoreRow,
      p50Ms: percentile(p.run.latencies, 50),
      p95Ms: percentile(p.run.latencies, 95),
      ...(p.buildS !== undefined && { buildS: p.buildS }),
    }));
  }

  let noAnswer: { unrelated: AnswerRate; own: AnswerRate } | undefined;
  if (opts.parts.has('noanswer')) {
    t0 = performance.now();
    log('no-answer rates: opening the seed corpus…');
    const seed = await LocalEngine.open({ corpusDir: path.join(repoRoot, 'corpus') });
    log(`  seed corpus: ${seed.engine.library.store.articleCount} articles; asking (default options)…`);
    const unrelated = answerRate(seed.engine, questions);
    log('  asking on the own corpus (default options)…');
    const own = answerRate(engine, questions);
    noAnswer = { unrelated, own };
    seconds.noanswer = secondsSince(t0);
  }

  // ---- stdout: the results ----
  console.log(`Verbatim quality bench: squad-train, ${questions.length} questions, top ${TOP} (${opts.benchDir})`);
  console.log(`Library: ${store.articleCount} articles, ${store.sentenceCount} sentences, opened in ${openS.toFixed(2)} s`);
  if (rows.length) {
    console.log('');
    console.log(formatTable(rows));
    console.log('hit/MRR/doc in % (score.mjs); latency = performance.now() around each search call incl. mapping to results;');
    console.log("engine: askSync(q, { top: 10, minCoverage: 0 }); baseline build = MiniSearch indexing of the engine's sentences only.");
    for (const p of pending) {
      const zero = p.run.lines.filter((l) => l.results.length === 0).length;
      if (zero || p.run.errors.length) {
        const why =
          p.reasons && Object.keys(p.reasons).length
            ? ` (${Object.entries(p.reasons)
                .map(([k, n]) => `${k}: ${n}`)
                .join(', ')})`
            : '';
        console.log(`${p.name}: ${zero} question(s) with no results${why}, ${p.run.errors.length} error(s)`);
        for (const e of p.run.errors.slice(0, 3)) console.log(`  error ${e.id} "${e.question}": ${e.error}`);
      }
    }
  }
  if (noAnswer) {
    const rate = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)}%`;
    const mark = (share: number, target: number): string => (share >= target ? 'ok' : 'BELOW TARGET');
    const { unrelated, own } = noAnswer;
    console.log('');
    console.log('No-answer rates (engine default answer options):');
    console.log(
      `  unrelated seed corpus (corpus/): ${rate(unrelated.unanswered, unrelated.questions)} get NO answer   (target ≥ ${TARGET_SILENT_ON_UNRELATED * 100}%) ${mark(unrelated.unanswered / unrelated.questions, TARGET_SILENT_ON_UNRELATED)}`,
    );
    console.log(
      `  own corpus (squad-train):        ${rate(own.answered, own.questions)} get an answer   (target ≥ ${TARGET_ANSWERED_ON_OWN * 100}%) ${mark(own.answered / own.questions, TARGET_ANSWERED_ON_OWN)}`,
    );
    for (const [label, r] of [
      ['unrelated', unrelated],
      ['own', own],
    ] as const) {
      console.log(`  ${label}: no-answer reasons ${JSON.stringify(r.reasons)}${r.errors ? `, ${r.errors} error(s)` : ''}`);
    }
    if (own.examples.length) {
      console.log('  unanswered on own corpus, e.g.:');
      for (const e of own.examples) console.log(`    ${e.id} [${e.reason}] ${e.question}`);
    }
  }
  console.log('');
  console.log(
    `Times (s): ${Object.entries(seconds)
      .map(([k, s]) => `${k} ${s.toFixed(1)}`)
      .join(', ')}`,
  );

  if (opts.json) {
    const json = {
      benchDir: opts.benchDir,
      questions: questions.length,
      library: { articles: store.articleCount, sentences: store.sentenceCount, openS },
      rows: rows.map((r, i) => ({ ...r, errors: pending[i]!.run.errors, noResultReasons: pending[i]!.reasons })),
      noAnswer,
      targets: { silentOnUnrelated: TARGET_SILENT_ON_UNRELATED, answeredOnOwn: TARGET_ANSWERED_ON_OWN },
      seconds,
    };
    fs.mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
    fs.writeFileSync(opts.json, JSON.stringify(json, null, 2) + '\n');
    log(`wrote ${opts.json}`);
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    log(err.message);
  } else {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  }
  process.exit(1);
});
