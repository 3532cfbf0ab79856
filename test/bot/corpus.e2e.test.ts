/**
 * Growing the corpus from Discord, end to end (issue 11): the real discord.js
 * client against the loopback Discord, whose CDN serves the attachments, and a
 * loopback web server of the test's own serving pages, PDFs, redirects, 404s,
 * a slow response, an oversized body, a wrong content type and a redirect to a
 * private address. One bot, on a copy of the seed corpus and a data folder of
 * its own; the loopback addresses are let through with FETCH_ALLOW_HOSTS, as an
 * operator would for an intranet wiki.
 */
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits, type APIMessage } from 'discord.js';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Bot } from '../../src/bot/run.ts';
import { loadSettings } from '../../src/config.ts';
import { AUDIT_FILE, type AuditEntry } from '../../src/corpus/editor/audit.ts';
import { DEFAULT_MAX_HTML_BYTES } from '../../src/corpus/readFile.ts';
import { imageOnlyPdf, reportPdf } from '../corpus/pdfs.ts';
import {
  startFakeDiscord,
  type AttachmentInput,
  type BotResponse,
  type FakeDiscord,
  type InjectedInteraction,
} from '../support/fakeDiscord.ts';
import { finalReply, firstEmbed } from '../support/replies.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild.toString();
const MOD = { id: '1300000000000000501', username: 'maya' };
const MEMBER = { id: '1300000000000000502', username: 'nils' };
/** A role a server admin grants /corpus to in Server Settings → Integrations, without Manage Server. */
const LIBRARIANS = '1300000000000000590';
/** The slow page answers after this long; the bot's fetch deadline is set below it for the test (15 s by default). */
const SLOW_MS = 5000;
const FETCH_TIMEOUT_MS = 2000;

const PAGE = `<!doctype html><html><head><title>Quillmoor lighthouse - Harbour News</title>
<meta property="og:site_name" content="Harbour News"><meta property="article:published_time" content="2024-05-02T08:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<article><h1>The Quillmoor lighthouse keeps its keeper</h1>
<p>The Quillmoor lighthouse will keep a resident keeper through the winter, the harbour board decided on Tuesday.</p>
<p>During winter storms the keeper rings the Quillmoor fog bell every seven minutes, as keepers have done since 1871.</p>
<p>The board had considered an automatic bell, but fishermen said they trust the keeper to know when the fog comes in.</p>
</article><aside>Read more: Ferry timetable changes</aside><footer>© Harbour News</footer></body></html>`;

const ATTACHED_TEXT = [
  'The Brannock orchard cooperative pressed its first cider of the season on Saturday.',
  'Members brought 340 crates of apples from eleven farms along the Brannock valley.',
  'The cooperative sells the cider at the Thursday market until the barrels run dry.',
].join('\n');

const ATTACHED_HTML = `<html><head><title>Velmar choir tour</title></head><body><article><h1>The Velmar choir goes on tour</h1>
<p>The Velmar community choir will sing in nine towns this autumn, starting in the old mill at Dunrow.</p>
<p>Tickets for every Velmar concert cost twelve crowns and are sold at the door.</p></article></body></html>`;

const TRAMWAY_LINES = [
  'The Ostmark tramway opens on the first of March, after four years of',
  'building work along the river.',
  'Trams will run every six minutes between the station and the Ostmark harbour.',
];

/** A one-page PDF of `lines`, made with pdf-lib. */
async function onePagePdf(lines: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 72, y: 740 - i * 14, size: 11, font }));
  return doc.save();
}

const UNHURRIED_TEXT =
  'The Carrowby ferry timetable changes on Monday.\nBoats will leave Carrowby pier at seven and at nine every evening.\n';

let fake: FakeDiscord;
let bot: Bot;
let dir: string;
let corpusDir: string;
let dataDir: string;
let web: http.Server;
let webBase: string;
let pdf: Uint8Array;
const webRequests: string[] = [];

