import { describe, expect, it } from 'vitest';
import { Analyzer, isMostlyCapitals, normalizeWord } from '../../src/text/analyze.ts';

const analyzer = new Analyzer();
const terms = (text: string) => analyzer.terms(text);

describe('Analyzer', () => {
  it('keeps letters of any script together ("São Paulo")', () => {
    expect(analyzer.tokens('São Paulo and Kyiv').map((t) => t.word)).toEqual(['sao', 'paulo', 'and', 'kyiv']);
  });

  it('folds diacritics so that Séjourné matches Sejourne', () => {
    expect(terms('Stéphane Séjourné')).toEqual(terms('Stephane Sejourne'));
    expect(normalizeWord('Séjourné')).toBe('sejourne');
  });

  it('treats curly and straight apostrophes alike and drops the possessive', () => {
    expect(terms('Canada’s mission')).toEqual(terms("Canada's mission"));
    expect(terms('Canada’s mission')).toEqual(terms('Canada mission'));
  });

  it('finds "10,000" as 10,000 and as 10000', () => {
    expect(terms('more than 10,000 soldiers')).toContain('10000');
    expect(terms('10000')).toEqual(['10000']);
    expect(terms('10,000')).toEqual(['10000']);
  });

  it('keeps decimals and years as they are', () => {
    expect(terms('$9.7 billion in 2018')).toEqual(['9.7', 'billion', '2018']);
  });

  it('makes a hyphenated word findable as a whole and by its parts', () => {
    const t = terms('anti-tank weapons');
    expect(t).toContain('anti-tank');
    expect(t).toContain('tank');
    expect(t).toContain('anti');
    expect(terms('tank')).toEqual(['tank']);
  });

  it('drops English stop words, including contractions', () => {
    expect(terms('What is the mission of the troops?')).toEqual(['mission', 'troop']);
    expect(terms("We don't think there's a plan")).toEqual(['think', 'plan']);
  });

  it('keeps an all-capitals acronym that spells a stop word', () => {
    expect(terms('US troops')).toEqual(['us', 'troop']);
    expect(terms('the U.S. troops')).toEqual(['us', 'troop']);
    expect(terms('told us')).toEqual(terms('tell'));
  });

  it('keeps stems that would collide with acronyms apart ("used" is not "US")', () => {
    expect(terms('used')).not.toEqual(terms('US'));
    expect(terms('used')).toEqual(terms('uses'));
  });

  it('stems words with Porter so that inflections meet', () => {
    expect(terms('soldiers training')).toEqual(terms('soldier trained'));
    expect(terms('Operation Unifier')).toEqual(terms('operations UNIFIER'));
  });

  it('brings irregular forms back to their base, which suffix stripping cannot ("wrote", "written" → "write")', () => {
    expect(terms('wrote')).toEqual(terms('write'));
    expect(terms('written')).toEqual(terms('writes'));
    expect(terms('the war began')).toEqual(terms('the war beginning'));
    expect(terms('women')).toEqual(terms('woman'));
    expect(terms('children')).toEqual(terms('child'));
  });

  it('leaves alone an irregular form that is also another word ("found" a city is not "find")', () => {
    expect(terms('found')).toEqual(terms('founded'));
    expect(terms('found')).not.toEqual(terms('find'));
    expect(terms('left')).not.toEqual(terms('leave'));
  });

  it('treats an irregular form of a stop word as a stop word ("came", like "come")', () => {
    expect(analyzer.isStopWord('come')).toBe(true);
    expect(terms('they came')).toEqual([]);
  });

  it('can have the irregular forms switched off', () => {
    expect(new Analyzer({ baseForms: new Map() }).terms('wrote written')).toEqual(['wrote', 'written']);
  });

  it('reports token offsets into the original text', () => {
    const text = 'Canada’s anti-tank gear';
    const tokens = analyzer.tokens(text);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(['Canada’s', 'anti-tank', 'gear']);
    expect(tokens[0]!.terms).toEqual(['canada']);
  });
});

describe('text in capitals', () => {
  it('tells a text written mostly in capitals from one with a few acronyms', () => {
    expect(isMostlyCapitals('HOW MANY STRIPES ARE ON THE AMERICAN FLAG')).toBe(true);
    expect(isMostlyCapitals('HOW MANY STRIPES ARE ON THE AMERICAN flag?')).toBe(true);
    expect(isMostlyCapitals('NATO and the US signed the SOFA')).toBe(false);
    expect(isMostlyCapitals('How Many Stripes Are On The American Flag')).toBe(false);
    expect(isMostlyCapitals('US')).toBe(false); // too short to say
    expect(isMostlyCapitals('ÉTÉ À MONTRÉAL')).toBe(true);
  });

  it('reads the words of a text in capitals as ordinary words, not acronyms', () => {
    expect(terms('HOW MANY STRIPES ARE ON THE AMERICAN FLAG')).toEqual(terms('how many stripes are on the american flag'));
    expect(terms('WHO WROTE THE PLAY')).toEqual(['write', 'plai']);
    expect(analyzer.tokens('WHAT IS IT').every((t) => t.terms.length === 0)).toBe(true);
  });

  it('still keeps a dotted acronym in a text in capitals', () => {
    expect(terms('THE U.S. SENDS TROOPS')).toEqual(['us', 'send', 'troop']);
  });

  it('keeps an all-capitals word among lower-case ones as an acronym', () => {
    expect(terms('the WHO said so')).toEqual(['who']);
  });
});

describe('dotted acronyms', () => {
  it('reads letters with dots as an acronym in any case ("u.s." is not "us")', () => {
    expect(terms('the u.s. army')).toEqual(terms('the U.S. Army'));
    expect(terms('the u.s. army')).toContain('us');
    expect(terms('told us')).not.toContain('us');
  });
});
