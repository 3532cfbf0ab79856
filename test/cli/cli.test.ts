/**
 * The `verbatim` command run as a user runs it: a child process of the real
 * executable, reading the real corpus from disk.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QuestionJson } from '../../src/render/json.ts';
import { ROOT, verbatim } from './runCli.ts';

/** What `verbatim source --json` prints. */
interface SourceJson {
  article: { id: string; title: string };
  sentences: Array<{ text: string }>;
}

describe('verbatim ask', () => {
  it('prints one JSON object and nothing else on stdout with --json', async () => {
    const { stdout, code } = await verbatim(['ask', 'what is Operation Unifier', '--json']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0]!) as QuestionJson;
    expect(answer.question).toBe('what is Operation Unifier');
    expect(answer.answers[0]?.text).toMatch(/Operation Unifier/i);
    expect(answer.answers[0]).toMatchObject({
      article: { id: expect.any(String), title: expect.any(String) },
      sentence: expect.any(Number),
      context: expect.any(Object),
    });
    expect(answer.answers[0]?.highlights.length).toBeGreaterThan(0);
    expect(answer.confidence).toEqual({ level: 'clear', score: 1 });
  });

  it('says when the quotes are only the closest matches, in text and in JSON', async () => {
    const text = await verbatim(['ask', 'who is the prime minister of Australia']);
    expect(text.stdout.split('\n')[0]).toBe('Closest matches, not a clear answer:');
    const json = JSON.parse((await verbatim(['ask', 'who is the prime minister of Australia', '--json'])).stdout) as QuestionJson;
    expect(json.confidence.level).toBe('weak');
    expect(json.confidence.score).toBeLessThan(0.6);
    expect(json.answers.length).toBeGreaterThan(0);
  });

  it('answers every line of stdin in order, one JSON line per input line, blank lines included, with an empty list for no answer', async () => {
    const questions = ['what is Operation Unifier', 'What is the capital of Australia?', '', '   ', 'how many soliders were trained'];
    const { stdout, code } = await verbatim(['ask', '--json'], questions.join('\n') + '\n');
    expect(code).toBe(0);
    const answers = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as QuestionJson);
    expect(answers.map((a) => a.question)).toEqual([
      'what is Operation Unifier',
      'What is the capital of Australia?',
      '',
      '',
      'how many soliders were trained',
    ]);
    expect(answers[1]?.answers).toEqual([]);
    expect(answers[1]?.reason).toBe('no-match');
    expect(answers[2]).toEqual({ question: '', answers: [], reason: 'empty-question' });
    expect(answers[3]).toEqual({ question: '', answers: [], reason: 'empty-question' });
    expect(answers[4]?.answers.length).toBeGreaterThan(0);
  });

  it('takes a question that starts with "-" after --', async () => {
    const { stdout, code } = await verbatim(['ask', '--json', '--', '-what is Operation Unifier']);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as QuestionJson).question).toBe('-what is Operation Unifier');
  });

  it('prints readable quotes with citations without --json', async () => {
    const { stdout } = await verbatim(['ask', 'Leopard 2 tanks', '--top', '1']);
    expect(stdout).toMatch(/^1\. .*Leopard 2 tanks/m);
    expect(stdout).toMatch(/— Canada ready to send its troops to Ukraine to train soldiers/);
    expect(stdout).not.toMatch(/^2\./m);
  });

  it('reads another corpus with --corpus and with CORPUS_DIR', async () => {
    const dir = path.join(ROOT, 'test/fixtures/corpus-shared-lines');
    const viaFlag = JSON.parse((await verbatim(['ask', 'steel cables', '--json', '--corpus', dir])).stdout) as QuestionJson;
    const viaEnv = JSON.parse((await verbatim(['ask', 'steel cables', '--json'], undefined, { CORPUS_DIR: dir })).stdout) as QuestionJson;
    expect(viaFlag.answers[0]?.article.id).toBe('wire-a');
    expect(viaEnv.answers[0]?.article.id).toBe('wire-a');
  });

  it('rejects a bad --top with a usage message and exit code 2', async () => {
    const { code, stderr, stdout } = await verbatim(['ask', 'x', '--top', 'lots']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--top must be a whole number/);
    expect(stdout).toBe('');
  });

  it('fails clearly on a missing corpus folder', async () => {
    const { code, stderr } = await verbatim(['ask', 'x', '--corpus', '/no/such/folder']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/corpus directory not found: \/no\/such\/folder/);
  });
});

