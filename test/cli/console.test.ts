/**
 * The console maps a command line onto any command's options from the
 * command's own definition, so a command added to commands/ works there
 * without the console knowing it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsole } from '../../src/cli/console.ts';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import { openQuestionRecord } from '../../src/record/open.ts';
import type { QuestionRecord } from '../../src/record/questions.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs the console over `lines` with the commands in `commandsDir`; resolves with what it printed. */
async function consoleSession(lines: string[], commandsDir: string, record?: QuestionRecord): Promise<string> {
  const { engine } = await LocalEngine.open({ corpusDir: path.join(ROOT, 'corpus') });
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d) => (printed += d));
  input.end(lines.join('\n') + '\n');
  try {
    await runConsole({ corpusDir: path.join(ROOT, 'corpus'), engine, input, output, commandsDir, log: () => undefined, record });
  } finally {
    await engine.close();
  }
  return printed;
}

const ECHO = path.join(ROOT, 'test/fixtures/console-commands');

describe('the console with a command it has never seen', () => {
  it('maps free text, named values of every type and the subcommand onto its options', async () => {
    const out = await consoleSession(['/echo say hello there times:3 volume:0.5 shout:yes mood:"quite calm"'], ECHO);
    expect(out).toContain(
      JSON.stringify({ subcommand: 'say', text: 'hello there', times: 3, volume: 0.5, shout: true, mood: 'quite calm' }),
    );
  });

  it('leaves words with a colon that name no option in the free text', async () => {
    const out = await consoleSession(['/echo say note: this is not an option'], ECHO);
    expect(out).toContain('"text":"note: this is not an option"');
  });

  it('says what is wrong with a bad value, a missing option or a missing subcommand, and runs nothing', async () => {
    const out = await consoleSession(['/echo say hi times:many', '/echo say', '/echo', '/echo nothing extra words'], ECHO);
    expect(out).toMatch(/times: must be a whole number \(got "many"\)/);
    expect(out).toMatch(/\/echo say needs text:/);
    expect(out).toMatch(/\/echo needs one of: say, nothing/);
    expect(out).toMatch(/\/echo nothing takes no free text/);
    expect(out).not.toContain('"subcommand"');
  });
});

describe('the console with the project commands', () => {
  it('answers /ask with results:N and resolves /source through autocomplete', async () => {
    const out = await consoleSession(['/ask what is Operation Unifier results:1', '/source carney'], path.join(ROOT, 'commands'));
    expect(out).toMatch(/1\. .*Operation Unifier/);
    expect(out).not.toMatch(/^2\. /m);
    expect(out).toMatch(/Carney Visits Ukraine as Canada Considers Troop Deployment for Peacekeeping/);
  });

  it('runs Find sources on typed text, votes with /helpful and /not-helpful, and records both', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'verbatim-console-'));
    const record = openQuestionRecord({ dataDir, record: { enabled: true, days: 90 } }, () => undefined)!;
    try {
      const out = await consoleSession(
        ['what is Operation Unifier', '/helpful', '/not-helpful', '/find-sources Leopard 2 tanks?', '/helpful'],
        path.join(ROOT, 'commands'),
        record,
      );
      expect(out).toContain('Thanks — recorded.');
      expect(out).toContain('Thanks — changed to Not helpful.');
      expect(out).toMatch(/> Leopard 2 tanks\?[\s\S]*1\. .*Leopard 2 tanks/);
      record.flush();
      expect(record.db.prepare('SELECT kind FROM answers ORDER BY kind').pluck().all()).toEqual(['ask', 'message']);
      expect(
        record.db.prepare('SELECT a.kind, v.helpful FROM votes v JOIN answers a ON a.id = v.answer_id ORDER BY a.kind').raw().all(),
      ).toEqual([
        ['ask', 0],
        ['message', 1],
      ]);
    } finally {
      record.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
