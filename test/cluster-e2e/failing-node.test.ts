// The CLI path with real processes only (see harness/real-cluster.ts): a platform team that owns the
// `mirrorctl` namespace (created by them, with their own ConfigMap in it) runs `mirrorctl install`,
// then `mirrorctl rollout -f mirrors.yaml`. The canary's containerd imports a file the agent's pod
// cannot see (outside /etc/containerd) that sets legacy registry mirrors: containerd 1.6 lets an
// imported file's plugin table replace the main file's, so after the restart the real daemon runs its
// CRI plugin without the config_path mirrorctl wrote — the Job's health check (CRI status) sees it and
// rolls back. The rollout pauses and says why; nodes selected while paused
// get no permit; after the operator fixes the node, `rollout --resume` continues; `uninstall
// --cluster --all` gives every node its bytes back and deletes only what mirrorctl created.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { snapshotDir } from '../cluster/agent/files.js';
import { BASE_CONFIG, OS_RELEASE } from './harness/node-containerd.js';
import { NS, RealCluster } from './harness/real-cluster.js';
import { maxOverlap } from './harness/timeline.js';
import { conditionOf, describeCluster, statusOf, until } from './harness/waits.js';

const WORKERS = ['w1', 'w2', 'w3'];
const LEGACY = '/etc/containerd-extra/legacy-mirrors.toml';
const LEGACY_MIRRORS = `version = 2
[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
  endpoint = ["https://legacy.example.com"]
`;
let rc: RealCluster;
let spec: string;
const before = new Map<string, Record<string, string>>();
const evidence = (line: string) => process.stdout.write(`[cluster evidence] ${line}\n`);
const out = (r: { stdout: string; stderr: string }) => `${r.stdout}${r.stderr}`;

beforeAll(async () => {
  rc = await RealCluster.start(inject('bundle'), [
    {
      name: 'w1',
      files: {
        '/etc/containerd/config.toml': `${BASE_CONFIG}imports = ["${LEGACY}"]\n`,
        [LEGACY]: LEGACY_MIRRORS,
        '/etc/os-release': OS_RELEASE,
      },
    },
    { name: 'w2' },
    { name: 'w3' },
  ]);
  for (const w of WORKERS) before.set(w, snapshotDir(join(rc.root(w), 'etc')));
  spec = join(rc.work, 'mirrors.yaml');
  writeFileSync(
    spec,
    stringify({
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorSet',
      metadata: { name: 'lab' },
      spec: {
        nodeSelector: { matchLabels: { pool: 'mirrors' } },
        registries: [{ source: 'docker.io', mirrors: [{ url: 'https://mirror.example.com' }] }],
        rollout: { canary: 1, maxUnavailable: 1, soakSeconds: 2 },
      },
    }),
  );
  // The platform team's namespace and their own object in it, before mirrorctl arrives.
  await rc.kubectlSteps([
    ['create', 'namespace', NS],
    ['create', 'configmap', 'team-notes', '-n', NS, '--from-literal=owner=platform'],
    ['label', 'node', 'w1', 'pool=mirrors'],
  ]);
}, 300_000);

afterAll(async () => {
  await rc?.close();
}, 120_000);

