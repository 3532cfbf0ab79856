/**
 * The fake Discord's CDN: it serves, over HTTP on the fake's own port, the
 * bytes of every attachment it hands out (files a test attaches to a slash
 * command's ATTACHMENT option, and files the bot uploads), at URLs shaped like
 * Discord's: `/attachments/{channel_id}/{attachment_id}/{filename}?ex=…&is=…&hm=…`
 * (`/ephemeral-attachments/…` for files given to an interaction),
 * where `ex` and `is` are the expiry and issue times (hex Unix seconds) and `hm`
 * a signature (Discord signs attachment URLs since 2024 and refuses unsigned or
 * expired ones with 404: https://discord.com/developers/docs/reference#signed-attachment-cdn-urls).
 *
 * A test can make an attachment's download misbehave ({@link CdnBehavior}):
 * late headers, a trickle of small chunks, a wrong or missing Content-Length,
 * an error status, a different Content-Type; {@link FakeCdn.requests} records
 * what each download received and whether the client hung up early.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How the CDN serves one attachment. Default: at once, whole, with its Content-Length and Content-Type. */
export interface CdnBehavior {
  /** Wait this long before sending the response headers. */
  delayMs?: number;
  /** Send the body in chunks of this many bytes… */
  chunkBytes?: number;
  /** …waiting this long between chunks (a slow download). */
  chunkDelayMs?: number;
  /** The Content-Length header to send: a number (true or not), or null for none (chunked). Default: the real length. */
  contentLength?: number | null;
  /** Answer with this status (e.g. 404, 500) and no body. */
  status?: number;
  /** The Content-Type header, when it should differ from the attachment's `content_type`. */
  contentType?: string;
}

/** One download from the CDN. */
export interface CdnRequest {
  at: number;
  method: string;
  /** Path and query, as requested. */
  url: string;
  /** The attachment's id, when the URL named a known one. */
  attachmentId?: string;
  status: number;
  /** Body bytes written before the download ended. */
  bytesSent: number;
  /** Whether the whole body was sent. */
  completed: boolean;
  /** Whether the client closed the connection before the body was complete (e.g. it hit its own size cap or timeout). */
  aborted: boolean;
}

interface Stored {
  data: Buffer;
  contentType: string;
  behavior: CdnBehavior;
}

/** The fake's CDN. The fake routes `/attachments/…`, `/ephemeral-attachments/…` and their `/media/…` proxies to it. */
export class FakeCdn {
  /** Every download, in order. */
  readonly requests: CdnRequest[] = [];
  private readonly files = new Map<string, Stored>();
  private readonly secret = randomBytes(32);
  private readonly timers = new Set<NodeJS.Timeout>();

  /**
   * @param base e.g. `http://127.0.0.1:PORT`
   * @param lifetimeMs how long a signed URL works (Discord: 24 hours)
   */
  constructor(
    private readonly base: string,
    private readonly lifetimeMs: number,
  ) {}

  /**
   * Stores an attachment's bytes; returns its signed `url` and `proxy_url`.
   * @param kind `attachments` for files of messages, `ephemeral-attachments` for files given to an interaction's option
   */
  put(
    channelId: string,
    attachmentId: string,
    filename: string,
    data: Buffer,
    contentType: string,
    behavior: CdnBehavior = {},
    kind: 'attachments' | 'ephemeral-attachments' = 'attachments',
  ): { url: string; proxyUrl: string } {
    this.files.set(attachmentId, { data, contentType, behavior });
    const path = `/${kind}/${channelId}/${attachmentId}/${encodeURIComponent(filename)}`;
    const issued = Math.floor(Date.now() / 1000);
    const expires = Math.floor((Date.now() + this.lifetimeMs) / 1000);
    const query = `?ex=${expires.toString(16)}&is=${issued.toString(16)}&hm=${this.sign(path, expires, issued)}&`;
    return { url: `${this.base}${path}${query}`, proxyUrl: `${this.base}/media${path}${query}` };
  }

  /** Whether a request path is the CDN's. */
  handles(pathname: string): boolean {
    return /^\/(?:media\/)?(?:ephemeral-)?attachments\//.test(pathname);
  }

  /** Answers a download. */
  serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: CdnRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      status: 0,
      bytesSent: 0,
      completed: false,
      aborted: false,
    };
    this.requests.push(record);
    const notFound = (): void => {
      record.status = 404;
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('This content is no longer available.');
      record.completed = true;
    };
    if (record.method !== 'GET' && record.method !== 'HEAD') {
      record.status = 405;
      res.writeHead(405);
      res.end();
      return;
    }
    const path = url.pathname.replace(/^\/media/, '');
    const match = /^\/(?:ephemeral-)?attachments\/(\d+)\/(\d+)\/[^/]+$/.exec(path);
    const stored = match ? this.files.get(match[2]!) : undefined;
    const ex = parseInt(url.searchParams.get('ex') ?? '', 16);
    const is = parseInt(url.searchParams.get('is') ?? '', 16);
    if (!match || !stored || url.searchParams.get('hm') !== this.sign(path, ex, is) || ex * 1000 < Date.now()) {
      notFound();
      return;
    }
    record.attachmentId = match[2]!;
    const { data, behavior } = stored;
    req.socket.on('close', () => {
      if (!record.completed) record.aborted = true;
    });
    this.later(behavior.delayMs ?? 0, () => {
      if (res.destroyed) return;
      if (behavior.status !== undefined && (behavior.status < 200 || behavior.status > 299)) {
        record.status = behavior.status;
        res.writeHead(behavior.status, { 'Content-Type': 'text/plain' });
        res.end();
        record.completed = true;
        return;
      }
      record.status = behavior.status ?? 200;
      const headers: Record<string, string | number> = { 'Content-Type': behavior.contentType ?? stored.contentType };
      const length = behavior.contentLength === undefined ? data.length : behavior.contentLength;
      if (length !== null) headers['Content-Length'] = length;
      res.writeHead(record.status, headers);
      if (record.method === 'HEAD') {
        res.end();
        record.completed = true;
        return;
      }
      const chunk = behavior.chunkBytes ?? data.length;
      const step = (offset: number): void => {
        if (res.destroyed) return;
        if (offset >= data.length) {
          res.end();
          record.completed = true;
          return;
        }
        const piece = data.subarray(offset, offset + Math.max(1, chunk));
        res.write(piece);
        record.bytesSent += piece.length;
        this.later(behavior.chunkDelayMs ?? 0, () => step(offset + piece.length));
      };
      step(0);
    });
  }

  /** Stops pending slow downloads (the fake closes the sockets). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(ms: number, run: () => void): void {
    if (ms <= 0) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private sign(path: string, expires: number, issued: number): string {
    return createHmac('sha256', this.secret).update(`${path}:${expires}:${issued}`).digest('hex');
  }
}

/** A file's Content-Type from its extension, as Discord reports `content_type` for common files. */
export function contentTypeOf(filename: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  const types: Record<string, string> = {
    txt: 'text/plain; charset=utf-8',
    md: 'text/markdown; charset=utf-8',
    html: 'text/html; charset=utf-8',
    htm: 'text/html; charset=utf-8',
    csv: 'text/csv; charset=utf-8',
    json: 'application/json; charset=utf-8',
    pdf: 'application/pdf',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    zip: 'application/zip',
  };
  return (ext && types[ext]) ?? 'application/octet-stream';
}
