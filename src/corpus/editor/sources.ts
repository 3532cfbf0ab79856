/**
 * Getting the bytes of a document to add: from a link (fetched safely, see
 * src/fetch), a Discord attachment (downloaded from the URL Discord gives,
 * with the same checks and caps), a local file (the CLI and the console), or
 * bytes in hand. Each gets the format of its corpus file and the size limit
 * of that format before anything is read in full.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fetchDocument, type FetchOptions } from '../../fetch/index.ts';
import type { FetchedFormat } from '../../fetch/fetchDocument.ts';
import { decodeWindows1252 } from '../html.ts';
import { corpusExtension, corpusFileKind, CORPUS_EXTENSIONS } from '../paths.ts';
import { documentSizeLimit, type ReadCorpusFileOptions } from '../readFile.ts';
import { formatBytes } from '../text.ts';
import type { AuditEntry } from './audit.ts';
import { stemOfFileName, stemOfUrl } from './names.ts';

/** A document to add. */
export type DocumentInput =
  /** A web page, PDF or text file at a link. */
  | { kind: 'url'; url: string }
  /** A Discord attachment: its name (which says its format), size and download URL. */
  | { kind: 'attachment'; url: string; name: string; size?: number | undefined }
  /** A file on this machine (the CLI and the console: the operator's own files). */
  | { kind: 'file'; path: string }
  /** Bytes in hand, named (the name says the format). */
  | { kind: 'bytes'; name: string; bytes: Uint8Array };

/** A document obtained, ready to be checked and written. */
export interface ObtainedDocument {
  bytes: Uint8Array;
  /** The corpus extension it is written with (`.html`, `.pdf`, `.txt`…). */
  extension: (typeof CORPUS_EXTENSIONS)[number];
  /** A name stem from where it came from, used when it has no title. */
  stem: string;
  /** For the audit log and the reply. */
  origin: AuditEntry['origin'];
  /** A link to cite when the document names none of its own: where a fetched document came from. */
  link?: string;
}

/** Options of {@link obtainDocument}. */
export interface SourceOptions {
  fetch?: FetchOptions | undefined;
  limits?: ReadCorpusFileOptions | undefined;
}

const SUPPORTED = CORPUS_EXTENSIONS.join(', ');
const EXTENSION_OF: Record<FetchedFormat, '.html' | '.pdf' | '.txt'> = { html: '.html', pdf: '.pdf', text: '.txt' };

/** The limit of a file named `name`, or why such a file cannot be added. */
function formatOf(name: string, limits: ReadCorpusFileOptions | undefined): { extension: ObtainedDocument['extension']; limit: number } | { error: string } {
  const extension = corpusExtension(name);
  const kind = corpusFileKind(name);
  if (extension === undefined || kind === undefined) return { error: `${path.basename(name).slice(0, 80) || 'the file'} is not a document Verbatim reads (${SUPPORTED})` };
  return { extension, limit: documentSizeLimit(kind, limits) };
}

/** Text in a charset other than UTF-8, re-encoded as UTF-8 (the corpus's text files are UTF-8). */
function asUtf8(bytes: Uint8Array, charset: string): Uint8Array | undefined {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    return undefined;
  }
  if (decoder.encoding === 'utf-8') return bytes;
  const text = decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
  return new TextEncoder().encode(text);
}

/** Gets the bytes of a document to add, or why it cannot be had. Never throws. */
export async function obtainDocument(input: DocumentInput, options: SourceOptions = {}): Promise<ObtainedDocument | { error: string }> {
  const { limits } = options;
  switch (input.kind) {
    case 'bytes': {
      const format = formatOf(input.name, limits);
      if ('error' in format) return format;
      if (input.bytes.length > format.limit) return { error: `the file is too large (${formatBytes(input.bytes.length)} > ${formatBytes(format.limit, true)} limit)` };
      return { bytes: input.bytes, extension: format.extension, stem: stemOfFileName(input.name), origin: { attachment: input.name } };
    }
    case 'file': {
      const format = formatOf(input.path, limits);
      if ('error' in format) return format;
      try {
        const stats = await stat(input.path);
        if (!stats.isFile()) return { error: `${input.path} is not a file` };
        if (stats.size > format.limit) return { error: `the file is too large (${formatBytes(stats.size)} > ${formatBytes(format.limit, true)} limit)` };
        const bytes = await readFile(input.path);
        if (bytes.length > format.limit) return { error: `the file is too large (${formatBytes(bytes.length)} > ${formatBytes(format.limit, true)} limit)` };
        return { bytes, extension: format.extension, stem: stemOfFileName(input.path), origin: { path: path.resolve(input.path) } };
      } catch (err) {
        return { error: `cannot read ${input.path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
      }
    }
    case 'attachment': {
      const format = formatOf(input.name, limits);
      if ('error' in format) return format;
      if (input.size !== undefined && input.size > format.limit) {
        return { error: `the file is too large (${formatBytes(input.size)} > ${formatBytes(format.limit, true)} limit)` };
      }
      // The name says the format; Discord's content type is only a guess from it (".md" may come as anything).
      const fetched = await fetchDocument(input.url, { ...options.fetch, accept: 'any', maxBytes: format.limit });
      if (!fetched.ok) return { error: `the attachment could not be downloaded: ${fetched.reason}` };
      return { bytes: fetched.body, extension: format.extension, stem: stemOfFileName(input.name), origin: { attachment: input.name } };
    }
    case 'url': {
      const fetched = await fetchDocument(input.url, {
        ...options.fetch,
        maxBytes: (f) => documentSizeLimit(f === 'pdf' ? 'pdf' : f === 'html' ? 'html' : 'text', limits),
      });
      if (!fetched.ok) return { error: fetched.reason };
      const format = fetched.format ?? 'text';
      let bytes: Uint8Array = fetched.body;
      let extension: ObtainedDocument['extension'] = EXTENSION_OF[format];
      if (format === 'text') {
        if (/\.(?:md|markdown)$/i.test(new URL(fetched.url).pathname)) extension = '.md';
        if (fetched.charset !== undefined) {
          const utf8 = asUtf8(bytes, fetched.charset);
          if (utf8 === undefined) return { error: `the text is in an unknown character set (${fetched.charset.slice(0, 40)})` };
          bytes = utf8;
        }
      } else if (format === 'html' && fetched.charset !== undefined && !/<meta[^>]+charset/i.test(Buffer.from(bytes.subarray(0, 1024)).toString('latin1'))) {
        // The server's charset, kept in the file, which is all the loader will have.
        bytes = Buffer.concat([Buffer.from(`<meta charset="${fetched.charset.replace(/[^\w.:-]/g, '')}">\n`), bytes]);
      }
      const origin: AuditEntry['origin'] = { url: input.url, ...(fetched.url !== input.url && { finalUrl: fetched.url }) };
      return { bytes, extension, stem: stemOfUrl(fetched.url), origin, link: fetched.url };
    }
  }
}
