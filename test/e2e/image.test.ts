// scripts/build-image.sh builds the one mirrorctl image offline (inside the e2e network namespace:
// no network at all) into a private podman store, and the image runs: the CLI with the verbs the
// pods call, util-linux nsenter and flock, the CA bundle — as root and as the controller's uid with
// a read-only root filesystem and no capabilities, as the pods run it. No shell in the image.
// podman runs containers here only with runc and rlimits below the hard limits
// (../shared/reference/verified-on-debian12.md), hence the containers.conf below.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/version.js';
import { COMMAND, IMAGE_PATHS, imageRef } from '../../src/cluster/api/pod-contract.js';
import { CONTROLLER_UID } from '../../src/cluster/manifests-controller.js';
import { run } from './harness/exec.js';

const repo = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-image-'));
const store = ['--root', join(dir, 'root'), '--runroot', join(dir, 'runroot'), '--storage-driver', 'vfs'];
const podmanCmd = ['podman', ...store, '--cgroup-manager', 'cgroupfs', '--events-backend', 'none'];
const env = { CONTAINERS_CONF: join(dir, 'containers.conf'), TMPDIR: dir };
const IMAGE = imageRef(VERSION);

const podmanRun = (args: string[]) =>
  run([...podmanCmd, 'run', '--rm', '--network', 'none', ...args], { env, timeoutMs: 120_000 });

let build: { code: number; stdout: string; stderr: string };
beforeAll(async () => {
  writeFileSync(
    env.CONTAINERS_CONF,
    '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]\n[engine]\nruntime = "runc"\n',
  );
  build = await run([join(repo, 'scripts/build-image.sh')], {
    env: { ...env, PODMAN: podmanCmd.join(' ') },
    timeoutMs: 240_000,
  });
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/build-image.sh (offline, podman import)', () => {
  it('builds ghcr.io/mirrorctl/mirrorctl:<version> and records its id and digest', () => {
    expect(build.stderr + build.stdout).not.toMatch(/error/i);
    expect(build.code).toBe(0);
    expect(build.stdout).toContain(`image:  ${IMAGE}`);
    const record = JSON.parse(readFileSync(join(repo, 'dist/image/image.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(record.image).toBe(IMAGE);
    expect(record.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(build.stdout).toContain(record.digest);
    console.log(`[e2e evidence] built ${IMAGE} id ${record.id} digest ${record.digest}`);
  });

  it('runs the CLI as the pods do (explicit command, read-only root, no capabilities)', async () => {
    const r = await podmanRun([
      '--read-only',
      '--cap-drop',
      'ALL',
      '--entrypoint',
      COMMAND[0] ?? '',
      IMAGE,
      ...COMMAND.slice(1),
      '--version',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(VERSION);
    const agent = await podmanRun(['--read-only', '--cap-drop', 'ALL', IMAGE, 'agent', '--help']);
    expect(agent.code).toBe(0);
    expect(agent.stdout).toContain('Usage: mirrorctl agent');
  });

  it('runs as the controller uid with a read-only root filesystem', async () => {
    const r = await podmanRun([
      '--read-only',
      '--cap-drop',
      'ALL',
      '--user',
      String(CONTROLLER_UID),
      IMAGE,
      '--version',
    ]);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('carries nsenter, flock and the CA bundle, and no shell', async () => {
    for (const tool of [IMAGE_PATHS.nsenter, IMAGE_PATHS.flock]) {
      const r = await podmanRun(['--entrypoint', tool, IMAGE, '--version']);
      expect(r.stdout, tool).toMatch(/from util-linux/);
    }
    const ca = await podmanRun([
      '--entrypoint',
      IMAGE_PATHS.node,
      IMAGE,
      '-e',
      `process.stdout.write(String(require('fs').readFileSync('${IMAGE_PATHS.caBundle}','utf8').includes('BEGIN CERTIFICATE')))`,
    ]);
    expect(ca.stdout).toBe('true');
    const sh = await podmanRun(['--entrypoint', '/bin/sh', IMAGE, '-c', 'true']);
    expect(sh.code).not.toBe(0);
  });
});
