/**
 * The corpus editor: adding documents to the corpus, listing what was added
 * and removing it, for Discord (`/corpus`), the CLI (`verbatim add|list|
 * remove`) and the console, through this one code path.
 *
 * Adding: the document is obtained (see sources.ts), read with the corpus
 * loader as it will be indexed (a document that gives no article is refused
 * with the loader's reason, and nothing is written), refused if its text is
 * already in the corpus (naming the article), written atomically under a
 * safe, unique name in the corpus's `added/` folder, with a metadata sidecar
 * for a title given and the link it came from (see ../sidecar.ts), and
 * indexed by a reload, which applies a small change in place while
 * questions keep being answered. Every add and remove is appended to the
 * audit log. Changes run one at a time, in the order they were asked for.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { AnswerEngine, ReloadReport } from '../../engine/types.ts';
import { textFingerprint } from '../fingerprint.ts';
import { fileId } from '../paths.ts';
import { parseDocument, type ReadCorpusFileOptions } from '../readFile.ts';
import { formatSidecar, sidecarOf, type SidecarMeta } from '../sidecar.ts';
import { AuditLog, type Actor, type AuditEntry } from './audit.ts';
import { safeStem, uniqueStem } from './names.ts';
import { obtainDocument, type DocumentInput, type SourceOptions } from './sources.ts';
import { ADDED_DIR, addedFolder, removeFile, writeNewFile } from './write.ts';

/** Longest title accepted, in characters. */
export const MAX_TITLE_LENGTH = 200;

/** Options of {@link CorpusEditor}. */
export interface CorpusEditorOptions {
  corpusDir: string;
  /** Where the audit log is kept. */
  dataDir: string;
  /** The engine answering from the corpus: checked for duplicates, and reloaded after each change. */
  engine: AnswerEngine;
  /** How links are fetched (`allowHosts` from FETCH_ALLOW_HOSTS, timeouts…). */
  fetch?: SourceOptions['fetch'];
  /** Size limits per format (the loader's defaults otherwise). */
  limits?: ReadCorpusFileOptions | undefined;
}

/** An article as a change reports it. */
export interface ArticleSummary {
  id: string;
  title: string;
  sentences: number;
  url?: string;
}

/** What {@link CorpusEditor.add} did. */
export type AddResult =
  | {
      ok: true;
      /** The articles added (one, except for a JSONL file). */
      articles: ArticleSummary[];
      /** The file written, relative to the corpus folder. */
      file: string;
      /** Where it came from, in words: the link, the attachment's name or the local path. */
      source: string;
      /** Values the loader dropped (a bad link, a malformed front matter value). */
      warnings: string[];
      tookMs: number;
    }
  | { ok: false; reason: string };

/** What {@link CorpusEditor.remove} did. */
export type RemoveResult = { ok: true; file: string; removed: ArticleSummary[]; tookMs: number } | { ok: false; reason: string };

/** A document added from Discord, the CLI or the console, as `/corpus list` shows it. */
export interface AddedDocument {
  /** The (first) article's id. */
  id: string;
  title: string;
  file: string;
  addedBy: Actor;
  /** ISO 8601 time. */
  at: string;
  source: string;
  sentences: number;
}

/** One change request. */
export interface AddRequest {
  document: DocumentInput;
  /** A title to show instead of the document's own. */
  title?: string | undefined;
  by: Actor;
}

