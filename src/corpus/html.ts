/**
 * HTML documents (.html, .htm): the main content of a web page as text, and
 * its metadata.
 *
 * The page is parsed with linkedom (a fast, tolerant DOM without layout or
 * script execution; chosen over jsdom after measuring both on the same pages:
 * see the README's "The corpus" section) and its main content is found by
 * Mozilla's Readability, the algorithm behind Firefox's Reader View. The
 * content is then turned into text here: block elements become paragraphs
 * (separated by a blank line), `<br>` a line break, and scripts, styles,
 * navigation, asides, forms, buttons and figure captions are never text. The
 * cleaning stage's boilerplate rules then apply to what is left, as for any
 * article.
 *
 * Broken markup degrades to the text it holds: the HTML parser repairs what
 * it can, and if Readability fails or finds nothing, the page's body (minus
 * the never-quoted elements) is used instead.
 */
import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';
import type { ArticleMeta } from './types.ts';
import { isBlank } from './text.ts';

/** Default for {@link HtmlOptions.maxElements}. */
const DEFAULT_MAX_HTML_ELEMENTS = 15_000;
/** Default for {@link HtmlOptions.maxNestedElements}. */
const DEFAULT_MAX_HTML_NESTED_ELEMENTS = 300_000;
/** Default for {@link HtmlOptions.maxNestedText}. */
const DEFAULT_MAX_HTML_NESTED_TEXT = 4_000_000;
/** Default for {@link HtmlOptions.maxParseDepth}. */
const DEFAULT_MAX_HTML_PARSE_DEPTH = 1_000;

/**
 * Options of {@link htmlToArticle}. The limits keep the cost of a page linear
 * in its size: Readability's scoring and linkedom's parser both cost more per
 * element the deeper the elements are nested (20,000 nested `<div>`s take
 * Readability minutes), so pages beyond them take a simpler path.
 */
export interface HtmlOptions {
  /**
   * Pages with more elements than this skip Readability and take the body
   * text minus page furniture (header, footer, navigation, asides, forms,
   * comments) instead. Default 15,000: real news pages have 1,000 to 5,000.
   */
  maxElements?: number | undefined;
  /**
   * Likewise for pages whose text, weighted by how deeply it is nested
   * ({@link MarkupShape.nestedText}), exceeds this (default 4,000,000, about
   * 2 s of Readability on this machine; a 100 KB news page is near 300,000).
   */
  maxNestedText?: number | undefined;
  /**
   * Likewise for pages whose elements' depths add up to more than this
   * ({@link MarkupShape.nestedElements}; default 300,000, a 100 KB news page
   * is near 10,000).
   */
  maxNestedElements?: number | undefined;
  /**
   * Pages nested deeper than this are not parsed into a DOM at all: their
   * text is taken by stripping the tags (default 1,000).
   */
  maxParseDepth?: number | undefined;
  /** Where the page came from, to resolve a relative canonical link. */
  baseUrl?: string | undefined;
}

/** What a page gives: its text and metadata, or why there is none. */
export type HtmlResult = { text: string; meta: ArticleMeta } | { error: string };

/** Elements whose content is never text. */
const NEVER_TEXT = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'nav',
  'aside',
  'form',
  'button',
  'select',
  'textarea',
  'input',
  'label',
  'figcaption',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'canvas',
  'video',
  'audio',
  'map',
  'dialog',
  'head',
  'title',
]);

/** Elements that start and end a paragraph. */
const BLOCKS = new Set([
  'address',
  'article',
  'blockquote',
  'body',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'main',
  'menu',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'ul',
  'caption',
]);

/** Page furniture outside the article, removed before the fallback takes the body text. */
const FURNITURE_SELECTOR =
  'header, footer, nav, aside, form, [role=navigation], [role=banner], [role=contentinfo], [role=dialog], [aria-modal=true], #comments, .comments';

/** Minimal DOM shapes used here (linkedom's own types are loose). */
interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  parentNode: DomNode | null;
  getAttribute?: (name: string) => string | null;
}
interface DomElement extends DomNode {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  querySelector(selector: string): DomElement | null;
  remove(): void;
}
interface DomDocument {
  documentElement: DomElement | null;
  body: DomElement | null;
  title: string;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  querySelector(selector: string): DomElement | null;
}

