// nodeFs: the HostFs conformance suite on a temp root, plus what only the real filesystem shows
// (links to the host's own files, the flock tool, fsync of created directories under strace).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, test } from 'vitest';
import { fsErrorToDiagnostic, HostFsError } from './fs-error.js';
import { materialize } from './materialize.js';
import { nodeFs } from './node-fs.js';
import { hostFsConformance } from './testing.js';

const base = mkdtempSync(join(tmpdir(), 'mirrorctl-nodefs-'));
let n = 0;
afterAll(() => execFileSync('rm', ['-rf', base]));

hostFsConformance('nodeFs', async (tree) => {
  const root = join(base, String(++n));
  materialize(root, tree);
  return nodeFs({ root });
});

test('the host /etc/shadow is never read through a link, even when it exists outside the root', async () => {
  const root = join(base, 'shadow');
  materialize(root, { '/etc/containerd/config.toml': { symlink: '/etc/passwd' } });
  const fs = nodeFs({ root });
  expect(readFileSync('/etc/passwd').length).toBeGreaterThan(0);
  expect(await fs.readFile('/etc/containerd/config.toml')).toBeNull();
});

test('without util-linux flock, the lock fails with a diagnostic naming it', async () => {
  const root = join(base, 'no-flock');
  materialize(root, {});
  const fs = nodeFs({ root, flockBin: join(base, 'no-such-flock') });
  const err = await fs.lockExclusive('/var/lib/mirrorctl/lock', 0o600).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(HostFsError);
  expect(err).toMatchObject({ code: 'host.fs.lock-tool', path: '/var/lib/mirrorctl/lock' });
  expect(fsErrorToDiagnostic(err).hint).toContain('util-linux');
});

test('every directory mkdirp creates is made durable: its parent is fsynced after the mkdir', async () => {
  // strace shows the syscalls: mkdir(D) must be followed by open(parent(D), O_DIRECTORY) + fsync.
  const root = join(base, 'durable');
  materialize(root, {});
  const entry = join(base, 'mkdirp-entry.mjs');
  await build({
    stdin: {
      contents: `import { nodeFs } from './node-fs.ts';\nawait nodeFs({ root: ${JSON.stringify(root)} }).mkdirp('/var/lib/mirrorctl', 0o700);\n`,
      resolveDir: import.meta.dirname,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: entry,
    logLevel: 'silent',
  });
  const log = join(base, 'mkdirp.strace');
  execFileSync('strace', [
    '-f',
    '-qq',
    '-e',
    'trace=mkdir,mkdirat,openat,fsync',
    '-o',
    log,
    process.execPath,
    entry,
  ]);
  const lines = readFileSync(log, 'utf8').split('\n');
  for (const dir of ['/var', '/var/lib', '/var/lib/mirrorctl']) {
    const real = `${root}${dir}`;
    const made = lines.findIndex((l) => /mkdir(at)?\(/.test(l) && l.includes(`"${real}"`));
    expect(made, `mkdir ${real}`).toBeGreaterThanOrEqual(0);
    const parent = real.slice(0, real.lastIndexOf('/'));
    const rest = lines.slice(made + 1);
    const open = rest.find((l) => l.includes(`"${parent}"`) && l.includes('O_DIRECTORY'));
    const fd = open?.match(/= (\d+)$/)?.[1];
    expect(fd, `open of ${parent} after mkdir ${real}`).toBeDefined();
    expect(
      rest.some((l) => l.includes(`fsync(${fd})`)),
      `fsync of ${parent}`,
    ).toBe(true);
  }
});
