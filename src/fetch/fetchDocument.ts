/**
 * Fetching a document from a link, safely: the link comes from a Discord
 * user or a script, and the request goes out from the bot's host.
 *
 * - Only `http:` and `https:`.
 * - The host name is resolved once, every address it resolves to is checked
 *   (see addresses.ts: no loopback, private, link-local, unique-local,
 *   multicast or reserved address, IPv4 or IPv6), and the connection is made
 *   to the address that was checked: the resolver is the socket's own
 *   `lookup`, so there is no second resolution that a short-lived DNS record
 *   could answer differently (DNS rebinding). IP literals are checked before
 *   connecting. Hosts listed in `allowHosts` (`FETCH_ALLOW_HOSTS`) skip the
 *   address check: a local test server, an intranet wiki.
 * - At most 5 redirects, each one checked again like the first link.
 * - One deadline for the whole exchange (15 s by default), redirects and
 *   body included, so a server that trickles bytes cannot hold a fetch open.
 * - A size cap on the body, checked against Content-Length before reading and
 *   counted while reading (compressed bodies are counted after inflating).
 * - Only `text/html`, `text/plain` and `application/pdf`; anything else is
 *   refused with the type named.
 *
 * Proxy variables (`HTTP_PROXY`…) are not used: a proxy would resolve the
 * host itself, out of reach of the address check.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { addressProblem } from './addresses.ts';

/** Content types that can be fetched, and the corpus format each becomes. */
export const FETCHABLE_TYPES = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'text',
  'application/pdf': 'pdf',
} as const;

/** A media type {@link fetchDocument} accepts. */
export type FetchableType = keyof typeof FETCHABLE_TYPES;

/** The corpus format of a fetchable media type. */
export type FetchedFormat = (typeof FETCHABLE_TYPES)[FetchableType];

/** Default for {@link FetchOptions.timeoutMs}: 15 s. */
export const DEFAULT_FETCH_TIMEOUT_MS = 15_000;
/** Default for {@link FetchOptions.maxRedirects}. */
export const DEFAULT_MAX_REDIRECTS = 5;
/** Default for {@link FetchOptions.maxBytes}: 50 MiB (the PDF limit; HTML and text have lower ones, see `maxBytesFor`). */
export const DEFAULT_FETCH_MAX_BYTES = 50 * 1024 * 1024;
/** Longest link accepted, in characters. */
export const MAX_LINK_LENGTH = 2048;

/** Resolves a host name to all its addresses (the shape of `dns.lookup` with `all: true`). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** Options of {@link fetchDocument}. */
export interface FetchOptions {
  /** Host names (lower case, no port) fetched without the address check (`FETCH_ALLOW_HOSTS`). Default none. */
  allowHosts?: readonly string[] | undefined;
  /** Deadline for the whole fetch, redirects and body included, in ms. Default 15,000. */
  timeoutMs?: number | undefined;
  /** Redirects followed at most. Default 5. */
  maxRedirects?: number | undefined;
  /**
   * Largest body accepted, in bytes, by content type; a number applies to
   * all. Default: 50 MiB for everything.
   */
  maxBytes?: number | ((format: FetchedFormat | undefined) => number) | undefined;
  /**
   * `documents` (default): only the media types of {@link FETCHABLE_TYPES}.
   * `any`: any type, for a file whose name already says its format (a
   * Discord attachment); the caller decides what to make of it.
   */
  accept?: 'documents' | 'any' | undefined;
  /** How host names are resolved. Default: the system resolver (`dns.lookup`, every address). */
  resolve?: Resolver | undefined;
  /** User-Agent header. */
  userAgent?: string | undefined;
}

/** A fetched document. */
export interface FetchedDocument {
  ok: true;
  /** The URL the body came from, after redirects. */
  url: string;
  /** Every URL requested, the first link included. */
  chain: string[];
  /** The media type of the Content-Type header, lower case (`''` when there was none). */
  type: string;
  /** The corpus format of a fetchable type; `undefined` only with `accept: 'any'`. */
  format?: FetchedFormat;
  /** The charset of the Content-Type header, when given (`utf-8`, `windows-1252`…). */
  charset?: string;
  body: Buffer;
}

