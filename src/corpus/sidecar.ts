/**
 * Metadata sidecars: `<document>.meta.json` next to a document (for example
 * `added/night-ferry.pdf.meta.json` for `added/night-ferry.pdf`) sets or
 * overrides its title, link, date or source. They are how a title given
 * with `/corpus add … title:` is kept for formats without front matter (HTML,
 * PDF) without changing the document's bytes; anyone may write one by hand.
 *
 * ```json
 * { "title": "Night ferry returns", "url": "https://example.com/ferry", "source": "Harbour Times", "date": "2024-03-14" }
 * ```
 *
 * The corpus listing folds a sidecar's size and modification time into its
 * document's, so editing the sidecar alone is seen as a change of the
 * document. A sidecar for a `.jsonl` file is ignored (its lines carry their
 * own metadata).
 */
import type { ArticleMeta } from './types.ts';

/** The suffix that makes a file the sidecar of the document whose name precedes it. */
export const SIDECAR_SUFFIX = '.meta.json';
/** Largest sidecar read, in bytes. */
export const MAX_SIDECAR_BYTES = 64 * 1024;

/** The metadata a sidecar may set. */
export type SidecarMeta = Partial<Pick<ArticleMeta, 'title' | 'url' | 'date' | 'source'>>;

const FIELDS = ['title', 'url', 'date', 'source'] as const;

/** The sidecar path of a document path (either `/`-separated or native). */
export function sidecarOf(documentPath: string): string {
  return `${documentPath}${SIDECAR_SUFFIX}`;
}

/** The document a sidecar name belongs to, or `undefined` if `name` is not a sidecar's. */
export function documentOfSidecar(name: string): string | undefined {
  return name.endsWith(SIDECAR_SUFFIX) && name.length > SIDECAR_SUFFIX.length ? name.slice(0, -SIDECAR_SUFFIX.length) : undefined;
}

/** Parses a sidecar's text: its metadata, or why it is ignored. Unknown keys are ignored. */
export function parseSidecar(text: string): { meta: SidecarMeta } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' };
  const meta: SidecarMeta = {};
  for (const key of FIELDS) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined || field === null) continue;
    if (typeof field !== 'string') return { error: `"${key}" is not a string` };
    const trimmed = field.replace(/\s+/g, ' ').trim();
    if (trimmed !== '') meta[key] = trimmed.slice(0, 1000);
  }
  return { meta };
}

/** The JSON text of a sidecar. */
export function formatSidecar(meta: SidecarMeta): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
}
