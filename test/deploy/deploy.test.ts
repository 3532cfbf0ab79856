/**
 * The deployment files, checked as far as this machine can: no Docker
 * engine runs here, so the Dockerfile and compose.yaml are read and checked
 * for what they promise (two stages, a non-root user, volumes, a health check,
 * files that exist); the systemd unit goes through `systemd-analyze verify`
 * when it is installed; the pm2 file is loaded and its script checked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Dockerfile instructions as [keyword, arguments], continuation lines joined and comments dropped. */
function dockerInstructions(text: string): Array<[string, string]> {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [keyword = '', ...rest] = l.split(/\s+/);
      return [keyword.toUpperCase(), rest.join(' ')];
    });
}

describe('the Dockerfile', () => {
  const instructions = dockerInstructions(read('Dockerfile'));
  const finalStage = instructions.slice(instructions.map(([k]) => k).lastIndexOf('FROM'));

  it('builds in one stage and runs in another, as a user that is not root', () => {
    expect(instructions.filter(([k]) => k === 'FROM').length).toBeGreaterThanOrEqual(2);
    const user = finalStage.filter(([k]) => k === 'USER').at(-1)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(finalStage.some(([k, a]) => k === 'COPY' && a.startsWith('--from=build') && a.includes('dist'))).toBe(true);
  });

  it('keeps the corpus and the data folder in volumes, and the settings point at them', () => {
    const volumes = finalStage.find(([k]) => k === 'VOLUME')?.[1] ?? '';
    expect(volumes).toContain('/app/corpus');
    expect(volumes).toContain('/data');
    const env = finalStage
      .filter(([k]) => k === 'ENV')
      .map(([, a]) => a)
      .join(' ');
    expect(env).toMatch(/CORPUS_DIR=\/app\/corpus/);
    expect(env).toMatch(/DATA_DIR=\/data/);
  });

  it('runs the compiled program and checks its health with `verbatim health`, both files npm install builds', () => {
    const cmd = JSON.parse(finalStage.find(([k]) => k === 'CMD')![1]) as string[];
    const health = finalStage.find(([k]) => k === 'HEALTHCHECK')![1];
    const healthCmd = JSON.parse(health.slice(health.indexOf('CMD') + 3).trim()) as string[];
    expect(healthCmd.slice(-1)).toEqual(['health']);
    for (const file of [cmd[1]!, healthCmd[1]!]) expect(existsSync(path.join(ROOT, file)), file).toBe(true);
  });

  it('copies only files that exist in the repository', () => {
    for (const [k, a] of instructions) {
      if (k !== 'COPY' || a.startsWith('--from')) continue;
      const sources = a.split(/\s+/).slice(0, -1);
      for (const s of sources) expect(existsSync(path.join(ROOT, s)), s).toBe(true);
    }
  });
});

describe('compose.yaml', () => {
  it('builds the image and mounts the corpus and the data volume where the image expects them', () => {
    const compose = parse(read('compose.yaml')) as {
      services: Record<string, { build?: string; restart?: string; env_file?: string; volumes?: string[] }>;
      volumes?: Record<string, unknown>;
    };
    const service = compose.services['verbatim']!;
    expect(service.build).toBe('.');
    expect(service.restart).toBe('unless-stopped');
    expect(service.env_file).toBe('.env');
    const targets = (service.volumes ?? []).map((v) => v.split(':')[1]);
    expect(targets).toEqual(expect.arrayContaining(['/app/corpus', '/data']));
    const named = (service.volumes ?? []).map((v) => v.split(':')[0]!).filter((v) => !v.startsWith('.'));
    for (const v of named) expect(compose.volumes).toHaveProperty(v);
  });
});

describe('the systemd unit', () => {
  const unit = read('deploy/verbatim.service');

  it('starts the compiled program and restarts it after a failure', () => {
    const exec = /^ExecStart=\S+ \/opt\/verbatim\/(\S+)$/m.exec(unit)?.[1];
    expect(exec && existsSync(path.join(ROOT, exec))).toBe(true);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  it.skipIf(!analyze)('passes systemd-analyze verify (with its paths pointed at this checkout)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'verbatim-unit-'));
    const file = path.join(dir, 'verbatim.service');
    writeFileSync(
      file,
      unit
        .replaceAll('/opt/verbatim', ROOT)
        .replace(/^User=.*$/m, 'User=root')
        .replace(/^Group=.*$/m, 'Group=root')
        .replace(/^EnvironmentFile=/m, 'EnvironmentFile=-'),
    );
    const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr.trim()).toBe('');
  });
});

describe('the pm2 file', () => {
  it('loads, and runs the compiled program from the project folder', () => {
    const config = createRequire(import.meta.url)(path.join(ROOT, 'deploy/ecosystem.config.cjs')) as {
      apps: Array<{ script: string; cwd: string; autorestart: boolean }>;
    };
    const app = config.apps[0]!;
    expect(path.resolve(app.cwd)).toBe(ROOT);
    expect(existsSync(path.join(app.cwd, app.script))).toBe(true);
    expect(app.autorestart).toBe(true);
    expect(() => execFileSync(process.execPath, ['--check', path.join(ROOT, 'deploy/ecosystem.config.cjs')])).not.toThrow();
  });
});

/** A package.json of the repository, as far as these tests read it. */
const manifest = (file: string) => JSON.parse(read(file)) as { version?: string; bin?: Record<string, string> };

describe('the verbatim command', () => {
  it('is linked into node_modules/.bin by npm install and runs the compiled CLI', () => {
    const run = spawnSync(path.join(ROOT, 'node_modules/.bin/verbatim'), ['--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${manifest('package.json').version}\n`);
  });

  it('runs through npx straight from node_modules/.bin, without npx copying the project into its cache', () => {
    // A project that declares its own bin is copied into npx's cache on the first run and its whole tree loaded on every run.
    expect(manifest('package.json').bin).toBeUndefined();
    expect(manifest('bin/package.json').bin).toEqual({ verbatim: 'verbatim.js' });
    const run = spawnSync('npx', ['--loglevel', 'silly', 'verbatim', '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${manifest('package.json').version}\n`);
    // Resolving a package (the slow path) creates npm's packument cache; running a linked command does not.
    expect(run.stderr).not.toMatch(/packumentCache/);
  });
});
