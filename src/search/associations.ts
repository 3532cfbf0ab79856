/**
 * Question-word → answer-word associations learned from SQuAD question–answer
 * pairs (data/qa-associations.tsv.gz, built by scripts/build-qa-associations.ts):
 * a question holding "sing" is often answered by a sentence saying "perform",
 * "vocal" or "singer"; "large" by one giving "km2" or "acres". Ranking uses
 * them as a soft, secondary match (the `associated` signal), never as the
 * question's own words: they neither create candidates nor count towards
 * coverage, so they cannot make an answer out of a corpus that lacks the
 * question's words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '../util/packageInfo.ts';

/** Where the associations are; beside `src/` in the checkout and in the installed package. */
export const QA_ASSOCIATIONS_FILE = path.join(projectRoot(), 'data', 'qa-associations.tsv.gz');

/** An answer-sentence term and how strongly (0–1) it goes with the question term. */
export interface Association {
  readonly term: string;
  readonly weight: number;
}

let table: ReadonlyMap<string, readonly Association[]> | undefined;

/** Parses the file's lines: `source<TAB>target:weight target:weight…`. */
export function parseAssociations(text: string): Map<string, Association[]> {
  const out = new Map<string, Association[]>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const targets: Association[] = [];
    for (const item of line.slice(tab + 1).split(' ')) {
      const colon = item.lastIndexOf(':');
      const weight = Number(item.slice(colon + 1));
      if (colon > 0 && weight > 0) targets.push({ term: item.slice(0, colon), weight: Math.min(1, weight) });
    }
    if (targets.length > 0) out.set(line.slice(0, tab), targets);
  }
  return out;
}

/** The associations of a question term (an index term: a stem), strongest first; empty when none were learned. */
export function associationsOf(term: string): readonly Association[] {
  table ??= parseAssociations(gunzipSync(fs.readFileSync(QA_ASSOCIATIONS_FILE)).toString('utf8'));
  return table.get(term) ?? [];
}