/** The loopback web server's pages, by path. */
function serve(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  webRequests.push(url);
  switch (url) {
    case '/news/quillmoor':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    case '/reports/ferry.pdf':
      res.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.from(pdf));
      return;
    case '/old/ferry':
      res.writeHead(301, { location: '/reports/ferry.pdf' }).end();
      return;
    case '/gone':
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
      return;
    case '/unhurried':
      // Slow, but within the deadline: the add is still under way when a question comes.
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(UNHURRIED_TEXT), 1200).unref();
      return;
    case '/slow':
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE), SLOW_MS).unref();
      return;
    case '/huge': {
      // No Content-Length: the cap must hold while the body is read.
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const more = (): void => {
        while (sent <= DEFAULT_MAX_HTML_BYTES && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
      return;
    }
    case '/image.png':
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      return;
    case '/to-metadata':
      // The first host is allowed; where it leads is checked again.
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      return;
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'verbatim-corpus-e2e-'));
  corpusDir = path.join(dir, 'corpus');
  dataDir = path.join(dir, 'data');
  await cp(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
  pdf = await reportPdf();
  web = http.createServer(serve);
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webBase = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  fake = await startFakeDiscord({ guild: { roles: [{ id: LIBRARIANS, name: 'librarians' }] } });
  const settings = loadSettings({
    CORPUS_DIR: corpusDir,
    DATA_DIR: dataDir,
    SNAPSHOT_DIR: path.join(dir, 'snapshots'),
    ASK_COOLDOWN: 'off',
    // The web server and the fake's CDN both listen on 127.0.0.1.
    FETCH_ALLOW_HOSTS: '127.0.0.1',
  });
  bot = await startBot(
    settings,
    { token: fake.token, guildId: fake.guild.id, apiBase: fake.restBase, moderatorRoleIds: [] },
    { fetchTimeoutMs: FETCH_TIMEOUT_MS },
  );
  await bot.ready;
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  web?.closeAllConnections();
  await new Promise((resolve) => web?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const final = (interaction: InjectedInteraction, description = 'a final reply'): Promise<BotResponse> =>
  finalReply(interaction, { description, timeoutMs: 30_000 });

/** The message an update (button click) leaves: its last edit. */
async function settled(interaction: InjectedInteraction, title: RegExp): Promise<BotResponse> {
  return interaction.waitFor((r) => r.ok && (r.data?.embeds?.[0]?.title ?? '').match(title) !== null, {
    description: `a reply titled ${title}`,
    timeoutMs: 30_000,
  });
}

const embed = firstEmbed;
/** An embed's description as read, without Markdown's escapes and bold. */
const text = (r: BotResponse): string => (embed(r).description ?? r.data?.content ?? '').replace(/\\(.)/g, '$1').replace(/\*\*/g, '');
const messageOf = (r: BotResponse): APIMessage => {
  expect(r.message).toBeDefined();
  return r.message!;
};
const buttonId = (r: BotResponse, label: string): string => {
  const rows = (r.data?.components ?? []) as Array<{ components: Array<{ label?: string; custom_id?: string }> }>;
  const b = rows.flatMap((row) => row.components).find((x) => x.label === label);
  expect(b, `a "${label}" button`).toBeDefined();
  return b!.custom_id!;
};

type AddOptions = { url?: string; file?: AttachmentInput; title?: string };
const addOptions = (o: AddOptions) => [
  {
    name: 'add',
    options: [
      ...(o.url !== undefined ? [{ name: 'url', value: o.url }] : []),
      ...(o.file !== undefined ? [{ name: 'file', attachment: o.file }] : []),
      ...(o.title !== undefined ? [{ name: 'title', value: o.title }] : []),
    ],
  },
];
const add = (o: AddOptions) => final(fake.slashCommand({ name: 'corpus', options: addOptions(o), user: MOD, permissions: MANAGE_GUILD }));
const ask = (question: string) => final(fake.slashCommand({ name: 'ask', options: [{ name: 'question', value: question }], user: MEMBER }));

/** Every file in the corpus folder, relative, sorted. */
async function corpusFiles(): Promise<string[]> {
  const entries = await readdir(corpusDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(corpusDir, path.join(e.parentPath, e.name)))
    .sort();
}

async function auditLines(): Promise<AuditEntry[]> {
  const text = await readFile(path.join(dataDir, AUDIT_FILE), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditEntry);
}

/** Runs `refusedAdd`, expecting an ephemeral refusal matching `why`, nothing written, the index in use untouched. */
async function expectRefused(refusedAdd: () => Promise<BotResponse>, why: RegExp): Promise<void> {
  const files = await corpusFiles();
  const audit = await auditLines();
  const { generation } = await bot.engine.status();
  const r = await refusedAdd();
  expect(r.ephemeral).toBe(true);
  expect(text(r)).toMatch(why);
  expect(await corpusFiles()).toEqual(files);
  expect(await auditLines()).toEqual(audit);
  expect((await bot.engine.status()).generation).toBe(generation);
}

describe('/corpus add', () => {
  it('is refused to a member without Manage Server (Discord does not deliver it) and in DMs (the bot refuses it); nothing is written', async () => {
    const init = { name: 'corpus', options: addOptions({ url: `${webBase}/news/quillmoor` }), user: MEMBER, permissions: '0' };
    expect(fake.slashCommand(init).refused?.reason).toBe('missing-permissions');
    // A DM gets past a stale client: the bot refuses it itself.
    await expectRefused(() => final(fake.slashCommand({ ...init, dm: true, unchecked: true })), /only in a server/);
    expect(webRequests).not.toContain('/news/quillmoor');
  });

  it('adds a web page from a link: the reply names its title, sentences and source, and /ask quotes it at once', async () => {
    const { generation } = await bot.engine.status();
    const r = await add({ url: `${webBase}/news/quillmoor` });
    expect(r.ephemeral).toBe(true);
    expect(embed(r).title).toBe('Added to the corpus');
    // The title is the page's <title> without its site's name.
    expect(text(r)).toMatch(/^Quillmoor lighthouse \(`added\/quillmoor-lighthouse`\): 3 sentences/);
    expect(text(r)).toContain(`Source: <${webBase}/news/quillmoor>`);
    expect((await bot.engine.status()).generation).toBeGreaterThan(generation);
    const files = await corpusFiles();
    expect(files.filter((f) => f.startsWith('added/') && f.endsWith('.html'))).toHaveLength(1);

    const answer = await ask('how often does the Quillmoor keeper ring the fog bell');
    expect(text(answer)).toContain('During winter storms the keeper rings the Quillmoor fog bell every seven minutes');
    expect(text(answer)).toContain(`— *Quillmoor lighthouse* · Harbour News · 2024-05-02 · <${webBase}/news/quillmoor>`);
  });

  it('adds a PDF reached through a redirect, and its citations give the page', async () => {
    const r = await add({ url: `${webBase}/old/ferry` });
    expect(embed(r).title).toBe('Added to the corpus');
    expect(text(r)).toMatch(/^Night ferry: the first month \(`added\/[^`]+`\)/);
    // Cited from where the redirect led.
    expect(text(r)).toContain(`Source: <${webBase}/old/ferry>`);
    const answer = await ask('how much is a single crossing on the night ferry');
    expect(text(answer)).toMatch(
      new RegExp(
        `Fares will stay at 45 crowns for a single crossing[^\n]*\n— \\*Night ferry: the first month\\* · 2024-06-03 · p\\. 2 · <${webBase}/reports/ferry\\.pdf>`,
      ),
    );
  });

  it('keeps answering /ask while an add is under way', async () => {
    const adding = fake.slashCommand({
      name: 'corpus',
      options: addOptions({ url: `${webBase}/unhurried` }),
      user: MOD,
      permissions: MANAGE_GUILD,
    });
    const answer = await ask('what is Operation Unifier');
    expect(text(answer)).toContain('Operation Unifier');
    expect(adding.responses.some((r) => r.kind === 'edit')).toBe(false);
    const added = await final(adding);
    expect(embed(added).title).toBe('Added to the corpus');
    expect(added.at).toBeGreaterThan(answer.at);
    expect(text(await ask('when do boats leave Carrowby pier'))).toContain(
      'Boats will leave Carrowby pier at seven and at nine every evening.',
    );
  });

  it('refuses a document already in the corpus, naming the article', async () => {
    await expectRefused(
      () => add({ url: `${webBase}/news/quillmoor` }),
      /already in the corpus as "Quillmoor lighthouse" \(added\/quillmoor-lighthouse\)/,
    );
  });

  it('adds a .txt and an .html attachment downloaded from the Discord CDN', async () => {
    const txt = await add({ file: { filename: 'brannock-cider.txt', data: ATTACHED_TEXT }, title: 'Brannock cider' });
    expect(text(txt)).toMatch(/^Brannock cider \(`added\/brannock-cider`\): 3 sentences/);
    expect(text(txt)).toContain('Source: brannock-cider.txt');
    const page = await add({ file: { filename: 'velmar.html', data: ATTACHED_HTML } });
    expect(text(page)).toMatch(/^Velmar choir tour \(`added\/velmar-choir-tour`\): 2 sentences/);
    expect(fake.cdnRequests.filter((q) => q.completed && q.status === 200).length).toBeGreaterThanOrEqual(2);
    const answer = await ask('how many crates of apples did the Brannock cooperative bring');
    expect(text(answer)).toContain('Members brought 340 crates of apples');
  });

  it('adds a PDF attachment', async () => {
    const r = await add({ file: { filename: 'tramway.pdf', data: await onePagePdf(TRAMWAY_LINES) } });
    expect(r.ephemeral).toBe(true);
    expect(embed(r).title).toBe('Added to the corpus');
    expect(text(r)).toMatch(/`added\/tramway`\): 2 sentences/);
    const answer = await ask('when does the Ostmark tramway open');
    expect(text(answer)).toContain('The Ostmark tramway opens on the first of March, after four years of building work along the river.');
  });

  it('writes a crafted attachment name (../../x.txt) inside the corpus folder', async () => {
    const r = await add({
      file: { filename: '../../x.txt', data: 'The Harrowgate ferry pier was rebuilt in oak after the storm of 1990.' },
    });
    expect(embed(r).title).toBe('Added to the corpus');
    const files = await corpusFiles();
    const written = files.filter((f) => /(^|\/)x(-\d+)?\.txt$/.test(f));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^added\/[^/]+\.txt$/);
    expect(await readdir(dir)).toEqual(expect.not.arrayContaining(['x.txt']));
    expect(await readdir(path.dirname(dir))).toEqual(expect.not.arrayContaining(['x.txt']));
  });

  it.each([
    ['a page that is not there', '/gone', /answered 404/],
    ['a slow server', '/slow', /did not answer within 2 s/],
    ['a body over the HTML limit', '/huge', /too large/],
    ['a type that is not a document', '/image.png', /content type image\/png/],
    ['a redirect to a private address, although the first host is allowed', '/to-metadata', /169\.254\.169\.254 is a link-local address/],
  ])('refuses %s with an ephemeral message saying why; nothing is written and the index is untouched', async (_, route, why) => {
    await expectRefused(() => add({ url: `${webBase}${route}` }), why);
  });

  it('applies the same caps to attachments: the size Discord reports, the bytes downloaded, the deadline', async () => {
    const big = `<html><body><p>${'The Quarry road is closed. '.repeat(Math.ceil(DEFAULT_MAX_HTML_BYTES / 27) + 10)}</p></body></html>`;
    const downloads = fake.cdnRequests.length;
    // Within Discord's upload limit (10 MiB), over the HTML limit (5 MiB): refused without downloading.
    await expectRefused(() => add({ file: { filename: 'quarry.html', data: big } }), /the file is too large \(5\.\d MiB > 5 MiB limit\)/);
    expect(fake.cdnRequests.length).toBe(downloads);
    // A size that understates what the CDN sends, and no Content-Length: the bytes are counted as they come.
    await expectRefused(
      () => add({ file: { filename: 'quarry.html', data: big, size: 1000, cdn: { contentLength: null } } }),
      /could not be downloaded: the document is too large \(over the 5 MiB limit\)/,
    );
    // A CDN that does not answer in time.
    await expectRefused(
      () => add({ file: { filename: 'late.txt', data: 'The Quarry road opens again in May.', cdn: { delayMs: SLOW_MS } } }),
      /could not be downloaded: .* did not answer within 2 s/,
    );
  });

  it('refuses a link that is not http or https, a file type it does not read, an image-only PDF, and both or neither of file and url', async () => {
    await expectRefused(() => add({ url: 'file:///etc/passwd' }), /only http and https/);
    await expectRefused(() => add({ file: { filename: 'tool.exe', data: 'MZ' } }), /not a document Verbatim reads/);
    await expectRefused(
      () => add({ url: `${webBase}/news/quillmoor`, file: { filename: 'a.txt', data: 'The Alder bridge reopens.' } }),
      /either a file or a url/,
    );
    await expectRefused(() => add({}), /either a file or a url/);
    const scan = await imageOnlyPdf();
    await expectRefused(() => add({ file: { filename: 'scan.pdf', data: scan } }), /nothing to add: .*no text/i);
  });
});

describe('/corpus list and remove', () => {
  it('lists the added documents newest first, with who added them, when and from where', async () => {
    const r = await final(fake.slashCommand({ name: 'corpus', options: [{ name: 'list' }], user: MOD, permissions: MANAGE_GUILD }));
    expect(r.ephemeral).toBe(true);
    const listed = text(r);
    const order = ['(`added/x`)', 'Ostmark', 'Velmar', 'Brannock', 'Night ferry', 'Quillmoor'].map((t) => listed.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(listed).toMatch(/added by maya on \d{4}-\d\d-\d\d \d\d:\d\d UTC from <http:\/\/127\.0\.0\.1:\d+\/news\/quillmoor>/);
    expect(listed).toContain('from brannock-cider.txt');
    expect(listed).toContain('from ../../x.txt');
  });

  it('removes a document after the confirmation button: the file is deleted, /ask no longer quotes it, the audit log has both lines', async () => {
    const typed = await fake
      .autocomplete({
        name: 'corpus',
        options: [{ name: 'remove', options: [{ name: 'article', value: 'quillmoor', focused: true }] }],
        user: MOD,
        permissions: MANAGE_GUILD,
      })
      .nextResponse();
    const choices = typed.choices ?? [];
    expect(choices).toHaveLength(1);
    const id = String(choices[0]!.value);
    expect(id).toBe('added/quillmoor-lighthouse');

    const confirm = await final(
      fake.slashCommand({
        name: 'corpus',
        options: [{ name: 'remove', options: [{ name: 'article', value: id }] }],
        user: MOD,
        permissions: MANAGE_GUILD,
      }),
    );
    expect(confirm.ephemeral).toBe(true);
    expect(embed(confirm).title).toBe('Remove this document?');
    const file = (await corpusFiles()).find((f) => f.startsWith('added/') && f.endsWith('.html') && f.includes('quillmoor'));
    expect(file).toBeDefined();

    const clicked = fake.button({
      customId: buttonId(confirm, 'Remove'),
      message: messageOf(confirm),
      user: MOD,
      permissions: MANAGE_GUILD,
    });
    const done = await settled(clicked, /^Removed from the corpus$/);
    expect(text(done)).toContain(`Deleted \`${file}\``);
    expect(await corpusFiles()).not.toContain(file);

    const answer = await ask('how often does the Quillmoor keeper ring the fog bell');
    expect(JSON.stringify(answer.data)).not.toContain('fog bell every seven minutes');

    const audit = await auditLines();
    const lines = audit.filter((e) => e.file === file);
    expect(lines.map((e) => e.action)).toEqual(['add', 'remove']);
    expect(lines[0]).toMatchObject({ by: { id: MOD.id, name: 'maya', via: 'discord' }, origin: { url: `${webBase}/news/quillmoor` } });
    expect(lines[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[1]).toMatchObject({ by: { id: MOD.id }, articles: [id] });
  });

  it('offers the added documents to a role an admin granted /corpus to, without Manage Server', async () => {
    fake.grantCommand({ command: 'corpus', roleId: LIBRARIANS });
    const typed = await fake
      .autocomplete({
        name: 'corpus',
        options: [{ name: 'remove', options: [{ name: 'article', value: 'velmar', focused: true }] }],
        user: MEMBER,
        roles: [LIBRARIANS],
      })
      .nextResponse();
    expect(typed.choices?.map((c) => c.value)).toEqual(['added/velmar-choir-tour']);
  });

  it('keeps the document when Cancel is pressed', async () => {
    const list = await final(fake.slashCommand({ name: 'corpus', options: [{ name: 'list' }], user: MOD, permissions: MANAGE_GUILD }));
    const id = /\(`(added\/[^`]+)`\)/.exec(text(list))![1]!;
    const confirm = await final(
      fake.slashCommand({
        name: 'corpus',
        options: [{ name: 'remove', options: [{ name: 'article', value: id }] }],
        user: MOD,
        permissions: MANAGE_GUILD,
      }),
    );
    const files = await corpusFiles();
    // Someone without Manage Server who gets hold of the button is refused, and nothing is removed.
    const stranger = await final(
      fake.button({ customId: buttonId(confirm, 'Remove'), message: messageOf(confirm), user: MEMBER, permissions: '0' }),
    );
    expect(stranger.ephemeral).toBe(true);
    expect(text(stranger)).toMatch(/Only moderators/);
    expect(await corpusFiles()).toEqual(files);
    const cancelled = await settled(
      fake.button({ customId: buttonId(confirm, 'Cancel'), message: messageOf(confirm), user: MOD, permissions: MANAGE_GUILD }),
      /^Nothing removed$/,
    );
    expect(cancelled.ephemeral).toBe(true);
    expect(await corpusFiles()).toEqual(files);
  });

  it('pages the list ten at a time, newest first, with ◀ ▶', async () => {
    const towns = ['Ashby', 'Bexmoor', 'Corran', 'Dunlow', 'Elsworth'];
    for (const town of towns) {
      const r = await add({
        file: {
          filename: `${town.toLowerCase()}.txt`,
          data: `The ${town} library opens late on Wednesdays.\nIts ${town} reading room seats forty people.\n`,
        },
      });
      expect(embed(r).title).toBe('Added to the corpus');
    }
    const first = await final(fake.slashCommand({ name: 'corpus', options: [{ name: 'list' }], user: MOD, permissions: MANAGE_GUILD }));
    expect(embed(first).title).toBe('Added documents (11)');
    const page1 = text(first);
    expect(page1.indexOf('Elsworth')).toBeLessThan(page1.indexOf('Ashby'));
    expect(page1).not.toContain('Night ferry');
    const buttons = (first.data?.components ?? []).flatMap((row) => (row as { components: Array<{ label?: string }> }).components);
    expect(buttons.map((b) => b.label)).toEqual(['◀', '1 / 2', '▶']);

    const next = await settled(
      fake.button({ customId: buttonId(first, '▶'), message: messageOf(first), user: MOD, permissions: MANAGE_GUILD }),
      /^Added documents \(11\)$/,
    );
    expect(text(next)).toMatch(/^Night ferry: the first month \(`added\/[^`]+`\)\nadded by maya/);
    expect(next.ephemeral).toBe(true);
  });
});