describe('a failing node pauses the rollout; resume after the fix; uninstall', () => {
  it("install into the team namespace, rollout: the canary's containerd does not take the config → rolled back, Paused (WaveFailed) naming it, exit 3", async () => {
    const install = await rc.mirrorctl(['install']);
    expect(install.code, out(install)).toBe(0);
    const ns = rc.server.get('namespaces', undefined, NS);
    expect(ns?.metadata.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
    rc.injectFaults();

    const r = await rc.mirrorctl(['rollout', '-f', spec, '--timeout', '4m']);
    expect(r.code, `${out(r)}\n${describeCluster(rc, 'lab')}`).toBe(3);
    expect(out(r)).toContain('w1');
    const ms = rc.mirrorSet('lab');
    expect(conditionOf(ms, 'Paused')).toMatchObject({ status: 'True', reason: 'WaveFailed' });
    expect(conditionOf(ms, 'Paused')?.message).toContain('w1');
    expect(conditionOf(ms, 'Degraded')?.status).toBe('True');
    const s = statusOf(rc.mirrorNode('w1'));
    expect(s.state).toBe('RolledBack');
    expect(String(s.message)).toContain('CRI runs with config_path = "", not "/etc/containerd/certs.d"');
    // Forward and back: two real restarts. containerd's own log of each CRI start: after the forward
    // restart it ran with the imported legacy mirrors and no config_path.
    const w1 = rc.containerd.get('w1');
    expect(w1?.restarts).toHaveLength(2);
    const starts = (w1?.log() ?? '').split('\n').filter((l) => l.includes('Start cri plugin'));
    expect(starts).toHaveLength(3);
    expect(starts[1]).toContain(
      'Registry:{ConfigPath: Mirrors:map[docker.io:{Endpoints:[https://legacy.example.com]}]',
    );
    await w1?.waitUp();
    expect(snapshotDir(join(rc.root('w1'), 'etc'))).toEqual(before.get('w1'));
    evidence(
      `canary w1 rolled back: ${String(s.message).split('\n')[0]}; rollout exit 3: ${out(r).trim().split('\n').at(-1)}`,
    );
  });

  it('nodes selected while the rollout is paused get no permit: PendingRestart, untouched', async () => {
    const r = await rc.kubectl(['label', 'node', 'w2', 'w3', 'pool=mirrors']);
    expect(r.code, out(r)).toBe(0);
    await until(
      () => ['w2', 'w3'].every((n) => statusOf(rc.mirrorNode(n)).state === 'PendingRestart'),
      120_000,
      () => describeCluster(rc, 'lab'),
    );
    // Several reconciles (resync, status writes) later, still nothing for them.
    await new Promise((res) => setTimeout(res, 8_000));
    const revision = String(statusOf(rc.mirrorSet('lab')).revision);
    for (const n of ['w2', 'w3']) {
      expect(rc.timeline.grants(revision).get(n), n).toBeUndefined();
      expect(rc.containerd.get(n)?.restarts, n).toEqual([]);
      expect(snapshotDir(join(rc.root(n), 'etc')), n).toEqual(before.get(n));
    }
    const status = await rc.mirrorctl(['status', '--cluster']);
    expect(status.code, out(status)).not.toBe(0);
    expect(out(status)).toMatch(/Paused/);
    expect(out(status)).toMatch(/^w1\s+lab\s+RolledBack\s/m);
  });

  it('fixed on the node, `rollout --resume` continues: w1 retried with a new Job, then w2 and w3 in waves, exit 0', async () => {
    expect(snapshotDir(join(rc.root('w1'), 'etc'))).toEqual(before.get('w1'));
    writeFileSync(join(rc.root('w1'), LEGACY), 'version = 2\n');
    // The operator's fix is part of the node's own state from now on.
    before.set('w1', snapshotDir(join(rc.root('w1'), 'etc')));
    const r = await rc.mirrorctl(['rollout', '-f', spec, '--resume', '--timeout', '5m']);
    expect(r.code, `${out(r)}\n${describeCluster(rc, 'lab')}`).toBe(0);
    const revision = String(statusOf(rc.mirrorSet('lab')).revision);
    for (const n of WORKERS)
      expect(statusOf(rc.mirrorNode(n)), n).toMatchObject({ state: 'Applied', appliedRevision: revision });
    const jobs = rc.timeline.jobsFor(revision);
    expect(jobs.filter((j) => j.node === 'w1')).toHaveLength(2);
    expect(new Set(jobs.filter((j) => j.node === 'w1').map((j) => j.name)).size).toBe(2);
    expect(
      jobs
        .filter((j) => j.node !== 'w1')
        .map((j) => j.node)
        .sort(),
    ).toEqual(['w2', 'w3']);
    const restarts = WORKERS.flatMap((n) => rc.containerd.get(n)?.restarts ?? []);
    expect(maxOverlap(restarts.map((x) => [x.at, x.upAt] as const))).toBe(1);
    expect(conditionOf(rc.mirrorSet('lab'), 'Paused')?.status).toBe('False');
    evidence(
      `resumed: w1 retried (${jobs
        .filter((j) => j.node === 'w1')
        .map((j) => j.name)
        .join(', ')}), then w2, w3 one at a time; rollout --resume exit 0`,
    );
  });

  it('uninstall --cluster --all: every node byte-identical, only objects mirrorctl created deleted, the team namespace and its ConfigMap kept', async () => {
    const writesBefore = rc.server.accounting.writes.length;
    const r = await rc.mirrorctl(['uninstall', '--cluster', '--all', '--timeout', '5m']);
    expect(r.code, `${out(r)}\n${describeCluster(rc, 'lab')}`).toBe(0);
    for (const n of WORKERS) {
      expect(snapshotDir(join(rc.root(n), 'etc')), n).toEqual(before.get(n));
      const state = join(rc.root(n), 'var/lib/mirrorctl');
      expect(existsSync(state) ? readdirSync(state) : [], n).toEqual([]);
    }
    // Whose objects were deleted: each carried managed-by mirrorctl, or is the MirrorSet itself.
    const deletes = rc.server.accounting.writes
      .slice(writesBefore)
      .filter((w) => w.verb === 'delete' && w.source === 'http' && w.status < 300);
    expect(deletes.length).toBeGreaterThan(0);
    for (const d of deletes) {
      const labels = rc.timeline.labels.get(`${d.resource}/${d.namespace ?? ''}/${d.name}`) ?? {};
      const mine = labels['app.kubernetes.io/managed-by'] === 'mirrorctl' || d.resource === 'mirrorsets';
      expect(mine, `${d.user} deleted ${d.resource} ${d.namespace ?? ''}/${d.name}`).toBe(true);
    }
    expect(deletes.filter((d) => d.resource === 'namespaces' || d.resource === 'nodes')).toEqual([]);
    expect(rc.server.get('namespaces', undefined, NS)).toBeDefined();
    expect(rc.server.get('configmaps', NS, 'team-notes')).toBeDefined();
    expect(
      rc.server.list('customresourcedefinitions').filter((c) => c.metadata.name.endsWith('mirrorctl.io')),
    ).toEqual([]);
    evidence(
      `uninstall --all: 3 nodes byte-identical; ${deletes.length} deletes, all of objects labelled managed-by mirrorctl (${[...new Set(deletes.map((d) => d.resource))].join(', ')}); namespace ${NS} and ConfigMap team-notes kept`,
    );
  });
});
