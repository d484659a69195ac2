// Issue 15.3 through the CLI: `apply --no-runtime-action` leaves containerd on its old config; status,
// plan, verify and the next apply say so until an apply restarts it or verify sees the CRI running
// with the config_path (a fake CRI on a unix socket stands in for containerd; the real one is in
// test/e2e/apply-containerd-deferred.test.ts).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/testing.js';
import { type FakeCri, startFakeCri } from '../faults/fake-cri.js';

const REPO = join(import.meta.dirname, '../..');
const SPEC = join(REPO, 'examples/demo.yaml');
const base = mkdtempSync(join(tmpdir(), 'mirrorctl-deferred-'));
// The same spec plus one hosts.toml-only entry: applying it needs no restart of its own.
const SPEC2 = join(base, 'more.yaml');
let cri: FakeCri;
let seq = 0;

beforeAll(async () => {
  cri = await startFakeCri(join(base, 'cri.sock'));
  writeFileSync(
    SPEC2,
    `${readFileSync(SPEC, 'utf8')}    - source: quay.io\n      mirrors:\n        - url: https://quay-cache.example.com\n`,
  );
});
afterAll(() => {
  cri?.stop();
  rmSync(base, { recursive: true, force: true });
});

function deferredNode(): { root: string; node: string[] } {
  const root = join(base, `node-${++seq}`);
  cpSync(join(REPO, 'examples/nodes/containerd-1.6'), root, { recursive: true });
  return { root, node: ['--root', root, '--runtime-version', '1.6.20'] };
}
const restarts = (root: string) =>
  existsSync(`${root}.restarts`) ? readFileSync(`${root}.restarts`, 'utf8').split('\n').length - 1 : 0;

describe('apply --no-runtime-action', () => {
  test('status, plan and the next apply report the restart; a hosts.toml-only apply performs it', async () => {
    const { root, node } = deferredNode();
    const first = await runCli(['apply', '-f', SPEC, ...node, '--no-runtime-action']);
    expect(first.code, first.stderr).toBe(0);
    expect(restarts(root)).toBe(0);
    // THEN status says containerd still runs the old config (exit 1), not "all is well"
    const status = await runCli(['status', '--root', root]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/pending: restart of containerd deferred by --no-runtime-action at \S+/);
    // AND the plan of a hosts.toml-only change includes the owed restart
    const plan = await runCli(['plan', '-f', SPEC2, ...node]);
    expect(plan.stdout).toMatch(/runtime: restart containerd \(restart of containerd deferred/);
    expect(plan.stderr).toContain('has not been performed: containerd still runs its previous config');
    // AND applying it restarts containerd (and health-checks it), then nothing is pending
    cri.configPath = '/etc/containerd/certs.d'; // what containerd reports once restarted
    const apply = await runCli([
      'apply',
      '-f',
      SPEC2,
      ...node,
      '--restart-command',
      `echo restart >> ${root}.restarts`,
      '--cri-endpoint',
      cri.endpoint,
    ]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(restarts(root)).toBe(1);
    expect(apply.stderr).toMatch(/✓ health: containerd/);
    expect((await runCli(['status', '--root', root])).code).toBe(0);
  });

  test('with nothing else to change, apply still performs the owed restart', async () => {
    const { root, node } = deferredNode();
    await runCli(['apply', '-f', SPEC, ...node, '--no-runtime-action']);
    const plan = await runCli(['plan', '-f', SPEC, ...node]);
    expect(plan.stdout).not.toContain('✓ in sync');
    expect(plan.stdout).toContain('containerd still owes a restart');
    expect(plan.code).toBe(1);
    cri.configPath = '/etc/containerd/certs.d'; // what containerd reports once restarted
    const again = await runCli([
      'apply',
      '-f',
      SPEC,
      ...node,
      '--restart-command',
      `echo restart >> ${root}.restarts`,
      '--cri-endpoint',
      cri.endpoint,
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(restarts(root)).toBe(1);
    expect((await runCli(['status', '--root', root])).code).toBe(0);
    const quiet = await runCli(['plan', '-f', SPEC, ...node]);
    expect(quiet.stdout).toContain('✓ in sync');
  });

  test('verify fails until the CRI runs with the config_path, then sees it done and clears it', async () => {
    const { root, node } = deferredNode();
    await runCli(['apply', '-f', SPEC, ...node, '--no-runtime-action']);
    // A hosts.toml-only apply deferred again keeps what would show the restart done.
    expect((await runCli(['apply', '-f', SPEC2, ...node, '--no-runtime-action'])).code).toBe(0);
    cri.configPath = '';
    const before = await runCli(['verify', '--root', root, '--cri-endpoint', cri.endpoint]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(
      /✗ runtime-action: restart of containerd .* is not done: CRI runs with config_path = ""/,
    );
    // WHEN containerd is restarted by hand (the fake now reports the new config_path)
    cri.configPath = '/etc/containerd/certs.d';
    const after = await runCli(['verify', '--root', root, '--cri-endpoint', cri.endpoint]);
    expect(after.stdout).toMatch(
      /✓ runtime-action: .*done — CRI loaded config_path = "\/etc\/containerd\/certs.d" \(cleared from state.json\)/,
    );
    expect(after.code, after.stdout).toBe(0);
    expect((await runCli(['status', '--root', root])).code).toBe(0);
    expect(restarts(root)).toBe(0);
  });
});
