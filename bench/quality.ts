/**
 * Quality bench: for each question set of the shared bench (SQuAD-train,
 * questions written beside the text; WikiQA-train, real search queries in
 * people's own words), answers every question with a plain MiniSearch
 * baseline and with the engine, scores both with the shared `score.mjs`, and
 * measures how often the engine answers on the set's own corpus and stays
 * silent on an unrelated one (the seed corpus).
 *
 *   npm run bench:quality -- [--sets A,B] [--limit N] [--only baseline,engine,noanswer,cases] [--ablate] [--json FILE] [--bench DIR]
 *
 * Progress goes to stderr, results to stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalEngine } from '../src/engine/localEngine.ts';
import { ABLATIONS, type Ablation } from './lib/ablations.ts';
import { buildBaseline } from './lib/baseline.ts';
import { caseAgreement, type CaseAgreement } from './lib/caseCheck.ts';
import { answerRate, type AnswerRate } from './lib/noanswer.ts';
import { benchPaths, parseQualityArgs, UsageError, type BenchSet, type QualityOptions } from './lib/options.ts';
import { percentile, runQuestions, secondsSince, type Run, type Search } from './lib/run.ts';
import { loadAnswerMatcher, questionsFileFor, readQuestions, score, writeJsonl, type ScoreRow } from './lib/score.ts';
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

/** What one question set gave. */
interface SetResult {
  set: BenchSet;
  questions: number;
  library: { articles: number; sentences: number; openS: number };
  rows: TableRow[];
  pending: Pending[];
  noAnswer?: { unrelated: AnswerRate; own: AnswerRate };
  cases?: CaseAgreement;
  seconds: Record<string, number>;
}

