/** Running the `verbatim` command as a user runs it, from the TypeScript sources, for the tests. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'src/cli/verbatim.ts');

/** What a run printed, and its exit code. */
export interface CliRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `verbatim args…` (no Discord token) with optional stdin and extra environment. */
export function verbatim(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, DISCORD_TOKEN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
    child.stdin.end(input ?? '');
  });
}