describe('verbatim source and index', () => {
  it('shows an article as JSON with its sentences', async () => {
    const { stdout, code } = await verbatim(['source', '004_443b68cf12906582', '--json']);
    expect(code).toBe(0);
    const view = JSON.parse(stdout) as SourceJson;
    expect(view.article.title).toBe('Carney Visits Ukraine as Canada Considers Troop Deployment for Peacekeeping');
    expect(view.sentences[0]?.text).toMatch(/^Mark Carney/);
  });

  it('takes an id prefix or words of a title, as /source does', async () => {
    const byPrefix = await verbatim(['source', '004', '--json']);
    expect(byPrefix.code).toBe(0);
    expect((JSON.parse(byPrefix.stdout) as SourceJson).article.id).toBe('004_443b68cf12906582');
    const byTitle = await verbatim(['source', 'carney visits', '--json']);
    expect(byTitle.code).toBe(0);
    expect((JSON.parse(byTitle.stdout) as SourceJson).article.id).toBe('004_443b68cf12906582');
  });

  it('lists the alternatives when the name is ambiguous, and says when nothing matches', async () => {
    const ambiguous = await verbatim(['source', '00']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/"00" matches more than one article; name one by its id:\n {2}000_98328be762e8b179/);
    const none = await verbatim(['source', 'zzqx']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no article "zzqx"/);
  });

  it('refuses an article name longer than 1,000 characters at once, without echoing it', async () => {
    const started = Date.now();
    const { code, stderr } = await verbatim(['source', 'x'.repeat(50_000), '--json']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('verbatim: an article id or title is at most 1000 characters (got 50000) (see verbatim source --help)');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('reports counts and skipped files, and lists every article with --json', async () => {
    const text = await verbatim(['index']);
    expect(text.stdout).toMatch(/(?:Indexed|Loaded from the snapshot) 5 articles, 1\d\d sentences/);
    expect(text.stdout).toMatch(/Memory: \d+ MiB of heap/);
    const { stdout } = await verbatim(['index', '--json']);
    const index = JSON.parse(stdout) as { articles: Array<{ sentences: string[] }>; skipped: unknown[] };
    expect(index.articles).toHaveLength(5);
    expect(index.skipped).toEqual([]);
    expect(index.articles.every((a: { sentences: string[] }) => a.sentences.length > 10)).toBe(true);
  });
});

describe('verbatim index on a folder with other file types', () => {
  it('says which files it did not read, counted by extension', async () => {
    const dir = path.join(ROOT, 'test/fixtures/corpus-mixed');
    const { stdout, code } = await verbatim(['index', '--corpus', dir], undefined, { DATA_DIR: path.join(ROOT, '.verbatim', 'cli-test') });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Not read, other file types: 1 without an extension, 1 \.csv \(supported: \.txt \.md/m);
  });
});

describe('verbatim usage', () => {
  it('prints the version', async () => {
    const { stdout, code } = await verbatim(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("shows a command's usage and options with --help", async () => {
    const { stdout, code } = await verbatim(['ask', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^verbatim ask — /);
    expect(stdout).toMatch(/--top K/);
    expect(stdout).toMatch(/--json/);
  });

  it('names an unknown or malformed option in one line with a pointer to --help (exit 2)', async () => {
    const unknown = await verbatim(['ask', 'x', '--topp', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('verbatim: unknown option --topp (see verbatim ask --help)\n');
    const missing = await verbatim(['ask', 'x', '--top']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('verbatim: option --top needs a value (see verbatim ask --help)\n');
    const command = await verbatim(['asks', 'x']);
    expect(command.stderr).toBe('verbatim: unknown command "asks" (see verbatim --help)\n');
  });
});

describe('npm start without a token', () => {
  it('runs the local console on the bundled corpus, reading commands from a pipe', async () => {
    const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { ...process.env, DISCORD_TOKEN: '', CORPUS_DIR: '' } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stdin.end('what is Operation Unifier\n/more\n/source carney\n/help\n');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(/Verbatim console — 5 articles/);
    expect(stdout).toMatch(/1\. .*Operation Unifier/);
    expect(stdout).toMatch(/\[Source 1\]/);
    expect(stdout).toMatch(/^4\. /m); // "More" pressed: the next quotes, numbered on
    expect(stdout).toMatch(/Carney Visits Ukraine as Canada Considers Troop Deployment for Peacekeeping/);
    expect(stdout).toMatch(/\/reload — moderators/);
  });
});