/** Why a link was not fetched: one sentence for the user, and a code for scripts and tests. */
export interface FetchRefusal {
  ok: false;
  code:
    | 'bad-url'
    | 'scheme'
    | 'blocked-address'
    | 'dns'
    | 'connect'
    | 'timeout'
    | 'status'
    | 'too-many-redirects'
    | 'content-type'
    | 'too-large';
  reason: string;
}

/** What {@link fetchDocument} returns. */
export type FetchResult = FetchedDocument | FetchRefusal;

const refuse = (code: FetchRefusal['code'], reason: string): FetchRefusal => ({ ok: false, code, reason });

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/** A link parsed and checked for scheme and length; the host is checked when connecting. */
function parseLink(link: string): URL | FetchRefusal {
  const trimmed = link.trim();
  if (trimmed.length > MAX_LINK_LENGTH)
    return refuse('bad-url', `the link is longer than ${MAX_LINK_LENGTH.toLocaleString('en')} characters`);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return refuse('bad-url', 'not a valid link (expected http:// or https://…)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse('scheme', `only http and https links can be fetched (not ${url.protocol.slice(0, -1).slice(0, 20)})`);
  }
  if (url.username !== '' || url.password !== '') return refuse('bad-url', 'links with a user name or password are not fetched');
  return url;
}

/** The host of a URL without IPv6 brackets, lower case. */
function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase();
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** An error the lookup reports when an address is refused; its message reaches the user. */
class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
}

/**
 * The socket's `lookup`: resolves once with `resolve`, refuses the host if
 * any address it has is refused (so a host cannot mix a public address with
 * a private one and hope for the latter), and hands the checked addresses to
 * the socket, which connects to one of them.
 */
function checkedLookup(resolve: Resolver, allowed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const wanted = addresses.filter((a) => !options.family || a.family === options.family);
        if (wanted.length === 0) {
          const err = Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
          callback(err, '', 0);
          return;
        }
        if (!allowed) {
          for (const a of wanted) {
            const problem = addressProblem(a.address);
            if (problem !== undefined) {
              callback(new BlockedAddressError(`${hostname} resolves to a ${problem} address (${a.address})`), '', 0);
              return;
            }
          }
        }
        if (options.all) (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}

/** The media type and charset of a Content-Type header. */
function parseContentType(header: string | undefined): { type: string; charset?: string } | undefined {
  if (header === undefined) return undefined;
  const [type = '', ...params] = header.split(';');
  const result: { type: string; charset?: string } = { type: type.trim().toLowerCase() };
  for (const param of params) {
    const [key, value] = param.split('=');
    if (key?.trim().toLowerCase() === 'charset' && value !== undefined) result.charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return result;
}

function describeNetworkError(err: unknown, host: string): FetchRefusal {
  if (err instanceof BlockedAddressError) return refuse('blocked-address', `refused: ${err.message}; only public addresses are fetched`);
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return refuse('dns', `cannot find the host ${host}`);
  if (code === 'ECONNREFUSED') return refuse('connect', `${host} refused the connection`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return refuse('connect', `${host} closed the connection`);
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return refuse('connect', `${host} has no valid TLS certificate (${code})`);
  }
  return refuse('connect', `cannot reach ${host} (${code || (err instanceof Error ? err.message : String(err))})`);
}

interface Exchange {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  response: http.IncomingMessage;
}

/** Sends one GET and resolves when the headers arrive. */
function request(
  url: URL,
  options: { allowHosts: readonly string[]; resolve: Resolver; userAgent: string },
  signal: AbortSignal,
): Promise<Exchange> {
  const host = hostOf(url);
  const allowed = options.allowHosts.includes(host);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'GET',
        // A fresh connection per request, made with our lookup (an agent's pooled socket was checked for another host).
        agent: false,
        lookup: checkedLookup(options.resolve, allowed),
        signal,
        headers: {
          'user-agent': options.userAgent,
          accept: 'text/html, application/xhtml+xml, text/plain;q=0.9, application/pdf;q=0.9, */*;q=0.1',
          'accept-encoding': 'gzip, deflate, br',
        },
      },
      (response) =>
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: response.headers, response }),
    );
    req.on('error', reject);
    req.end();
  });
}

