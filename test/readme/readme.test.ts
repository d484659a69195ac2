// Runs the README's commands verbatim: the quickstart lines through bash with `mirrorctl` on PATH
// (a shim running bin/mirrorctl.ts from this checkout), and the demo line `npm ci && npm run demo`
// in a fresh copy of the checkout, the way a new user runs it. `.ci/run` is only checked to be the
// documented entry point: running the whole CI from a test would recurse.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeBlocks } from './readme-blocks.js';

const repo = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const blocks = readmeBlocks(readme);
const work = mkdtempSync(join(tmpdir(), 'mirrorctl-readme-'));
// the fresh copy holds a whole node_modules: removing it takes a while on a busy machine
afterAll(() => rm(work, { recursive: true, force: true }), 300_000);

function bash(line: string, cwd: string, env: NodeJS.ProcessEnv, timeout: number) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile('bash', ['-c', line], { cwd, env, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}\n${stderr}` });
    });
  });
}

/** A `mirrorctl` executable that runs this checkout's source, as an installed bin would. */
function mirrorctlShim(): string {
  const bin = join(work, 'bin');
  mkdirSync(bin, { recursive: true });
  const shim = join(bin, 'mirrorctl');
  writeFileSync(
    shim,
    `#!/bin/sh\nexec ${process.execPath} --import tsx ${join(repo, 'bin', 'mirrorctl.ts')} "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return bin;
}

describe('README', () => {
  it('has the two set-up commands, each one line', () => {
    expect(blocks.filter((b) => b.kind === 'demo').map((b) => b.lines)).toEqual([['npm ci && npm run demo']]);
    expect(blocks.filter((b) => b.kind === 'ci').map((b) => b.lines)).toEqual([['bash .ci/run']]);
  });

  it('documents the CI entry point that exists and runs unit and e2e tests', () => {
    const ci = readFileSync(join(repo, '.ci', 'run'), 'utf8');
    expect(ci.startsWith('#!/usr/bin/env bash')).toBe(true);
    expect(ci).toContain('npm test');
    expect(ci).toContain('npm run test:e2e');
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts.demo).toBe(
      'tsx scripts/demo.ts',
    );
  });

  const quickstarts = blocks
    .filter((b) => b.kind === 'run')
    .flatMap((b) => b.lines.map((line) => ({ line, exits: b.exits })));
  it('has quickstart commands for every example spec', () => {
    for (const spec of [
      'dpod.yaml',
      'dockerhub-cache.yaml',
      'harbor-proxy.yaml',
      'private-ca/mirrors.yaml',
    ]) {
      expect(
        quickstarts.some((q) => q.line.includes(`examples/${spec}`)),
        spec,
      ).toBe(true);
    }
  });

  it.each(quickstarts)(
    'quickstart: $line',
    async ({ line, exits }) => {
      const out = /--out (\S+)/.exec(line)?.[1];
      if (out) rmSync(out, { recursive: true, force: true });
      const env = { ...process.env, PATH: `${mirrorctlShim()}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };
      const r = await bash(line, repo, env, 60_000);
      expect(exits, r.out).toContain(r.code);
      if (out) {
        expect(existsSync(out), `${line} wrote nothing`).toBe(true);
        rmSync(dirname(out), { recursive: true, force: true });
      }
    },
    90_000,
  );

  // A fresh copy of the checkout (tracked and new files, no node_modules): `npm ci` installs from the
  // npm registry, then the whole demo runs — with the real containerd part when root and the
  // Debian packages are present, as in CI.
  it('runs the demo command in full on a fresh copy', async () => {
    const [line] = blocks.find((b) => b.kind === 'demo')?.lines ?? [];
    if (!line) throw new Error('README has no demo command');
    const copy = join(work, 'checkout');
    const { out: files } = await bash('git ls-files -co --exclude-standard -z', repo, process.env, 30_000);
    for (const file of files
      .split('\0')
      .map((f) => f.trim())
      .filter((f) => f && existsSync(join(repo, f)))) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(repo, file), join(copy, file));
    }
    const r = await bash(line, copy, { ...process.env, NO_COLOR: '1' }, 540_000);
    expect(r.code, r.out.slice(-4000)).toBe(0);
    expect(r.out).toMatch(/containerd-1\.6: after uninstall the tree is byte-identical/);
    expect(r.out).toMatch(/docker-24: after uninstall the tree is byte-identical/);
    if (
      process.getuid?.() === 0 &&
      existsSync('/usr/bin/containerd') &&
      existsSync('/usr/bin/docker-registry')
    ) {
      expect(r.out).toMatch(
        /"GET \/v2\/dpod\/cpopen\/demo-app\/manifests\/sha256:[0-9a-f]+\?ns=icr\.io HTTP\/1\.1" 200/,
      );
    }
  }, 600_000);
});
