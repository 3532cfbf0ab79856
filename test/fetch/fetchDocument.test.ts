/**
 * Fetching links against a loopback HTTP server started by the tests: pages,
 * PDFs, redirects, errors, slow and oversized responses, wrong content
 * types, and redirects to addresses that must not be reached.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDocument, type FetchOptions, type Resolver } from '../../src/fetch/index.ts';
import { fixture } from '../corpus/helpers.ts';
import { reportPdf } from '../corpus/pdfs.ts';

let server: http.Server;
let port = 0;
let base = '';
/** Requests the server saw, by path. */
const seen: string[] = [];
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  const page = await readFile(`${fixture('corpus-html')}/harbour-ferry.html`);
  const pdf = Buffer.from(await reportPdf());
  const big = Buffer.alloc(2 * 1024 * 1024, 'a');
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(url.pathname);
    const send = (status: number, type: string | undefined, body: Buffer | string, headers: http.OutgoingHttpHeaders = {}): void => {
      res.writeHead(status, { ...(type && { 'content-type': type }), ...headers });
      res.end(body);
    };
    const redirect = (location: string): void => send(302, 'text/plain', 'moved', { location });
    const path = url.pathname;
    if (path === '/page.html') return send(200, 'text/html; charset=utf-8', page);
    if (path === '/report.pdf') return send(200, 'application/pdf', pdf);
    if (path === '/notes.txt') return send(200, 'text/plain; charset="windows-1252"', 'The ferry leaves at nine.');
    if (path === '/host') return send(200, 'text/plain', `host=${req.headers.host}`);
    if (path.startsWith('/hops/')) {
      const n = Number(path.slice('/hops/'.length));
      return n > 0 ? redirect(`/hops/${n - 1}`) : send(200, 'text/plain', 'arrived');
    }
    if (path === '/loop') return redirect('/loop');
    if (path === '/to-loopback-ip') return redirect(`http://127.0.0.1:${port}/page.html`);
    if (path === '/to-metadata') return redirect('http://169.254.169.254/latest/meta-data/');
    if (path === '/to-ftp') return redirect('ftp://files.example/x');
    if (path === '/missing') return send(404, 'text/html', '<h1>Not found</h1>');
    if (path === '/broken') return send(500, 'text/plain', 'oops');
    if (path === '/image.png') return send(200, 'image/png', Buffer.from([0x89, 0x50]));
    if (path === '/no-type') return send(200, undefined, 'what am I');
    if (path === '/big') return send(200, 'text/plain', big, { 'content-length': String(big.length) });
    if (path === '/big-chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 32; i++) res.write(big.subarray(0, 64 * 1024));
      return res.end();
    }
    if (path === '/gzip') return send(200, 'text/html', gzipSync(page), { 'content-encoding': 'gzip' });
    if (path === '/gzip-bomb') return send(200, 'text/plain', gzipSync(Buffer.alloc(50 * 1024 * 1024)), { 'content-encoding': 'gzip' });
    if (path === '/slow') {
      const t = setTimeout(() => send(200, 'text/plain', 'late'), 5000);
      timers.add(t);
      return;
    }
    if (path === '/trickle') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const t = setInterval(() => res.write('.'), 50);
      timers.add(t);
      req.on('close', () => clearInterval(t));
      return;
    }
    send(404, 'text/plain', 'no route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://localhost:${port}`;
});

