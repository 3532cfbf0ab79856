/**
 * Synthetic PDF reports for the ingest bench: the same stories as the news
 * pages (bench/lib/newsPages.ts), typeset with pdf-lib on A4 pages in 10 pt
 * Helvetica, with a running header, page numbers and paragraph spacing, as a
 * word processor would export them.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';

const PAGE: [number, number] = [595, 842];
const MARGIN = 72;
const SIZE = 10;
const LEADING = 13;

/** A story typeset as a PDF; resolves with its bytes and page count. */
export async function storyPdf(headline: string, paragraphs: readonly string[]): Promise<{ bytes: Uint8Array; pages: number }> {
  const doc = await PDFDocument.create();
  doc.setTitle(headline);
  doc.setAuthor('Example News');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const width = PAGE[0] - 2 * MARGIN;
  // WinAnsi (the standard fonts' encoding) has no characters outside Latin-1 and a few more; bench text is ASCII-folded.
  const ascii = (s: string): string =>
    s
      .replace(/[‘’]/g, "'")
      .replace(/[“”]/g, '"')
      .replace(/[–—]/g, '-')
      .replace(/…/g, '...')
      .replace(/[^\x20-\x7e]/g, '');
  let page = doc.addPage(PAGE);
  let y = PAGE[1] - MARGIN - 30;
  const newPage = (): void => {
    page = doc.addPage(PAGE);
    y = PAGE[1] - MARGIN - 30;
  };
  for (const paragraph of paragraphs) {
    const words = ascii(paragraph).split(/\s+/);
    let line = '';
    const flush = (): void => {
      if (y < MARGIN + 20) newPage();
      page.drawText(line, { x: MARGIN, y, size: SIZE, font });
      y -= LEADING;
      line = '';
    };
    for (const word of words) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (line !== '' && font.widthOfTextAtSize(candidate, SIZE) > width) flush();
      line = line === '' ? word : `${line} ${word}`;
    }
    if (line !== '') flush();
    y -= LEADING * 0.8; // paragraph spacing
  }
  const pages = doc.getPages();
  pages.forEach((p, i) => {
    p.drawText(`Example News - ${ascii(headline).slice(0, 60)}`, { x: MARGIN, y: PAGE[1] - 40, size: 8, font });
    p.drawText(String(i + 1), { x: PAGE[0] / 2, y: 30, size: 8, font });
  });
  return { bytes: await doc.save(), pages: pages.length };
}
