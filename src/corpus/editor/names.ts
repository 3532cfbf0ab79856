/**
 * Safe names for documents added to the corpus. Whatever an attachment is
 * called (`../../x.txt`, `CON`, `.bashrc`, a 300-character name in Thai),
 * the file lands in the corpus's `added/` folder under a name made here of
 * lower-case ASCII letters, digits and dashes, which is also a readable
 * article id (`added/night-ferry-returns`).
 */

/** Longest name stem, in characters. */
const MAX_STEM = 60;

/**
 * A file-name stem from free text (a title, an attachment's name, a URL's
 * last path segment): accents folded, everything but letters and digits a
 * dash, at most 60 characters cut at a dash. `fallback` when nothing is left.
 */
export function safeStem(text: string, fallback = 'document'): string {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  let stem = folded.slice(0, MAX_STEM);
  if (folded.length > MAX_STEM && stem.includes('-')) stem = stem.slice(0, stem.lastIndexOf('-'));
  stem = stem.replace(/-+$/g, '');
  return stem === '' ? fallback : stem;
}

/** The stem of a file name without its directory and extension (`../../Night Ferry.PDF` → `night-ferry`). */
export function stemOfFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return safeStem(dot > 0 ? base.slice(0, dot) : base);
}

/** The stem of a link: its last path segment, else its host (`https://x.example/news/ferry.html` → `ferry`). */
export function stemOfUrl(link: string): string {
  try {
    const url = new URL(link);
    const segment = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
    return segment === '' ? safeStem(url.hostname) : stemOfFileName(segment);
  } catch {
    return 'document';
  }
}

/** `stem`, else `stem-2`, `stem-3`…: the first that `taken` says is free. */
export async function uniqueStem(stem: string, taken: (candidate: string) => Promise<boolean>): Promise<string> {
  for (let n = 1; n < 10_000; n++) {
    const candidate = n === 1 ? stem : `${stem}-${n}`;
    if (!(await taken(candidate))) return candidate;
  }
  throw new Error(`no free name for ${stem}`);
}