afterAll(async () => {
  for (const t of timers) clearTimeout(t);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The loopback server is reached as "localhost", which the tests allow (as FETCH_ALLOW_HOSTS would). */
const allowed: FetchOptions = { allowHosts: ['localhost'] };
const ok = async (link: string, options: FetchOptions = allowed) => {
  const result = await fetchDocument(link, options);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result;
};
const refused = async (link: string, options: FetchOptions = allowed) => {
  const result = await fetchDocument(link, options);
  if (result.ok) throw new Error(`fetched ${result.url}`);
  return { code: result.code, reason: result.reason };
};

describe('fetchDocument', () => {
  it('fetches a web page, a PDF and plain text with their type and charset', async () => {
    const page = await ok(`${base}/page.html`);
    expect(page).toMatchObject({ type: 'text/html', format: 'html', charset: 'utf-8', url: `${base}/page.html` });
    expect(page.body.toString('utf8')).toContain('Night ferry returns to the bay');
    const pdf = await ok(`${base}/report.pdf`);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await ok(`${base}/notes.txt`)).toMatchObject({ type: 'text/plain', charset: 'windows-1252' });
  });

  it('inflates a gzip body', async () => {
    expect((await ok(`${base}/gzip`)).body.toString('utf8')).toContain('Night ferry returns to the bay');
  });

  it('follows up to 5 redirects, each one listed, and refuses a sixth', async () => {
    const five = await ok(`${base}/hops/5`);
    expect(five.body.toString()).toBe('arrived');
    expect(five.chain).toHaveLength(6);
    expect(five.url).toBe(`${base}/hops/0`);
    expect(await refused(`${base}/hops/6`)).toEqual({ code: 'too-many-redirects', reason: `more than 5 redirects (last: ${base}/hops/1)` });
    expect((await refused(`${base}/loop`)).code).toBe('too-many-redirects');
  });

  it('refuses a redirect to a loopback or link-local address that the allow-list does not cover, without requesting it', async () => {
    seen.length = 0;
    expect(await refused(`${base}/to-loopback-ip`)).toEqual({
      code: 'blocked-address',
      reason: 'refused: 127.0.0.1 is a loopback address; only public addresses are fetched',
    });
    expect(seen).toEqual(['/to-loopback-ip']); // /page.html was never requested through 127.0.0.1
    expect(await refused(`${base}/to-metadata`)).toEqual({
      code: 'blocked-address',
      reason: 'refused: 169.254.169.254 is a link-local address; only public addresses are fetched',
    });
    expect((await refused(`${base}/to-ftp`)).code).toBe('scheme');
  });

  it('refuses a host that resolves to a loopback address unless it is allowed', async () => {
    const local = await refused(`${base}/page.html`, {});
    expect(local.code).toBe('blocked-address');
    expect(local.reason).toMatch(
      /^refused: localhost resolves to a loopback address \((127\.0\.0\.1|::1)\); only public addresses are fetched$/,
    );
    expect((await refused(`http://127.0.0.1:${port}/page.html`, {})).code).toBe('blocked-address');
    expect((await refused(`http://[::1]:${port}/page.html`, {})).code).toBe('blocked-address');
    expect((await refused(`http://[::ffff:127.0.0.1]:${port}/page.html`, {})).code).toBe('blocked-address');
    expect((await ok(`http://127.0.0.1:${port}/notes.txt`, { allowHosts: ['127.0.0.1'] })).type).toBe('text/plain');
  });

  it('connects to the address that was checked: one resolution per request, no second look-up', async () => {
    const calls: string[] = [];
    const resolve: Resolver = (hostname) => {
      calls.push(hostname);
      return Promise.resolve(hostname === 'pinned.example' ? [{ address: '127.0.0.1', family: 4 }] : []);
    };
    // pinned.example exists in no DNS: the request can only reach the server through the checked answer.
    const pinned = await ok(`http://pinned.example:${port}/host`, { allowHosts: ['pinned.example'], resolve });
    expect(pinned.body.toString()).toBe(`host=pinned.example:${port}`);
    expect(calls).toEqual(['pinned.example']);
    expect(await refused(`http://pinned.example:${port}/host`, { resolve })).toEqual({
      code: 'blocked-address',
      reason: 'refused: pinned.example resolves to a loopback address (127.0.0.1); only public addresses are fetched',
    });
  });

  it('refuses a host with a public and a private address rather than hoping for the public one', async () => {
    const resolve: Resolver = () =>
      Promise.resolve([
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ]);
    expect(await refused('http://mixed.example/', { resolve })).toEqual({
      code: 'blocked-address',
      reason: 'refused: mixed.example resolves to a private address (10.0.0.5); only public addresses are fetched',
    });
  });

  it('reports a 404 and a 500 with the status', async () => {
    expect(await refused(`${base}/missing`)).toEqual({ code: 'status', reason: 'localhost answered 404 Not Found' });
    expect(await refused(`${base}/broken`)).toEqual({ code: 'status', reason: 'localhost answered 500 Internal Server Error' });
  });

  it('gives up on a slow server and on one that trickles its body, at the deadline', async () => {
    expect(await refused(`${base}/slow`, { ...allowed, timeoutMs: 300 })).toEqual({
      code: 'timeout',
      reason: 'localhost did not answer within 0.3 s',
    });
    expect(await refused(`${base}/trickle`, { ...allowed, timeoutMs: 300 })).toEqual({
      code: 'timeout',
      reason: 'localhost did not send the whole document within 0.3 s',
    });
  });

  it('refuses a body over the size cap, declared or not, and a compressed body that inflates over it', async () => {
    const capped = { ...allowed, maxBytes: 1024 * 1024 };
    expect(await refused(`${base}/big`, capped)).toEqual({ code: 'too-large', reason: 'the document is too large (2 MiB > 1 MiB limit)' });
    expect(await refused(`${base}/big-chunked`, capped)).toEqual({
      code: 'too-large',
      reason: 'the document is too large (over the 1 MiB limit)',
    });
    expect(await refused(`${base}/gzip-bomb`, capped)).toEqual({
      code: 'too-large',
      reason: 'the document is too large (over the 1 MiB limit)',
    });
    const perType = { ...allowed, maxBytes: (format?: string) => (format === 'pdf' ? 100 : 10_000_000) };
    expect((await refused(`${base}/report.pdf`, perType)).code).toBe('too-large');
    expect((await ok(`${base}/big`, perType)).body.length).toBe(2 * 1024 * 1024);
  });

  it('refuses a content type it cannot read, naming it, and a response without one', async () => {
    expect(await refused(`${base}/image.png`)).toEqual({
      code: 'content-type',
      reason: `${base}/image.png has content type image/png; only web pages (text/html), plain text and PDF documents can be added`,
    });
    expect((await refused(`${base}/no-type`)).reason).toMatch(/has no content type;/);
    // A file whose name says its format (a Discord attachment) is taken whatever its type.
    const any = await ok(`${base}/image.png`, { ...allowed, accept: 'any' });
    expect(any.type).toBe('image/png');
    expect(any.format).toBeUndefined();
  });

  it('refuses links that are not http(s), malformed, too long or carry credentials', async () => {
    expect(await refused('ftp://files.example/a.pdf')).toEqual({
      code: 'scheme',
      reason: 'only http and https links can be fetched (not ftp)',
    });
    expect(await refused('file:///etc/passwd')).toMatchObject({ code: 'scheme' });
    expect(await refused('www.example.com/page')).toMatchObject({ code: 'bad-url' });
    expect(await refused(`https://example.com/${'a'.repeat(2100)}`)).toMatchObject({ code: 'bad-url' });
    expect(await refused('https://user:secret@example.com/')).toMatchObject({ code: 'bad-url' });
  });

  it('reports a host that does not exist and a port where nothing listens', async () => {
    const none: Resolver = () => Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    expect(await refused('http://no-such-host.example/', { resolve: none })).toEqual({
      code: 'dns',
      reason: 'cannot find the host no-such-host.example',
    });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await refused(`http://127.0.0.1:${closedPort}/`, { allowHosts: ['127.0.0.1'] })).toEqual({
      code: 'connect',
      reason: '127.0.0.1 refused the connection',
    });
  });
});
