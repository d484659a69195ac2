// Issue 15.3 on real containerd (1.6, 1.7, 2.1): `apply --no-runtime-action` writes config_path but
// containerd keeps running without it. status and verify say so (verify reads the CRI's own config),
// a later hosts.toml-only apply deferred again still reports it. Once the test restarts containerd by
// hand, verify on 1.x sees the CRI running with the config_path and clears the record; 2.x does not
// report its registry config over CRI, so verify says it cannot tell, and the next apply (allowed to
// act) restarts it and clears the record.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Containerd, containerdBinaries } from './harness/containerd.js';
import {
  CONTAINERD_CONFIG as CONFIG,
  type ContainerdNode,
  freshContainerdNode,
} from './harness/containerd-node.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';
import { cli, writeSpec } from './harness/product.js';
import type { RestartBridge } from './harness/restart-bridge.js';

const HOSTS_DIR = '/etc/containerd/certs.d';
let dir: string;
let mounts: NodeMounts;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-deferred-');
  mounts = await mountNodeDirs(join(dir, 'node'));
});
afterAll(async () => {
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(containerdBinaries())('containerd $version: a deferred restart', (binary) => {
  let ctd: ContainerdNode | undefined;
  let containerd: Containerd;
  let bridge: RestartBridge;
  beforeAll(async () => {
    ctd = await freshContainerdNode(binary, dir);
    ({ containerd, bridge } = ctd);
  });
  afterAll(async () => {
    await ctd?.stop();
  });

  it('is reported by status, verify and the next apply until done', async () => {
    const node = ['--root', '/', '--containerd-bin', join(binary.binDir, 'containerd')];
    const verify = ['verify', '--root', '/', '--cri-endpoint', containerd.endpoint];
    const reports = binary.version.startsWith('1.');
    const spec = writeSpec(join(dir, `one-${binary.version}.yaml`), [
      { source: 'docker.io', mirrors: [{ url: 'https://mirror.invalid' }] },
    ]);
    // GIVEN apply --no-runtime-action: config_path written, containerd not restarted
    const pid = containerd.pid();
    await cli(['apply', '-f', spec, ...node, '--no-runtime-action']);
    expect(readFileSync(CONFIG, 'utf8')).toContain(`config_path = "${HOSTS_DIR}"`);
    expect(containerd.pid()).toBe(pid);
    // THEN status reports the pending restart (exit 1)
    const status = await cli(['status', '--root', '/'], 1);
    expect(status.stdout).toMatch(/pending: restart of containerd deferred by --no-runtime-action/);
    // AND verify asks the real CRI: 1.x still runs without the config_path; 2.x does not say
    const before = await cli(verify, 1);
    expect(before.stdout).toMatch(
      reports
        ? /✗ runtime-action: restart of containerd .* is not done: CRI runs with config_path = ""/
        : /✗ runtime-action: restart of containerd .* is not done: the runtime does not report its registry config/,
    );
    // AND a hosts.toml-only apply (deferred again) still reports it and keeps it
    const spec2 = writeSpec(join(dir, `two-${binary.version}.yaml`), [
      { source: 'docker.io', mirrors: [{ url: 'https://mirror.invalid' }] },
      { source: 'quay.io', mirrors: [{ url: 'https://quay-mirror.invalid' }] },
    ]);
    const hostsOnly = await cli(['apply', '-f', spec2, ...node, '--no-runtime-action']);
    expect(hostsOnly.stderr).toContain('has not been performed: containerd still runs its previous config');
    expect(hostsOnly.stderr).toMatch(/restart: deferred \(--no-runtime-action\)/);
    await cli(['status', '--root', '/'], 1);
    // WHEN the operator restarts containerd (the test's own daemon, by hand)
    await containerd.restart();
    expect((await containerd.waitForCri()).ok, containerd.log()).toBe(true);
    if (reports) {
      // THEN verify observes the config_path through the CRI and clears the record
      const after = await cli(verify, 0);
      expect(after.stdout).toMatch(
        new RegExp(
          `✓ runtime-action: .*done — CRI loaded config_path = "${HOSTS_DIR}" \\(cleared from state.json\\)`,
        ),
      );
    } else {
      // THEN verify cannot tell (it says so and does not pass), and the next apply performs it
      await cli(verify, 1);
      const restarts = bridge.restarts();
      const control = ['--restart-command', bridge.command, '--cri-endpoint', containerd.endpoint];
      const owed = await cli(['apply', '-f', spec2, ...node, ...control]);
      expect(owed.stderr).toMatch(/✓ restart: containerd/);
      expect(bridge.restarts()).toBe(restarts + 1);
    }
    await cli(['status', '--root', '/'], 0);
    const plan = await cli(['plan', '-f', spec2, ...node], 0);
    expect(plan.stdout).toContain('✓ in sync');
  });
});
