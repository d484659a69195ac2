// The package as a user gets it: `npm pack` (prepack: tsc and the CLI bundle), `npm install -g` of the
// tarball into a temp prefix (dependencies from the npm registry), then the installed bins run from
// an unrelated directory: `mirrorctl --help`, `--version`, `kubectl-mirror --help` (the kubectl
// plugin entry), and a command that loads the embedded CRI proto (verify against a dead socket); both
// bins are the CLI bundle (issue 18).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'mirrorctl-pack-'));
const prefix = join(work, 'prefix');
const elsewhere = mkdtempSync(join(tmpdir(), 'mirrorctl-cwd-'));

function run(file: string, args: string[], cwd: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const env = {
      ...process.env,
      NO_COLOR: '1',
      PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
      // The installed bins keep their V8 code cache here, not in this machine's ~/.cache.
      MIRRORCTL_CODE_CACHE_DIR: join(work, 'code-cache'),
    };
    execFile(file, args, { cwd, env, timeout: 600_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  const pack = await run('npm', ['pack', '--pack-destination', work, '--json'], repo);
  expect(pack.code, pack.stderr.slice(-3000)).toBe(0);
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string }[];
  if (!packed) throw new Error(`npm pack printed no file:\n${pack.stdout}`);
  const filename = packed.filename;
  const install = await run(
    'npm',
    ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(work, filename)],
    elsewhere,
  );
  expect(install.code, install.stderr.slice(-3000)).toBe(0);
}, 900_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(elsewhere, { recursive: true, force: true });
}, 120_000);

describe('installed package', () => {
  it('the bins are the CLI bundle (dist/cli), not the tsc build', () => {
    const pkgDir = join(prefix, 'lib', 'node_modules', 'mirrorctl');
    for (const bin of ['mirrorctl', 'kubectl-mirror'])
      expect(realpathSync(join(prefix, 'bin', bin))).toBe(
        join(realpathSync(pkgDir), 'dist', 'cli', 'mirrorctl.cjs'),
      );
    expect(statSync(join(pkgDir, 'dist', 'cli', 'mirrorctl.body.js')).size).toBeGreaterThan(1 << 20);
  });

  it('mirrorctl --version prints the package version', async () => {
    const r = await run(join(prefix, 'bin', 'mirrorctl'), ['--version'], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('mirrorctl --help lists the verbs', async () => {
    const r = await run(join(prefix, 'bin', 'mirrorctl'), ['--help'], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    for (const verb of ['apply', 'plan', 'verify', 'rollout', 'uninstall']) expect(r.stdout).toContain(verb);
  });

  it('kubectl-mirror (the kubectl plugin) passes its arguments to mirrorctl', async () => {
    const help = await run(join(prefix, 'bin', 'kubectl-mirror'), ['--help'], elsewhere);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: kubectl mirror [options] [command]');
    expect(help.stdout).toContain('rollout');
    const v = await run(join(prefix, 'bin', 'kubectl-mirror'), ['--version'], elsewhere);
    expect(v.stdout).toBe(`${version}\n`);
    const sub = await run(join(prefix, 'bin', 'kubectl-mirror'), ['explain', '--help'], elsewhere);
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout).toMatch(/explain.*IMAGE|--target/);
  });

  it('loads the embedded CRI proto: verify against a dead socket is a failed check, not a crash', async () => {
    const r = await run(
      join(prefix, 'bin', 'mirrorctl'),
      [
        'verify',
        '--root',
        elsewhere,
        '--cri-endpoint',
        `unix://${join(elsewhere, 'none.sock')}`,
        '-o',
        'json',
      ],
      elsewhere,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'VerifyReport', ok: false });
  });
});
