/** Corpus file naming: which files count, and how a path becomes an article id. */

/** Extensions the loader reads (compared case-insensitively). */
export const CORPUS_EXTENSIONS = ['.txt', '.md', '.jsonl', '.html', '.htm', '.pdf'] as const;

/** How a corpus file is read. */
export type CorpusFileKind = 'text' | 'jsonl' | 'html' | 'pdf';

/** The extension of `name` from {@link CORPUS_EXTENSIONS}, lower-cased, or `undefined`. */
export function corpusExtension(name: string): (typeof CORPUS_EXTENSIONS)[number] | undefined {
  const lower = name.toLowerCase();
  // A bare ".txt" is a hidden file, not an empty name with an extension.
  return CORPUS_EXTENSIONS.find((ext) => lower.endsWith(ext) && lower.length > ext.length);
}

/** `'text'` for .txt/.md, `'jsonl'`, `'html'` for .html/.htm, `'pdf'`; `undefined` for anything else. */
export function corpusFileKind(name: string): CorpusFileKind | undefined {
  switch (corpusExtension(name)) {
    case undefined:
      return undefined;
    case '.jsonl':
      return 'jsonl';
    case '.html':
    case '.htm':
      return 'html';
    case '.pdf':
      return 'pdf';
    default:
      return 'text';
  }
}

/**
 * Article id of a corpus file: its root-relative path without the extension
 * (`news/2024/kyiv.md` → `news/2024/kyiv`). Ids are shown to users, so they
 * stay readable rather than being hashes.
 */
export function fileId(relativePath: string): string {
  const ext = corpusExtension(relativePath);
  return ext === undefined ? relativePath : relativePath.slice(0, -ext.length);
}

/** Orders paths by UTF-16 code units: unlike `localeCompare`, the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