const describeOrigin = (origin: AuditEntry['origin']): string => origin.url ?? origin.attachment ?? origin.path ?? 'unknown';
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export class CorpusEditor {
  private readonly audit: AuditLog;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CorpusEditorOptions) {
    this.audit = new AuditLog(options.dataDir);
  }

  /** Where the audit log is. */
  get auditFile(): string {
    return this.audit.file;
  }

  /** Runs changes one at a time, in order, whatever the outcome of the one before. */
  private serially<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(change, change);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Adds a document. Never throws for a bad document or link: the result says why nothing was added. */
  add(request: AddRequest): Promise<AddResult> {
    return this.serially(() => this.addNow(request));
  }

  /** Removes the document of an article added from Discord, the CLI or the console. */
  remove(articleId: string, by: Actor): Promise<RemoveResult> {
    return this.serially(() => this.removeNow(articleId, by));
  }

  /** The documents added (and not removed since), newest first; `offset`/`limit` page them. */
  async list(options: { offset?: number; limit?: number } = {}): Promise<{ total: number; items: AddedDocument[] }> {
    const entries = await this.audit.read();
    const removed = new Set<string>();
    const items: AddedDocument[] = [];
    // Newest first: walking back, a file's latest entry decides whether it is still there.
    for (const entry of [...entries].reverse()) {
      if (removed.has(entry.file)) continue;
      if (entry.action === 'remove') {
        removed.add(entry.file);
        continue;
      }
      const id = entry.articles[0];
      if (id === undefined) continue;
      const view = await this.options.engine.article(id);
      if (!view || view.article.file !== entry.file) continue; // deleted or replaced by hand since
      removed.add(entry.file); // an older add of the same file name is history
      items.push({
        id,
        title: view.article.title,
        file: entry.file,
        addedBy: entry.by,
        at: entry.at,
        source: describeOrigin(entry.origin),
        sentences: view.sentences.length,
      });
    }
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    const limit = Math.max(1, Math.floor(options.limit ?? 10));
    return { total: items.length, items: items.slice(offset, offset + limit) };
  }

  private async addNow(request: AddRequest): Promise<AddResult> {
    const started = performance.now();
    const { engine, limits } = this.options;
    const title = request.title?.replace(/\s+/g, ' ').trim() || undefined;
    if (title !== undefined && title.length > MAX_TITLE_LENGTH) return { ok: false, reason: `the title is longer than ${MAX_TITLE_LENGTH} characters` };

    const obtained = await obtainDocument(request.document, { fetch: this.options.fetch, limits });
    if ('error' in obtained) return { ok: false, reason: obtained.error };

    // Read as the index will read it, before anything is written.
    const provisional = `${ADDED_DIR}/document${obtained.extension}`;
    const overrides: SidecarMeta = { ...(title !== undefined && { title }) };
    const parsed = await parseDocument(provisional, obtained.bytes, limits, overrides);
    const errors = parsed.skipped.filter((s) => s.severity !== 'warning');
    if (parsed.articles.length === 0) {
      return { ok: false, reason: `nothing to add: ${errors.map((s) => s.reason).join('; ') || 'the document has no text'}` };
    }
    for (const article of parsed.articles) {
      const existing = await engine.findByText(textFingerprint(article.text));
      if (existing) return { ok: false, reason: `this text is already in the corpus as "${existing.title}" (${existing.id})` };
    }
    const first = parsed.articles[0]!;
    // Cite where a fetched document came from when it names no link of its own.
    if (obtained.link !== undefined && first.meta.url === undefined && parsed.articles.length === 1) overrides.url = obtained.link;

    let dir: string;
    try {
      dir = await addedFolder(this.options.corpusDir);
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
    const names = new Set(await readdir(dir));
    const stem = await uniqueStem(safeStem(title ?? first.meta.title ?? obtained.stem), async (candidate) => {
      // Article ids ignore the extension: `x.txt` and `x.pdf` would both be `added/x`.
      if ([...names].some((n) => n === candidate || n.startsWith(`${candidate}.`))) return true;
      return (await engine.article(`${ADDED_DIR}/${candidate}`)) !== undefined;
    });
    const name = `${stem}${obtained.extension}`;
    const file = `${ADDED_DIR}/${name}`;
    try {
      // The sidecar first: the document appears complete with its metadata, or not at all.
      if (Object.keys(overrides).length > 0 && !(await writeNewFile(dir, path.basename(sidecarOf(name)), formatSidecar(overrides)))) {
        return { ok: false, reason: `${sidecarOf(file)} exists already; nothing was added` };
      }
      if (!(await writeNewFile(dir, name, obtained.bytes))) {
        await removeFile(dir, path.basename(sidecarOf(name)));
        return { ok: false, reason: `${file} exists already; nothing was added` };
      }
    } catch (err) {
      await removeFile(dir, path.basename(sidecarOf(name))).catch(() => undefined);
      return { ok: false, reason: `could not write into the corpus folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }

    const report = await engine.reload();
    // The ids the articles have under their final name (a JSONL line without an id is `<file id>:<line>`).
    const provisionalPrefix = `${fileId(provisional)}:`;
    const ids = parsed.articles.map((a) =>
      a.line === undefined ? fileId(file) : a.id.startsWith(provisionalPrefix) ? `${fileId(file)}:${a.id.slice(provisionalPrefix.length)}` : a.id,
    );
    const articles: ArticleSummary[] = [];
    for (const id of ids) {
      const view = await engine.article(id);
      if (view?.article.file === file) {
        articles.push({ id, title: view.article.title, sentences: view.sentences.length, ...(view.article.url && { url: view.article.url }) });
      }
    }
    if (!report.ok || articles.length === 0) {
      // Not indexed after all: take the files back out, so the folder says what the index says.
      await removeFile(dir, name);
      await removeFile(dir, path.basename(sidecarOf(name)));
      await engine.reload();
      const why = report.ok ? (report.skipped.find((s) => s.file === file)?.reason ?? 'it gave no article') : (report.error ?? 'the reload failed');
      return { ok: false, reason: `the document could not be indexed: ${why}` };
    }

    await this.audit.append({
      at: new Date().toISOString(),
      action: 'add',
      by: request.by,
      articles: articles.map((a) => a.id),
      title: articles[0]!.title,
      file,
      sha256: sha256(obtained.bytes),
      origin: obtained.origin,
    });
    const warnings = reportWarnings(report, file);
    return { ok: true, articles, file, source: describeOrigin(obtained.origin), warnings, tookMs: performance.now() - started };
  }

  private async removeNow(articleId: string, by: Actor): Promise<RemoveResult> {
    const started = performance.now();
    const { engine } = this.options;
    const view = await engine.article(articleId);
    if (!view) return { ok: false, reason: `there is no article "${articleId.slice(0, 200)}"` };
    const file = view.article.file;
    if (!file.startsWith(`${ADDED_DIR}/`) || file.slice(ADDED_DIR.length + 1).includes('/')) {
      return {
        ok: false,
        reason: `"${view.article.title}" was not added from Discord or the command line: it is ${file} in the corpus folder; remove it there`,
      };
    }
    let dir: string;
    try {
      dir = await addedFolder(this.options.corpusDir);
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
    const name = file.slice(ADDED_DIR.length + 1);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path.join(dir, name));
      await removeFile(dir, name);
      await removeFile(dir, path.basename(sidecarOf(name)));
    } catch (err) {
      return { ok: false, reason: `could not remove ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
    const report = await engine.reload();
    const removedIds = report.ok && report.removed.length > 0 ? report.removed : [articleId];
    const removed: ArticleSummary[] = removedIds.map((id) =>
      id === articleId ? { id, title: view.article.title, sentences: view.sentences.length } : { id, title: id, sentences: 0 },
    );
    await this.audit.append({
      at: new Date().toISOString(),
      action: 'remove',
      by,
      articles: removedIds,
      title: view.article.title,
      file,
      sha256: sha256(bytes),
      origin: {},
    });
    if (!report.ok) return { ok: false, reason: `${file} was deleted, but the index could not be updated: ${report.error ?? 'the reload failed'}` };
    return { ok: true, file, removed, tookMs: performance.now() - started };
  }
}

/** The warnings a reload reported for one file. */
function reportWarnings(report: ReloadReport, file: string): string[] {
  return report.skipped.filter((s) => s.file === file && s.severity === 'warning').map((s) => s.reason);
}