/** Reads a response body up to `max` bytes (after inflating); `undefined` when it is larger. */
async function readBody(exchange: Exchange, max: number): Promise<Buffer | undefined> {
  const encoding = String(exchange.headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: NodeJS.ReadableStream = exchange.response;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = exchange.response.pipe(zlib.createGunzip());
  else if (encoding === 'deflate') stream = exchange.response.pipe(zlib.createInflate());
  else if (encoding === 'br') stream = exchange.response.pipe(zlib.createBrotliDecompress());
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > max) {
      exchange.response.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

const formatMiB = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB` : `${Math.ceil(bytes / 1024)} KiB`;

/**
 * Fetches `link`. Never throws: every failure is a {@link FetchRefusal}
 * with a sentence that says why.
 */
export async function fetchDocument(link: string, options: FetchOptions = {}): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const maxBytes = options.maxBytes ?? DEFAULT_FETCH_MAX_BYTES;
  const limitFor = (format: FetchedFormat | undefined): number => (typeof maxBytes === 'number' ? maxBytes : maxBytes(format));
  const requestOptions = {
    allowHosts: (options.allowHosts ?? []).map((h) => h.toLowerCase()),
    resolve: options.resolve ?? systemResolver,
    userAgent: options.userAgent ?? 'Verbatim (corpus fetcher)',
  };

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const chain: string[] = [];
  let current: URL | FetchRefusal = parseLink(link);
  try {
    for (;;) {
      if (!(current instanceof URL)) return current;
      const url: URL = current;
      chain.push(url.href);
      const host = hostOf(url);
      // An IP literal is connected to without a lookup, so it is checked here.
      if (isIP(host) !== 0 && !requestOptions.allowHosts.includes(host)) {
        const problem = addressProblem(host);
        if (problem !== undefined)
          return refuse('blocked-address', `refused: ${host} is a ${problem} address; only public addresses are fetched`);
      }
      let exchange: Exchange;
      try {
        exchange = await request(url, requestOptions, controller.signal);
      } catch (err) {
        if (controller.signal.aborted) return refuse('timeout', `${host} did not answer within ${timeoutMs / 1000} s`);
        return describeNetworkError(err, host);
      }
      const { status, headers } = exchange;
      if (status >= 300 && status < 400 && status !== 304 && headers.location !== undefined) {
        exchange.response.resume();
        if (chain.length > maxRedirects) return refuse('too-many-redirects', `more than ${maxRedirects} redirects (last: ${url.href})`);
        let next: URL;
        try {
          next = new URL(headers.location, url);
        } catch {
          return refuse('bad-url', `${host} redirected to an invalid link`);
        }
        current = parseLink(next.href);
        continue;
      }
      if (status < 200 || status >= 300) {
        exchange.response.resume();
        return refuse('status', `${host} answered ${status}${exchange.statusText ? ` ${exchange.statusText}` : ''}`);
      }
      const contentType = parseContentType(headers['content-type']);
      const format =
        contentType !== undefined && Object.hasOwn(FETCHABLE_TYPES, contentType.type)
          ? FETCHABLE_TYPES[contentType.type as FetchableType]
          : undefined;
      if (format === undefined && options.accept !== 'any') {
        exchange.response.resume();
        const named = contentType === undefined || contentType.type === '' ? 'no content type' : `content type ${contentType.type}`;
        return refuse('content-type', `${url.href} has ${named}; only web pages (text/html), plain text and PDF documents can be added`);
      }
      const limit = limitFor(format);
      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) {
        exchange.response.destroy();
        return refuse('too-large', `the document is too large (${formatMiB(declared)} > ${formatMiB(limit)} limit)`);
      }
      let body: Buffer | undefined;
      try {
        body = await readBody(exchange, limit);
      } catch (err) {
        if (controller.signal.aborted) return refuse('timeout', `${host} did not send the whole document within ${timeoutMs / 1000} s`);
        return describeNetworkError(err, host);
      }
      if (body === undefined) return refuse('too-large', `the document is too large (over the ${formatMiB(limit)} limit)`);
      const result: FetchedDocument = { ok: true, url: url.href, chain, type: contentType?.type ?? '', body };
      if (format !== undefined) result.format = format;
      if (contentType?.charset !== undefined) result.charset = contentType.charset;
      return result;
    }
  } finally {
    clearTimeout(timer);
  }
}
