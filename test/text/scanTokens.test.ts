/**
 * The hand-written tokenizer must cut exactly the tokens the TOKEN regex
 * (the definition of a token) matches: on real text and on random strings
 * made of the characters where the rules differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../bench/lib/synth.ts';
import { scanTokens, TOKEN } from '../../src/text/analyze.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function byRegex(text: string): Array<[number, number]> {
  return [...text.matchAll(new RegExp(TOKEN))].map((m) => [m.index, m.index + m[0].length]);
}

function byScanner(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  scanTokens(text, (start, end) => out.push([start, end]));
  return out;
}

describe('scanTokens', () => {
  it('cuts the tokens the regex cuts in every file of the seed corpus and the fixtures', () => {
    const files = [path.join(ROOT, 'corpus'), path.join(ROOT, 'test/fixtures')].flatMap((dir) =>
      fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && /\.(txt|md|jsonl|html)$/.test(e.name))
        .map((e) => path.join(e.parentPath, e.name)),
    );
    expect(files.length).toBeGreaterThan(10);
    let tokens = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const expected = byRegex(text);
      expect(byScanner(text), file).toEqual(expected);
      tokens += expected.length;
    }
    expect(tokens).toBeGreaterThan(5000);
  });

  it('cuts the tokens the regex cuts in random strings of letters, digits, marks, joiners and separators', () => {
    // Where the rules differ: dots and commas in numbers and acronyms, apostrophes and hyphens (ASCII and
    // Unicode) between word parts, combining marks, non-ASCII letters and numbers, astral characters.
    const alphabet = [..."aZxU.,.'-’ʼ‐‑ 9 0 \n", 'é', 'ß', '\u0301', '²', '½', '٣', 'Ж', '“', '–', '😀', '𝐀', 's', 'S', 't'];
    // Seeded, so a failure can be reproduced.
    const random = mulberry32(13);
    for (let n = 0; n < 20000; n++) {
      const length = 1 + Math.floor(random() * 14);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect(byScanner(text), JSON.stringify(text)).toEqual(byRegex(text));
    }
  });

  it('keeps the token rules: acronyms, numbers with separators, joined words', () => {
    const text = "U.S.A. troops' anti-tank 10,000.5th rock'n'roll Canada’s x.y a.b.c 1990s-era -x- ";
    // One letter-dot pair is no acronym ("x.y"); a dotted acronym ends at its last dot ("a.b." + "c").
    expect(byScanner(text).map(([s, e]) => text.slice(s, e))).toEqual([
      'U.S.A.',
      'troops',
      'anti-tank',
      '10,000.5th',
      "rock'n'roll",
      'Canada’s',
      'x',
      'y',
      'a.b.',
      'c',
      '1990s',
      'era',
      'x',
    ]);
  });
});
