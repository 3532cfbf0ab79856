/**
 * `verbatim stats` for scripts: the statistics as text or JSON (JSON only on
 * stdout), and `--export FILE.csv` with the unanswered questions.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import { openQuestionRecord } from '../../src/record/open.ts';
import { ROOT, verbatim } from './runCli.ts';

let dataDir: string;
const env = () => ({ DATA_DIR: dataDir, CORPUS_DIR: path.join(ROOT, 'corpus') });
const GUILD = '1300000000000000100';

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'verbatim-cli-stats-'));
  const { engine } = await LocalEngine.open({ corpusDir: path.join(ROOT, 'corpus') });
  const record = openQuestionRecord({ dataDir, record: { enabled: true, days: 90 } }, () => undefined)!;
  const questions = [
    'What is the capital of Australia?',
    'capital of australia',
    '=HYPERLINK("http://x.example","hi")',
    'what is Operation Unifier',
  ];
  for (const [i, q] of questions.entries()) {
    const id = record.newAnswerId();
    record.answered({
      id,
      kind: 'ask',
      guildId: i === 0 ? '1300000000000000999' : GUILD,
      answer: engine.askSync(q),
      latencyMs: 10 * (i + 1),
    });
    if (i === 3) record.vote(id, 'someone', false);
  }
  record.close();
  await engine.close();
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('verbatim stats', () => {
  it('prints the statistics as JSON only on stdout', async () => {
    const run = await verbatim(['stats', '--json', '--days', '7'], undefined, env());
    expect(run.code).toBe(0);
    const stats = JSON.parse(run.stdout) as Record<string, unknown> & { unanswered: Array<{ count: number; example: string }> };
    expect(stats).toMatchObject({ days: 7, asked: 4, answered: 1, votes: { helpful: 0, notHelpful: 1, answersVoted: 1 } });
    expect(stats.unanswered[0]).toMatchObject({ count: 2, example: 'capital of australia' });
    expect(stats.since).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((stats.mostQuoted as Array<{ title?: string }>)[0]!.title).toBeTruthy();
  });

  it('reads one server’s questions with --guild, and prints text for people', async () => {
    const run = await verbatim(['stats', '--guild', GUILD], undefined, env());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Verbatim: the last 30 days/);
    expect(run.stdout).toContain('Questions asked: 3 (3 with /ask, 0 with Find sources)');
    expect(run.stdout).toMatch(
      /Unanswered questions, grouped by their words[^\n]*:\n(?: {2}\d\. .*\n)* {2}\d\. 1x "capital of australia" {2}\(words: capital, australia\)\n/,
    );
    expect(run.stdout).toMatch(/Answers voted not helpful:\n {2}1\. 1 not helpful, 0 helpful: "what is Operation Unifier" -> .+\[\d{3}_/);
  });

  it('exports the unanswered questions as CSV that a spreadsheet cannot run', async () => {
    const file = path.join(dataDir, 'gaps.csv');
    const run = await verbatim(['stats', '--export', file], undefined, env());
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/wrote 3 unanswered questions of the last 30 days to .*gaps\.csv/);
    const lines = readFileSync(file, 'utf8').split('\r\n');
    expect(lines[0]).toBe('asked_at,guild_id,kind,question,words,group,reason');
    expect(lines).toHaveLength(5); // header, three rows, and the empty string after the last CRLF
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z,1300000000000000999,ask,What is the capital of Australia\?,capital australia,australia capit,no-match$/,
    );
    expect(lines[3]).toContain(`"'=HYPERLINK(""http://x.example"",""hi"")"`);
  });

  it('says plainly when there is no record, and refuses bad options', async () => {
    const none = await verbatim(['stats'], undefined, { ...env(), DATA_DIR: path.join(dataDir, 'nothing-here') });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^verbatim: there is no record of questions at .*nothing-here\/verbatim\.db/);
    for (const [args, message] of [
      [['stats', '--days', '0'], /--days must be a whole number from 1 to 3650/],
      [['stats', '--guild', 'my-server'], /--guild must be a numeric Discord server id/],
      [['stats', '--json', '--export', 'x.csv'], /--export and --json do not go together/],
    ] as const) {
      const run = await verbatim([...args], undefined, env());
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
