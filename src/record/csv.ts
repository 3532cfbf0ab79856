/**
 * CSV for `verbatim stats --export`: RFC 4180 (fields with a comma, a quote
 * or a line break in double quotes, quotes doubled, CRLF line ends), and safe
 * to open in a spreadsheet. A cell starting with `=`, `+`, `-` or `@` (or a
 * tab or carriage return) is a formula to Excel, LibreOffice and Google
 * Sheets, and a recorded question is text anyone could type, so such a cell
 * gets a leading apostrophe, as OWASP advises
 * (https://owasp.org/www-community/attacks/CSV_Injection).
 */

/** Characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell, neutralized and quoted as needed. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record (line), with its CRLF. */
export function csvLine(values: ReadonlyArray<string | number | null | undefined>): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