// linkedom's and Readability's type declarations are written against the DOM
// library, which this Node project does not load; these are the shapes used.
const parseDocument = parseHTML as unknown as (html: string) => { document: DomDocument };
const ReadabilityOnDom = Readability as unknown as new (
  doc: DomDocument,
  options: { serializer: (node: DomNode) => DomNode; disableJSONLD: boolean },
) => { parse(): { content?: DomNode | null } | null };

const ELEMENT = 1;
const TEXT = 3;
const DOCUMENT = 9;
const FRAGMENT = 11;

/** An element the page hides from readers (`hidden`, `aria-hidden="true"`, inline `display: none`). */
function isHidden(node: DomNode): boolean {
  const get = node.getAttribute;
  if (get === undefined) return false;
  return (
    get.call(node, 'hidden') !== null ||
    get.call(node, 'aria-hidden') === 'true' ||
    /display\s*:\s*none|visibility\s*:\s*hidden/i.test(get.call(node, 'style') ?? '')
  );
}

/**
 * Text of a DOM subtree: block elements as paragraphs separated by blank
 * lines, `<br>` as a line break, white space collapsed as a browser renders
 * it (kept in `<pre>`), never-text elements left out. Iterative, so a
 * page nested 100,000 levels deep cannot overflow the stack.
 */
function domToText(root: DomNode): string {
  const out: string[] = [];
  let line = ''; // the line being built
  let pendingSpace = false;
  let pendingBreak: 0 | 1 | 2 = 0; // 1: line break, 2: paragraph break, before the next text

  const emitText = (text: string, pre: boolean): void => {
    if (pre) {
      const parts = text.split('\n');
      parts.forEach((part, i) => {
        if (i > 0) pendingBreak = Math.max(pendingBreak, 1) as 1 | 2;
        if (part !== '') write(part);
      });
      return;
    }
    const collapsed = text.replace(/[ \t\n\r\f]+/g, ' ');
    if (collapsed === ' ') {
      if (line !== '') pendingSpace = true;
      return;
    }
    if (collapsed.startsWith(' ') && line !== '') pendingSpace = true;
    const trimmed = collapsed.trim();
    if (trimmed !== '') write(trimmed);
    if (collapsed.endsWith(' ')) pendingSpace = true;
  };
  const write = (piece: string): void => {
    if (pendingBreak > 0 && (line !== '' || out.length > 0)) {
      out.push(line);
      if (pendingBreak === 2) out.push('');
      line = '';
    } else if (pendingSpace && line !== '') {
      line += ' ';
    }
    pendingBreak = 0;
    pendingSpace = false;
    line += piece;
  };
  const breakAt = (kind: 1 | 2): void => {
    if (line !== '' || out.length > 0) pendingBreak = Math.max(pendingBreak, kind) as 1 | 2;
    pendingSpace = false;
  };

  // Explicit stack of [node, leaving?]; `pre` depth tracked on the way in and out.
  const stack: Array<[DomNode, boolean]> = [[root, false]];
  let preDepth = 0;
  while (stack.length > 0) {
    const [node, leaving] = stack.pop()!;
    if (node.nodeType === TEXT) {
      emitText(node.textContent ?? '', preDepth > 0);
      continue;
    }
    // Elements, and a document or fragment as the root; comments, doctypes and the like hold no text.
    if (node.nodeType !== ELEMENT && node.nodeType !== DOCUMENT && node.nodeType !== FRAGMENT) continue;
    const name = node.nodeName.toLowerCase();
    if (leaving) {
      if (name === 'pre') preDepth--;
      if (BLOCKS.has(name)) breakAt(2);
      else if (name === 'td' || name === 'th') pendingSpace = true;
      continue;
    }
    if (NEVER_TEXT.has(name) || isHidden(node)) continue;
    if (name === 'br') {
      breakAt(1);
      continue;
    }
    if (name === 'img') continue;
    if (BLOCKS.has(name)) breakAt(2);
    if (name === 'pre') preDepth++;
    stack.push([node, true]);
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, false]);
  }
  if (line !== '') out.push(line);
  // Drop trailing blank lines and collapse the runs a paragraph break leaves.
  const text = out.join('\n').replace(/\n{3,}/g, '\n\n');
  return text.replace(/^\n+|\n+$/g, '');
}

function attr(doc: DomDocument, selector: string, name: string): string | undefined {
  const value = doc.querySelector(selector)?.getAttribute(name)?.trim();
  return value ? value : undefined;
}

