/**
 * Symbolic links never lead the loader out of the corpus folder: real links on
 * disk, through the listing, the reader, the whole load and the CLI.
 */
import { open, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCorpusFiles, loadCorpus, readCorpusFile } from '../../src/corpus/index.ts';
import { OUTSIDE_REASON, openedFileIsInside, resolveRoot } from '../../src/corpus/confine.ts';
import { verbatim } from '../cli/runCli.ts';
import { tempCorpora } from './helpers.ts';

const { temp, onCleanup } = tempCorpora();

const SECRET = 'root:x:0:0:SECRET-OUTSIDE-THE-CORPUS:/root:/bin/bash';

/** A corpus folder `corpus/` with one real article, next to a folder `outside/` holding a secret. */
async function corpusNextToSecret(): Promise<{ corpus: string; outside: string }> {
  const base = await temp({
    'corpus/real/story.txt': 'The harbour ferry runs every hour in summer.',
    'outside/passwd': SECRET,
    'outside/notes/secret.txt': SECRET,
  });
  return { corpus: path.join(base, 'corpus'), outside: path.join(base, 'outside') };
}

describe('symbolic links and the corpus root', () => {
  it('a link to a file outside the corpus is skipped with a reason, and a link to a file inside still loads', async () => {
    const { corpus, outside } = await corpusNextToSecret();
    await symlink(path.join(outside, 'passwd'), path.join(corpus, 'passwd.txt'));
    await symlink('real/story.txt', path.join(corpus, 'alias.txt')); // relative link, inside
    const { files, skipped } = await listCorpusFiles(corpus);
    expect(files.map((f) => f.file)).toEqual(['alias.txt', 'real/story.txt']);
    expect(skipped).toEqual([{ file: 'passwd.txt', reason: OUTSIDE_REASON }]);
  });

  it('a chain of links that ends outside the corpus is skipped, whatever the first hop', async () => {
    const { corpus, outside } = await corpusNextToSecret();
    await symlink(path.join(outside, 'passwd'), path.join(corpus, 'hop.md'));
    await symlink('hop.md', path.join(corpus, 'innocent.txt'));
    await symlink('../outside/passwd', path.join(corpus, 'relative.txt'));
    const { articles, skipped } = await loadCorpus(corpus);
    expect(articles.map((a) => a.id)).toEqual(['real/story']);
    expect(skipped).toEqual([
      { file: 'hop.md', reason: OUTSIDE_REASON },
      { file: 'innocent.txt', reason: OUTSIDE_REASON },
      { file: 'relative.txt', reason: OUTSIDE_REASON },
    ]);
    expect(JSON.stringify(articles)).not.toContain('SECRET');
  });

  it('a corpus root reached through a link works, and links into the real folder count as inside', async () => {
    const { corpus } = await corpusNextToSecret();
    const viaLink = `${corpus}-link`;
    await symlink(corpus, viaLink);
    onCleanup(() => rm(viaLink));
    await symlink(path.join(corpus, 'real/story.txt'), path.join(corpus, 'absolute.txt'));
    const { articles, skipped } = await loadCorpus(viaLink);
    expect(skipped).toEqual([]);
    expect(articles.map((a) => a.id)).toEqual(['absolute', 'real/story']);
  });

  it('the reader refuses a path through a linked folder that leads outside', async () => {
    const { corpus, outside } = await corpusNextToSecret();
    await symlink(path.join(outside, 'notes'), path.join(corpus, 'notes'));
    // The listing never enters linked folders; a caller passing the path directly must be refused too.
    expect((await listCorpusFiles(corpus)).files.map((f) => f.file)).toEqual(['real/story.txt']);
    expect(await readCorpusFile(corpus, 'notes/secret.txt')).toEqual({
      articles: [],
      skipped: [{ file: 'notes/secret.txt', reason: OUTSIDE_REASON }],
    });
  });

  it('a file swapped for an outside link between listing and reading is not read', async () => {
    const { corpus, outside } = await corpusNextToSecret();
    await writeFile(path.join(corpus, 'swap.txt'), 'An ordinary article.');
    const listed = (await listCorpusFiles(corpus)).files.find((f) => f.file === 'swap.txt');
    expect(listed).toBeDefined();
    // Swap atomically, as an attacker racing the loader would.
    await symlink(path.join(outside, 'passwd'), path.join(corpus, 'swap.tmp'));
    await rename(path.join(corpus, 'swap.tmp'), path.join(corpus, 'swap.txt'));
    const read = await readCorpusFile(corpus, listed!);
    expect(read).toEqual({ articles: [], skipped: [{ file: 'swap.txt', reason: OUTSIDE_REASON }] });
  });

  it.each(['proc', 'inode'] as const)('the %s check tells an open file inside the root from one outside it', async (method) => {
    if (method === 'proc' && process.platform !== 'linux') return;
    const { corpus, outside } = await corpusNextToSecret();
    await symlink(path.join(outside, 'passwd'), path.join(corpus, 'out.txt'));
    const rootReal = await resolveRoot(corpus);
    for (const [rel, inside] of [
      ['real/story.txt', true],
      ['out.txt', false],
    ] as const) {
      const abs = path.join(corpus, rel);
      const handle = await open(abs, 'r');
      try {
        expect(await openedFileIsInside(handle, abs, rootReal, method)).toBe(inside);
      } finally {
        await handle.close();
      }
    }
  });

  it('the inode check refuses a file opened outside whose path now names a file inside', async () => {
    const { corpus, outside } = await corpusNextToSecret();
    const abs = path.join(corpus, 'moving.txt');
    await symlink(path.join(outside, 'passwd'), abs);
    const handle = await open(abs, 'r'); // opened while it pointed outside…
    try {
      await rm(abs);
      await writeFile(abs, 'Now an ordinary article.'); // …and checked after it was replaced
      expect(await openedFileIsInside(handle, abs, await resolveRoot(corpus), 'inode')).toBe(false);
    } finally {
      await handle.close();
    }
  });
});

describe('verbatim source with a link out of the corpus', () => {
  it('does not print the linked file, and the skipped report names the link and the reason', async () => {
    const { corpus, outside } = await corpusNextToSecret();
    await symlink(path.join(outside, 'passwd'), path.join(corpus, 'passwd.txt'));
    const env = { SNAPSHOT_DIR: path.join(path.dirname(corpus), 'snapshots') };
    const source = await verbatim(['source', 'passwd', '--json', '--corpus', corpus], undefined, env);
    expect(source.stdout).not.toContain('SECRET');
    expect(source.stderr).not.toContain('SECRET');
    expect(source.stdout).toBe('');
    expect(source.code).toBe(1);
    expect(source.stderr).toContain(`passwd.txt: ${OUTSIDE_REASON}`);
    expect(source.stderr).toContain('no article "passwd"');
    const ask = await verbatim(['ask', 'root bash secret outside the corpus', '--json', '--corpus', corpus], undefined, env);
    expect(ask.stdout).not.toContain('SECRET');
    expect((JSON.parse(ask.stdout) as { answers: unknown[] }).answers).toEqual([]);
  });
});