async function runSet(set: BenchSet, opts: QualityOptions, seed: LocalEngine | undefined): Promise<SetResult> {
  const paths = benchPaths(opts.benchDir, set);
  const allQuestions = await readQuestions(paths.scorer, paths.questions);
  const questions = opts.limit === undefined ? allQuestions : allQuestions.slice(0, opts.limit);
  const outDir = path.join(opts.outDir, set);
  const questionsFile = questionsFileFor(paths.questions, questions, allQuestions.length, outDir);
  const seconds: Record<string, number> = {};
  log(`${set}: ${questions.length} of ${allQuestions.length} questions`);

  // One library per set: the baseline indexes its sentences, and every engine
  // variant (but those changing the analysis) is asked against it.
  let t0 = performance.now();
  const { engine, report } = await LocalEngine.open({ corpusDir: paths.corpusTxt });
  const openS = (seconds.open = secondsSince(t0));
  const store = engine.library.store;
  if (report.skipped.length)
    log(`warning: ${report.skipped.length} corpus items skipped: ${report.skipped.map((s) => JSON.stringify(s)).join('; ')}`);
  log(`${set}: engine open: ${store.articleCount} articles, ${store.sentenceCount} sentences in ${openS.toFixed(2)} s`);

  const pending: Pending[] = [];
  const outFile = (name: string): string => path.join(outDir, `${name.replace(/[^\w.-]+/g, '-')}.jsonl`);

  if (opts.parts.has('baseline')) {
    t0 = performance.now();
    log(`${set}: baseline: indexing…`);
    const baseline = buildBaseline(store, TOP);
    log(`${set}: baseline: ${baseline.sentences} sentences indexed in ${(baseline.buildMs / 1000).toFixed(2)} s; asking…`);
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
      log(`${set}: ${v.name}: asking…`);
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
    log(`${set}: scoring ${pending.length} results file(s) with score.mjs…`);
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

  let noAnswer: SetResult['noAnswer'];
  if (seed) {
    t0 = performance.now();
    log(`${set}: no-answer rates: asking on the seed corpus, then on the own corpus (default options)…`);
    const matcher = await loadAnswerMatcher(paths.scorer);
    noAnswer = { unrelated: answerRate(seed, questions), own: answerRate(engine, questions, matcher) };
    seconds.noanswer = secondsSince(t0);
  }
  let cases: CaseAgreement | undefined;
  if (opts.parts.has('cases')) {
    t0 = performance.now();
    log(`${set}: asking each question in lower case, capitals and title case…`);
    cases = caseAgreement(engine, questions);
    seconds.cases = secondsSince(t0);
  }
  await engine.close();
  return {
    set,
    questions: questions.length,
    library: { articles: store.articleCount, sentences: store.sentenceCount, openS },
    rows,
    pending,
    ...(noAnswer && { noAnswer }),
    ...(cases && { cases }),
    seconds,
  };
}

function printSet(r: SetResult): void {
  console.log('');
  console.log(
    `## ${r.set}: ${r.questions} questions, top ${TOP}; library ${r.library.articles} articles, ${r.library.sentences} sentences, opened in ${r.library.openS.toFixed(2)} s`,
  );
  if (!r.rows.length) return;
  console.log('');
  console.log(formatTable(r.rows));
  for (const p of r.pending) {
    const zero = p.run.lines.filter((l) => l.results.length === 0).length;
    if (zero || p.run.errors.length) {
      const why =
        p.reasons && Object.keys(p.reasons).length
          ? ` (${Object.entries(p.reasons)
              .map(([k, n]) => `${k}: ${n}`)
              .join(', ')})`
          : '';
      console.log(`${p.name}: ${zero} question(s) with no results${why}, ${p.run.errors.length} error(s)`);
      for (const e of p.run.errors.slice(0, 3)) console.log(`  error ${e.id}: ${e.error}`);
    }
  }
}

function printNoAnswer(results: readonly SetResult[]): void {
  const withRates = results.filter((r) => r.noAnswer);
  if (!withRates.length) return;
  const rate = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)}%`;
  const mark = (share: number, target: number): string => (share >= target ? 'ok' : 'BELOW TARGET');
  console.log('');
  console.log('## No-answer rates (engine default answer options)');
  console.log('');
  console.log(
    `| questions | asked of the seed corpus: no answer (target ≥ ${TARGET_SILENT_ON_UNRELATED * 100}%) | asked of their own corpus: answered (target ≥ ${TARGET_ANSWERED_ON_OWN * 100}%) |`,
  );
  console.log('|---|---:|---:|');
  for (const r of withRates) {
    const { unrelated, own } = r.noAnswer!;
    console.log(
      `| ${r.set} | ${rate(unrelated.unanswered, unrelated.questions)} ${mark(unrelated.unanswered / unrelated.questions, TARGET_SILENT_ON_UNRELATED)} | ${rate(own.answered, own.questions)} ${mark(own.answered / own.questions, TARGET_ANSWERED_ON_OWN)} |`,
    );
  }
  console.log('');
  console.log('## Clear and weak answers (engine default answer options; hit@1 = a gold answer in the first quote)');
  console.log('');
  console.log('| questions | own corpus: clear (hit@1) | own: weak (hit@1) | own: none | seed corpus: clear | seed: weak | seed: none |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of withRates) {
    const { unrelated, own } = r.noAnswer!;
    const hit = (l: { questions: number; hitAt1: number }): string => (l.questions ? ` (${rate(l.hitAt1, l.questions)})` : '');
    console.log(
      `| ${r.set} | ${rate(own.levels.clear.questions, own.questions)}${hit(own.levels.clear)} | ${rate(own.levels.weak.questions, own.questions)}${hit(own.levels.weak)} | ${rate(own.levels.none.questions, own.questions)} | ${rate(unrelated.levels.clear.questions, unrelated.questions)} | ${rate(unrelated.levels.weak.questions, unrelated.questions)} | ${rate(unrelated.levels.none.questions, unrelated.questions)} |`,
    );
  }
  for (const r of withRates) {
    const { unrelated, own } = r.noAnswer!;
    console.log(
      `${r.set}: no-answer reasons on the seed corpus ${JSON.stringify(unrelated.reasons)}, on the own corpus ${JSON.stringify(own.reasons)}`,
    );
    if (unrelated.errors || own.errors) console.log(`${r.set}: ${unrelated.errors + own.errors} error(s)`);
  }
}

function printCases(results: readonly SetResult[]): void {
  const withCases = results.filter((r) => r.cases);
  if (!withCases.length) return;
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  console.log('');
  console.log('## Same top-3 quotes as the question in lower case (engine default answer options)');
  console.log('');
  console.log('| questions | IN CAPITALS | In Title Case | as written |');
  console.log('|---|---:|---:|---:|');
  for (const r of withCases) console.log(`| ${r.set} | ${pct(r.cases!.upper)} | ${pct(r.cases!.title)} | ${pct(r.cases!.original)} |`);
  console.log('("as written" may differ where the question names an acronym that spells a word: "US", "WHO".)');
}

async function main(): Promise<void> {
  const opts = parseQualityArgs(process.argv.slice(2), repoRoot);
  const started = performance.now();
  let seed: LocalEngine | undefined;
  if (opts.parts.has('noanswer')) {
    log('opening the seed corpus (corpus/) for the no-answer rates…');
    seed = (await LocalEngine.open({ corpusDir: path.join(repoRoot, 'corpus') })).engine;
  }
  const results: SetResult[] = [];
  for (const set of opts.sets) results.push(await runSet(set, opts, seed));
  await seed?.close();

  // ---- stdout: the results ----
  console.log(`# Verbatim quality bench (${opts.benchDir})`);
  for (const r of results) printSet(r);
  if (results.some((r) => r.rows.length)) {
    console.log('');
    console.log('hit/MRR/doc in % (score.mjs); latency = performance.now() around each search call incl. mapping to results;');
    console.log("engine: askSync(q, { top: 10, minCoverage: 0 }); baseline build = MiniSearch indexing of the engine's sentences only.");
  }
  printNoAnswer(results);
  printCases(results);
  console.log('');
  for (const r of results)
    console.log(
      `Times (s), ${r.set}: ${Object.entries(r.seconds)
        .map(([k, s]) => `${k} ${s.toFixed(1)}`)
        .join(', ')}`,
    );
  console.log(`Total ${secondsSince(started).toFixed(1)} s`);

  if (opts.json) {
    const json = {
      benchDir: opts.benchDir,
      sets: results.map((r) => ({
        set: r.set,
        questions: r.questions,
        library: r.library,
        rows: r.rows.map((row, i) => ({ ...row, errors: r.pending[i]!.run.errors, noResultReasons: r.pending[i]!.reasons })),
        noAnswer: r.noAnswer,
        cases: r.cases,
        seconds: r.seconds,
      })),
      targets: { silentOnUnrelated: TARGET_SILENT_ON_UNRELATED, answeredOnOwn: TARGET_ANSWERED_ON_OWN },
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
