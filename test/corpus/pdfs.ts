/**
 * PDFs made by the tests with pdf-lib, in the shape of a real report: two
 * A4 pages, a running header and a page number on each, paragraphs wrapped
 * over several lines, one hyphenated line end ("pass-" / "engers") whose
 * joined word occurs elsewhere, one ("well-" / "known") whose does not, and a
 * paragraph cut by the page break.
 */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/** Lines of each page's body, top to bottom; `''` is a paragraph break. */
const REPORT_PAGES: string[][] = [
  [
    'The night ferry carried more passengers in its first month than the',
    'harbour board had expected for the whole summer.',
    '',
    'On Friday evenings the boat was full before it left the pier, and pass-',
    'engers who could not board waited for the late sailing at half past',
    'eleven.',
    '',
    'The board will add a second boat in June if the numbers hold, a well-',
    'known solution on other crossings of the bay, and it is now looking',
  ],
  [
    'for a crew to run it at night.',
    '',
    'Fares will stay at 45 crowns for a single crossing, and monthly passes',
    'will remain valid on every sailing.',
  ],
];

/** The report as PDF bytes, with title, author and creation date in its metadata. */
export async function reportPdf(options: { metadata?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (options.metadata !== false) {
    doc.setTitle('Night ferry: the first month');
    doc.setAuthor('Harbour Board');
    doc.setCreationDate(new Date('2024-06-03T09:00:00Z'));
  }
  const font = await doc.embedFont(StandardFonts.Helvetica);
  REPORT_PAGES.forEach((lines, index) => {
    const page = doc.addPage([595, 842]);
    page.drawText('Harbour Board - Night ferry report', { x: 72, y: 800, size: 9, font });
    let y = 740;
    for (const line of lines) {
      if (line === '') {
        y -= 10; // paragraph spacing on top of the line spacing
        continue;
      }
      page.drawText(line, { x: 72, y, size: 11, font });
      y -= 14;
    }
    page.drawText(String(index + 1), { x: 294, y: 40, size: 9, font });
  });
  return doc.save();
}

/** A PDF whose only page holds a drawn shape and no text, like a scan without OCR. */
export async function imageOnlyPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawRectangle({ x: 100, y: 100, width: 300, height: 400, color: rgb(0.5, 0.5, 0.5) });
  return doc.save();
}

/**
 * A PDF that asks for a password: a one-page document with a standard
 * security handler (RC4, revision 2) whose /U entry matches no empty password.
 * pdf-lib cannot encrypt, so the file is written by hand (with a correct
 * cross-reference table).
 */
export function encryptedPdf(): Uint8Array {
  const hex32 = (byte: string): string => `<${byte.repeat(32)}>`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    `<< /Filter /Standard /V 1 /R 2 /O ${hex32('ab')} /U ${hex32('cd')} /P -44 >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}
