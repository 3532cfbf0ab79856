import { describe, expect, it } from 'vitest';
import { parseFrontMatter } from '../../src/corpus/index.ts';

describe('parseFrontMatter', () => {
  it('text without a leading --- line has no front matter', () => {
    expect(parseFrontMatter('Title\n---\nkey: value\n---\n')).toEqual({ kind: 'none' });
    expect(parseFrontMatter('----\ntitle: x\n---\nBody')).toEqual({ kind: 'none' });
  });

  it('keys are case-insensitive and trimmed, values trimmed and unquoted, other keys lower-cased into extra', () => {
    const result = parseFrontMatter('---  \n  TITLE :  "  spaced title  " \nURL:https://e.com/a?b=c:d\nAuthor: \'Jo\'\nMixed_Key-1.x: plain\n---\t\nBody');
    expect(result).toEqual({
      kind: 'ok',
      meta: { title: '  spaced title  ', url: 'https://e.com/a?b=c:d', extra: { author: 'Jo', 'mixed_key-1.x': 'plain' } },
      body: 'Body',
      closingLine: 6,
      warnings: [],
    });
  });

  it('link is an alias of url and publisher of source', () => {
    const result = parseFrontMatter('---\nlink: https://e.com\npublisher: P\n---\nBody');
    expect(result.kind === 'ok' && result.meta).toEqual({ url: 'https://e.com', source: 'P', extra: {} });
  });

  it('odd key names such as __proto__ and constructor are kept as plain extra keys', () => {
    const result = parseFrontMatter('---\n__proto__: polluted\nconstructor: c\n---\nBody');
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(Object.keys(result.meta.extra)).toEqual(['__proto__', 'constructor']);
    expect(result.meta.extra['constructor']).toBe('c');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a prose line with a colon does not start front matter, but a key: value line does', () => {
    expect(parseFrontMatter('---\nIn the end: nothing changed.\n---\n')).toEqual({ kind: 'none' });
    expect(parseFrontMatter('---\nend: nothing changed.\n---\n').kind).toBe('ok');
  });

  it('a --- line followed only by blank lines and comments until the end is plain text', () => {
    expect(parseFrontMatter('---\n\n# heading\n\n')).toEqual({ kind: 'none' });
  });

  it('a block may end at the end of the text, leaving an empty body', () => {
    expect(parseFrontMatter('---\ntitle: T\n---')).toMatchObject({ kind: 'ok', body: '', meta: { title: 'T' } });
  });

  it('a stray line inside a closed block is an error naming that line', () => {
    expect(parseFrontMatter('---\ntitle: T\n\n- a list item\n---\nBody')).toEqual({
      kind: 'error',
      reason: 'front matter line 4 is not "key: value": "- a list item"',
    });
  });

  it('a value with an unclosed quote or bracket is dropped with a warning naming its line, and the rest of the block is kept', () => {
    const result = parseFrontMatter('---\ntitle: "Unclosed\ndate: [2024\nsource: Harbour Times\nnote: \'half\n---\nBody');
    expect(result).toEqual({
      kind: 'ok',
      meta: { source: 'Harbour Times', extra: {} },
      body: 'Body',
      closingLine: 6,
      warnings: [
        'front matter line 2: "title" dropped: a quote opens but never closes ("Unclosed)',
        'front matter line 3: "date" dropped: "[" opens a YAML list or map that never closes ([2024)',
        'front matter line 5: "note" dropped: a quote opens but never closes (\'half)',
      ],
    });
  });

  it('a YAML list or map is refused for a named field but kept as text for other keys', () => {
    const result = parseFrontMatter('---\ntitle: [One, Two]\nsource: {name: X}\ntags: [news, ukraine]\n---\nBody');
    expect(result.kind === 'ok' && result.meta).toEqual({ extra: { tags: '[news, ukraine]' } });
    expect(result.kind === 'ok' && result.warnings).toEqual([
      'front matter line 2: "title" dropped: a YAML list or map, where one value is expected ([One, Two])',
      'front matter line 3: "source" dropped: a YAML list or map, where one value is expected ({name: X})',
    ]);
  });

  it('quotes that open and close are removed, and quotes inside a value are kept', () => {
    const result = parseFrontMatter('---\ntitle: \'It\'s here\'\nsource: The "Harbour" Times\n---\nBody');
    expect(result).toMatchObject({ kind: 'ok', meta: { title: "It's here", source: 'The "Harbour" Times' }, warnings: [] });
  });
});
