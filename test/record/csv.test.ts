/** The CSV export: RFC 4180 quoting, and no cell a spreadsheet would run as a formula. */
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../src/record/csv.ts';

describe('CSV cells', () => {
  it('leaves plain text as it is', () => {
    expect(csvCell('what is Operation Unifier')).toBe('what is Operation Unifier');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
  });

  it('quotes cells with commas, quotes or line breaks, doubling the quotes', () => {
    expect(csvCell('tanks, jets')).toBe('"tanks, jets"');
    expect(csvCell('the "Leopard" tank')).toBe('"the ""Leopard"" tank"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
  });

  it('neutralizes cells a spreadsheet would read as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('a=1')).toBe('a=1');
  });

  it('does not touch numbers, which the export writes itself', () => {
    expect(csvCell(-3)).toBe('-3');
  });

  it('ends each line with CRLF', () => {
    expect(csvLine(['a', 'b,c', null, 3])).toBe('a,"b,c",,3\r\n');
  });
});