function metaContent(doc: DomDocument, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attr(doc, `meta[property="${key}"]`, 'content') ?? attr(doc, `meta[name="${key}"]`, 'content');
    if (value !== undefined) return value;
  }
  return undefined;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The schema.org objects of the page's JSON-LD blocks that describe an article. */
function jsonLdArticles(doc: DomDocument): Array<Record<string, Json>> {
  const found: Array<Record<string, Json>> = [];
  const visit = (value: Json, depth: number): void => {
    if (depth > 4 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const type = value['@type'];
    const types = (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string');
    if (types.some((t) => /Article$|^BlogPosting$|^Report$|^WebPage$/.test(t)) && (value['headline'] ?? value['datePublished'])) {
      found.push(value);
    }
    if (value['@graph'] !== undefined) visit(value['@graph'], depth + 1);
  };
  const scripts = doc.querySelectorAll('script[type="application/ld+json"]');
  for (let i = 0; i < scripts.length; i++) {
    const source = scripts[i]!.textContent ?? '';
    if (source.length > 1_000_000) continue;
    try {
      visit(JSON.parse(source.replace(/^\s*<!--|-->\s*$/g, '')) as Json, 0);
    } catch {
      // A broken JSON-LD block is common and harmless: the other sources remain.
    }
  }
  // Prefer a real article type over a WebPage.
  return found.sort((a, b) => Number(a['@type'] === 'WebPage') - Number(b['@type'] === 'WebPage'));
}

function jsonString(value: Json | undefined): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = jsonString(item);
      if (s !== undefined) return s;
    }
  }
  return undefined;
}

/** A JSON-LD person or organization (or a list of them) as names: "A, B". */
function jsonNames(value: Json | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) {
    const names = value.map(jsonNames).filter((n): n is string => n !== undefined);
    return names.length ? names.join(', ') : undefined;
  }
  if (typeof value === 'object') return jsonString(value['name']);
  return undefined;
}

const SITE_SEPARATORS = [' | ', ' – ', ' — ', ' - ', ' :: ', ' · ', ' • '];

/**
 * A `<title>` without its site suffix or prefix: "Headline | Site" → "Headline".
 * The site part is the one that matches the site name when it is known, else
 * the shorter side of the last separator, when the headline left is at
 * least three words (so "Q&A - Session" stays whole).
 */
export function titleWithoutSite(title: string, siteName?: string): string {
  const t = title.replace(/\s+/g, ' ').trim();
  const site = siteName?.trim().toLowerCase();
  for (const sep of SITE_SEPARATORS) {
    const at = t.lastIndexOf(sep);
    if (at <= 0) continue;
    const head = t.slice(0, at).trim();
    const tail = t.slice(at + sep.length).trim();
    if (site !== undefined && tail.toLowerCase() === site) return head;
    const first = t.indexOf(sep);
    if (site !== undefined && t.slice(0, first).trim().toLowerCase() === site) return t.slice(first + sep.length).trim();
    if (tail.length < head.length && head.split(' ').length >= 3) return head;
  }
  return t;
}

function absoluteUrl(value: string | undefined, baseUrl: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value, baseUrl).href;
  } catch {
    return value; // left for the loader's URL check to report
  }
}

