/**
 * Builds data/qa-associations.tsv.gz: which words of an answer sentence go
 * with which words of a question, learned from SQuAD v1.1 question–answer
 * pairs in the manner of a translation model (Berger et al. 2000; Murdock &
 * Croft 2005), but kept to what ranking can use cheaply: for a question term
 * `q`, the answer-sentence terms `a` (not in the question) that are much more
 * frequent in the answer sentences of questions holding `q` than in any
 * sentence of the same articles.
 *
 *   npm run build:qa-associations [-- --bench DIR]
 *
 * Input: ../shared/bench/squad-train-rest (78,748 questions over 392 SQuAD
 * training articles that share no article with the quality bench's sets;
 * CC BY-SA 4.0). The answer sentence of a question is the sentence of its
 * paragraph holding the gold answer span (the one sharing most question terms
 * when several do). Only content terms are sources: what the interrogative
 * asks for ("when" → a date) is the answer-type signals' job.
 *
 * Output lines: `source<TAB>target:weight target:weight…`, weights in (0, 1]
 * (log-lift over the cap), sorted by weight; the same input gives the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Analyzer } from '../src/text/analyze.ts';
import { splitSentences } from '../src/text/sentences.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchArg = process.argv.indexOf('--bench');
const benchDir = benchArg > 0 ? path.resolve(process.argv[benchArg + 1]!) : path.resolve(repoRoot, '../shared/bench');
const inDir = path.join(benchDir, 'squad-train-rest');
const out = path.join(repoRoot, 'data', 'qa-associations.tsv.gz');

/** A pair must be seen in at least this many questions… */
const MIN_PAIRS = 4;
/** …of at least this many different articles (so one article's topic words are not learned as associations). */
const MIN_ARTICLES = 3;
/** Lift (answer-sentence rate over the background rate) below this is not kept. */
const MIN_LIFT = 3;
/** log(lift) is divided by log of this and capped at 1. */
const LIFT_CAP = 64;
/** A target in fewer sentences of the articles than this is a name or a rarity, not a word that generalises. */
const MIN_BACKGROUND = 20;
/** Targets kept per source term (6 gave squad-train hit@1 75.9 and wikiqa-train 50.4, 12 gave 76.0 and 50.2, for twice the look-ups per question). */
const PER_SOURCE = 12;
/** A source term seen in fewer questions is not kept. */
const MIN_SOURCE = 8;

interface Article {
  id: string;
  title: string;
  text: string;
}
interface Question {
  id: string;
  question: string;
  answers: string[];
  docId: string;
}

const readJsonl = <T>(file: string): T[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

const analyzer = new Analyzer();
const termSet = (text: string): Set<string> => new Set(analyzer.terms(text));

const articles = new Map(readJsonl<Article>(path.join(inDir, 'corpus.jsonl')).map((a) => [a.id, a]));
const questions = readJsonl<Question>(path.join(inDir, 'questions.jsonl'));

// Background: in how many sentences of the articles each term occurs.
const paragraphs = new Map<string, Array<{ text: string; terms: Set<string> }>[]>();
const background = new Map<string, number>();
let sentenceCount = 0;
for (const a of articles.values()) {
  const paras = a.text.split('\n\n').map((p) =>
    splitSentences(p).map((s) => {
      const text = p.slice(s.start, s.end);
      const terms = termSet(text);
      sentenceCount++;
      for (const t of terms) background.set(t, (background.get(t) ?? 0) + 1);
      return { text, terms };
    }),
  );
  paragraphs.set(a.id, paras);
}

const sourceCount = new Map<string, number>();
const pairCount = new Map<string, Map<string, number>>();
const pairArticles = new Map<string, Map<string, Set<string>>>();
let used = 0;
for (const q of questions) {
  // Ids read "sq-train-AAA-PPP-NN": PPP is the paragraph's index in the article.
  const p = /-(\d+)-\d+$/.exec(q.id);
  const para = p ? paragraphs.get(q.docId)?.[Number(p[1])] : undefined;
  if (!para) continue;
  const qTerms = termSet(q.question);
  const answer = q.answers[0];
  if (!answer) continue;
  let best: { terms: Set<string> } | undefined;
  let bestOverlap = -1;
  for (const s of para) {
    if (!s.text.includes(answer)) continue;
    let overlap = 0;
    for (const t of qTerms) if (s.terms.has(t)) overlap++;
    if (overlap > bestOverlap) [best, bestOverlap] = [s, overlap];
  }
  if (!best) continue;
  used++;
  for (const s of qTerms) {
    sourceCount.set(s, (sourceCount.get(s) ?? 0) + 1);
    let row = pairCount.get(s);
    if (!row) pairCount.set(s, (row = new Map<string, number>()));
    let arts = pairArticles.get(s);
    if (!arts) pairArticles.set(s, (arts = new Map<string, Set<string>>()));
    for (const t of best.terms) {
      if (qTerms.has(t) || /^\p{N}/u.test(t)) continue; // a question's own words need no association; numbers do not generalise
      row.set(t, (row.get(t) ?? 0) + 1);
      let set = arts.get(t);
      if (!set) arts.set(t, (set = new Set()));
      set.add(q.docId);
    }
  }
}

const lines: string[] = [];
let pairsKept = 0;
for (const s of [...sourceCount.keys()].sort()) {
  const n = sourceCount.get(s)!;
  if (n < MIN_SOURCE) continue;
  const kept: Array<[string, number]> = [];
  for (const [t, c] of pairCount.get(s)!) {
    if (c < MIN_PAIRS || (background.get(t) ?? 0) < MIN_BACKGROUND || pairArticles.get(s)!.get(t)!.size < MIN_ARTICLES) continue;
    const lift = c / (n + 1) / (background.get(t)! / sentenceCount);
    if (lift < MIN_LIFT) continue;
    kept.push([t, Math.min(1, Math.log(lift) / Math.log(LIFT_CAP))]);
  }
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const top = kept.slice(0, PER_SOURCE);
  if (top.length === 0) continue;
  pairsKept += top.length;
  lines.push(`${s}\t${top.map(([t, w]) => `${t}:${w.toFixed(3)}`).join(' ')}`);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, gzipSync(`${lines.join('\n')}\n`, { level: 9 }));
process.stderr.write(
  `${path.relative(repoRoot, out)}: ${lines.length} question terms, ${pairsKept} associations from ${used} of ${questions.length} questions ` +
    `(${articles.size} articles, ${sentenceCount} sentences), ${fs.statSync(out).size} bytes\n`,
);
