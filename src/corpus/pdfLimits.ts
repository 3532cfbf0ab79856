/** PDF limits that the reader needs without loading pdf.js. */

/** Default for the PDF reader's page limit: documents with more pages are skipped. */
export const DEFAULT_MAX_PDF_PAGES = 2000;