/** Metadata from the page's head, JSON-LD and markup (before Readability changes the document). */
function pageMetadata(doc: DomDocument, baseUrl?: string): ArticleMeta {
  const ld = jsonLdArticles(doc);
  const fromLd = (key: string): string | undefined => {
    for (const item of ld) {
      const value = jsonString(item[key]);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const ldName = (key: string): string | undefined => {
    for (const item of ld) {
      const value = jsonNames(item[key]);
      if (value !== undefined) return value;
    }
    return undefined;
  };

  const source = metaContent(doc, 'og:site_name') ?? ldName('publisher');
  const titleTag = doc.querySelector('title')?.textContent ?? '';
  const h1 = doc.querySelector('h1')?.textContent?.replace(/\s+/g, ' ').trim();
  const title =
    metaContent(doc, 'og:title') ?? fromLd('headline') ?? (isBlank(titleTag) ? undefined : titleWithoutSite(titleTag, source)) ?? (h1 || undefined);
  const url = absoluteUrl(attr(doc, 'link[rel~="canonical"]', 'href') ?? metaContent(doc, 'og:url'), baseUrl);
  const date = metaContent(doc, 'article:published_time') ?? fromLd('datePublished') ?? attr(doc, 'time[datetime]', 'datetime');
  const authorMeta = metaContent(doc, 'author', 'article:author');
  const author = (authorMeta !== undefined && !/^https?:/i.test(authorMeta) ? authorMeta : undefined) ?? ldName('author');

  const meta: ArticleMeta = { extra: {} };
  if (title !== undefined) meta.title = title.replace(/\s+/g, ' ').trim();
  if (url !== undefined) meta.url = url;
  if (date !== undefined) meta.date = calendarDate(date);
  if (source !== undefined) meta.source = source.replace(/\s+/g, ' ').trim();
  if (author !== undefined) meta.extra['author'] = author.replace(/\s+/g, ' ').trim();
  return meta;
}

/**
 * `html` with `<html>` and `<body>` elements. linkedom builds the tree as
 * written, without the HTML standard's implied elements: a page or fragment
 * without them would have an empty `document.body`, and its text would be
 * lost. Without a `<body>`, everything goes into one (head elements such as
 * `<title>` and `<meta>` included: they are still found, and never text).
 */
function withDocumentShell(html: string): string {
  const hasHtml = /<html[\s>]/i.test(html);
  if (hasHtml && /<body[\s>]/i.test(html)) return html;
  const inner = html.replace(/<!doctype[^>]*>/gi, '').replace(/<\/?html\b[^>]*>/gi, '');
  return /<body[\s>]/i.test(inner) ? `<!DOCTYPE html><html>${inner}</html>` : `<!DOCTYPE html><html><body>${inner}</body></html>`;
}

/** The body's text without page furniture: the fallback when Readability finds no article. */
function bodyText(doc: DomDocument): string {
  const body = doc.body ?? doc.documentElement;
  if (!body) return '';
  const furniture = body.querySelectorAll(FURNITURE_SELECTOR);
  for (let i = furniture.length - 1; i >= 0; i--) furniture[i]!.remove();
  return domToText(body);
}

/**
 * Text and metadata of an HTML page. Never throws: a page whose markup is
 * broken gives the text it holds; only a page with no text at all is an
 * error.
 */
export function htmlToArticle(html: string, options: HtmlOptions = {}): HtmlResult {
  const maxElements = options.maxElements ?? DEFAULT_MAX_HTML_ELEMENTS;
  const shape = markupShape(html);
  if (shape.depth > (options.maxParseDepth ?? DEFAULT_MAX_HTML_PARSE_DEPTH)) {
    const text = stripTags(html);
    return isBlank(text) ? { error: 'no text in the page' } : { text, meta: { extra: {} } };
  }
  let doc: DomDocument;
  try {
    doc = parseDocument(withDocumentShell(html)).document;
  } catch (err) {
    return { error: `cannot parse HTML (${err instanceof Error ? err.message : String(err)})` };
  }
  let meta: ArticleMeta;
  try {
    meta = pageMetadata(doc, options.baseUrl);
  } catch {
    meta = { extra: {} };
  }

  let text = '';
  // querySelectorAll, not getElementsByTagName('*'): linkedom answers the latter with nothing.
  const elements = doc.querySelectorAll('*').length;
  const readable =
    elements <= maxElements &&
    shape.nestedText <= (options.maxNestedText ?? DEFAULT_MAX_HTML_NESTED_TEXT) &&
    shape.nestedElements <= (options.maxNestedElements ?? DEFAULT_MAX_HTML_NESTED_ELEMENTS);
  if (readable) {
    try {
      const reader = new ReadabilityOnDom(doc, {
        serializer: (node) => node,
        // Readability's JSON-LD reading is ours (pageMetadata), run before it edits the page.
        disableJSONLD: true,
      });
      const article = reader.parse();
      if (article?.content) text = domToText(article.content);
    } catch {
      text = ''; // falls back to the body below
    }
  }
  if (isBlank(text)) {
    try {
      text = bodyText(doc);
    } catch {
      text = '';
    }
  }
  if (isBlank(text)) return { error: 'no text in the page' };
  return { text, meta };
}

/** Elements that never have content or a closing tag. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Elements whose content is raw text up to their closing tag. */
const RAW_TEXT = /<(script|style|textarea|title|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->/gi;
const TAG = /<(\/?)([a-zA-Z][\w:-]*)[^>]*>/g;

/**
 * How deeply a page's tags nest, estimated in one pass over the markup
 * (comments and raw-text elements skipped, void elements ignored, a closing
 * tag closing everything opened after its match, as parsers do). Cheap
 * enough to run before parsing, which is the point.
 */
export function markupShape(html: string): MarkupShape {
  const stack: string[] = [];
  let depth = 0;
  let elements = 0;
  let nestedText = 0;
  let nestedElements = 0;
  let textStart = 0;
  for (const match of html.replace(RAW_TEXT, '').matchAll(TAG)) {
    nestedText += (match.index - textStart) * stack.length;
    textStart = match.index + match[0].length;
    const name = match[2]!.toLowerCase();
    if (VOID.has(name) || match[0].endsWith('/>')) continue;
    if (match[1] === '') {
      elements++;
      nestedElements += stack.length;
      stack.push(name);
      if (stack.length > depth) depth = stack.length;
      continue;
    }
    // Look for the match among the last few open elements only: a stray
    // closing tag must not cost a walk down the whole stack.
    for (let i = stack.length - 1; i >= Math.max(0, stack.length - 8); i--) {
      if (stack[i] === name) {
        stack.length = i;
        break;
      }
    }
  }
  return { depth, elements, nestedText, nestedElements };
}

/** What {@link markupShape} measures. */
export interface MarkupShape {
  /** Deepest nesting of elements. */
  depth: number;
  /** Opening tags of elements that have content (void elements not counted). */
  elements: number;
  /**
   * Characters of text (between tags) times the number of elements open
   * around them: what Readability's cost grows with, as each candidate
   * container's text is read again for every container around it.
   */
  nestedText: number;
  /** The sum of every element's depth: what Readability's walks up and down the tree grow with. */
  nestedElements: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”' };

/**
 * Text of markup that is not parsed: raw-text elements and comments dropped,
 * block tags as paragraph breaks, `<br>` as a line break, other tags removed,
 * common entities decoded. The degraded path for pathological pages; linear.
 */
export function stripTags(html: string): string {
  return html
    .replace(RAW_TEXT, ' ')
    .replace(TAG, (tag: string, _close: string, name: string) => {
      const lower = name.toLowerCase();
      if (lower === 'br') return '\n';
      return BLOCKS.has(lower) ? '\n\n' : ' ';
    })
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (entity: string, code: string) => {
      if (code[0] === '#') {
        const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : entity;
      }
      return ENTITIES[code.toLowerCase()] ?? entity;
    })
    .split(/\n{2,}/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => l.replace(/\s+/g, ' ').trim())
        .filter((l) => l !== '')
        .join('\n'),
    )
    .filter((p) => p !== '')
    .join('\n\n');
}

// Charset labels as the WHATWG Encoding Standard names them; TextDecoder knows them all.
const CHARSET_IN_META = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i;

/**
 * Decodes an HTML file's bytes: a BOM, else a `<meta charset>` (or
 * `http-equiv` Content-Type) in the first 1,024 bytes, else UTF-8 when the
 * bytes are valid UTF-8, else windows-1252 (the HTML standard's fallback for
 * legacy pages). `undefined` if a declared charset is unknown.
 */
export function decodeHtml(bytes: Uint8Array, declared?: string): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  const label = declared ?? CHARSET_IN_META.exec(head)?.[1];
  if (label !== undefined) {
    let decoder: InstanceType<typeof TextDecoder>;
    try {
      decoder = new TextDecoder(label);
    } catch {
      return undefined;
    }
    return decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

// windows-1252's 0x80–0x9F, which Node 20's TextDecoder decodes as the C1
// control characters of ISO-8859-1 instead (0x96 should be "–", not U+0096).
// Table from the WHATWG Encoding Standard's index-windows-1252.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Decodes windows-1252 (the HTML standard's meaning of "latin1", "iso-8859-1", "ascii"…). */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = new TextDecoder('latin1').decode(bytes);
  return latin1.replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80]!));
}

/**
 * The day of a page's date, as citations show it (`2024-05-02`, like a PDF's
 * or a front matter's): pages give a full timestamp (`2024-05-02T08:00:00Z`),
 * whose time of day means nothing to a reader. The day is the one written,
 * in the publisher's time zone. A date in another shape is kept as written.
 */
function calendarDate(value: string): string {
  const trimmed = value.trim();
  return /^(\d{4}-\d\d-\d\d)(?:[T ]\d\d:\d\d|$)/.exec(trimmed)?.[1] ?? trimmed;
}
