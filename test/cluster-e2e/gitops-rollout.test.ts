// Cluster mode end to end, the GitOps way, with real processes only: `kubectl apply -k deploy/` (the
// real kubectl) installs mirrorctl on a simulated cluster whose five workers each run a REAL
// containerd 1.6; the controller (two replicas, Lease), the agents (DaemonSet pods) and the apply
// Jobs are the shipped CLI bundle as the manifests start them, under the RBAC deploy/ ships, while
// the API server stand-in injects 409/429/500s, drops watches and compacts history (harness/
// real-cluster.ts). Each case is a step of one operator's story on the same cluster; the evidence is
// the API server's own record (harness/timeline.ts) and the containerd daemons (PIDs, restarts).
// The last steps are the operator's CLI on the workstation (the same bundle, the admin kubeconfig):
// status, rollback and uninstall --cluster.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { snapshotDir } from '../cluster/agent/files.js';
import { NS, RealCluster } from './harness/real-cluster.js';
import { maxOverlap } from './harness/timeline.js';
import { describeCluster, statusOf, until, waitReady } from './harness/waits.js';

const WORKERS = ['w1', 'w2', 'w3', 'w4', 'w5'];
const ROLLOUT = { canary: 1, maxUnavailable: 2, soakSeconds: 3 };
const HOSTS = 'etc/containerd/certs.d/docker.io/hosts.toml';
const CONFIG = 'etc/containerd/config.toml';

let rc: RealCluster;
const revisions: string[] = [];
/** Each worker's /etc before mirrorctl came (uninstall must give exactly this back). */
const pristine = new Map<string, Record<string, string>>();

const file = (node: string, p: string) => readFileSync(join(rc.root(node), p), 'utf8');
const evidence = (line: string) => process.stdout.write(`[cluster evidence] ${line}\n`);
const restartCount = () => [...rc.containerd.values()].reduce((n, c) => n + c.restarts.length, 0);
const pids = () => new Map(WORKERS.map((w) => [w, rc.containerd.get(w)?.pid() ?? 0]));
const out = (r: { stdout: string; stderr: string }) => `${r.stdout}${r.stderr}`;
const etc = (node: string) => snapshotDir(join(rc.root(node), 'etc'));

beforeAll(async () => {
  rc = await RealCluster.start(
    inject('bundle'),
    WORKERS.map((name) => ({ name })),
  );
  for (const w of WORKERS) pristine.set(w, etc(w));
  // Someone else's namespace and object: nothing of mirrorctl's may touch them.
  await rc.kubectlSteps([
    ['create', 'namespace', 'team-a'],
    ['create', 'configmap', 'settings', '-n', 'team-a', '--from-literal=k=v'],
  ]);
}, 300_000);

afterAll(async () => {
  await rc?.close();
}, 120_000);

describe('GitOps: deploy/ applied with kubectl, mirrors.yaml edited', () => {
  it('first enablement (config_path needs a restart): the nodes restart in waves — the canary alone, then at most maxUnavailable at once, each wave soaked', async () => {
    const before = pids();
    rc.gitops.setMirrors({ name: 'lab', mirror: 'https://mirror-1.example.com', rollout: ROLLOUT });
    const { first, second } = await rc.gitops.install();
    // deploy/README.md: the first apply creates all but the MirrorSet, the second creates it.
    expect(first.stderr).toContain('ensure CRDs are installed first');
    expect(second).toContain('mirrorset.mirrorctl.io/lab created');
    rc.injectFaults();
    const rev = await waitReady(rc, 'lab');
    revisions.push(rev);

    for (const w of WORKERS) {
      expect(statusOf(rc.mirrorNode(w)), w).toMatchObject({ state: 'Applied', appliedRevision: rev });
      expect(file(w, CONFIG)).toContain('config_path = "/etc/containerd/certs.d"');
      expect(file(w, HOSTS)).toContain('https://mirror-1.example.com');
    }
    expect(statusOf(rc.mirrorSet('lab')).nodes).toMatchObject({ total: 5, updated: 5, ready: 5 });

    // The daemons: every containerd restarted exactly once, with a new PID …
    const restarts = [...rc.containerd.values()].flatMap((c) => c.restarts);
    expect(restarts.map((r) => r.node).sort()).toEqual(WORKERS);
    for (const r of restarts) {
      expect(r.ok).toBe(true);
      expect(r.pidAfter).not.toBe(before.get(r.node));
    }
    // … never more than maxUnavailable down at once, and the canary down alone, back before any other.
    expect(maxOverlap(restarts.map((r) => [r.at, r.upAt] as const))).toBeLessThanOrEqual(
      ROLLOUT.maxUnavailable,
    );
    const byStart = [...restarts].sort((a, b) => a.at - b.at);
    const [canary, ...rest] = byStart;
    for (const r of rest) expect(r.at).toBeGreaterThan(canary?.upAt ?? 0);

    // The API record: permits in waves (wave 0 = the canary), at most maxUnavailable permits open at
    // once, and every wave's first permit only after the previous wave soaked.
    const runs = rc.timeline.permitRuns(rev);
    expect(runs.map((r) => r.node).sort()).toEqual(WORKERS);
    expect(maxOverlap(runs.map((r) => [r.permitAt, r.appliedAt] as const))).toBeLessThanOrEqual(
      ROLLOUT.maxUnavailable,
    );
    const waves = new Map<number, typeof runs>();
    for (const r of runs) waves.set(r.wave, [...(waves.get(r.wave) ?? []), r]);
    const numbers = [...waves.keys()].sort((a, b) => a - b);
    expect(waves.get(numbers[0] ?? -1)?.length).toBe(ROLLOUT.canary);
    for (const n of numbers.slice(1))
      expect(waves.get(n)?.length).toBeLessThanOrEqual(ROLLOUT.maxUnavailable);
    for (let i = 1; i < numbers.length; i++) {
      const prev = waves.get(numbers[i - 1] ?? -1) ?? [];
      const next = waves.get(numbers[i] ?? -1) ?? [];
      const prevDone = Math.max(...prev.map((r) => r.appliedAt ?? Number.POSITIVE_INFINITY));
      const nextStart = Math.min(...next.map((r) => r.permitAt));
      // soakUntil is kept in whole seconds: up to one second early is the rounding, not a short soak.
      expect(nextStart - prevDone, describeCluster(rc, 'lab')).toBeGreaterThanOrEqual(
        ROLLOUT.soakSeconds * 1000 - 1000,
      );
    }
    // One apply Job per node for this revision, though Job creation met 500s.
    const jobs = rc.timeline.jobsFor(rev);
    expect(jobs.map((j) => j.node).sort()).toEqual(WORKERS);
    const t0 = byStart[0]?.at ?? 0;
    evidence(
      `first enablement: waves ${numbers.map((n) => `${n}:[${(waves.get(n) ?? []).map((r) => r.node).join(',')}]`).join(' ')}; containerd restarts ${byStart.map((r) => `${r.node} pid ${r.pidBefore}→${r.pidAfter} down ${r.at - t0}–${r.upAt - t0} ms`).join('; ')}; at most ${maxOverlap(restarts.map((r) => [r.at, r.upAt] as const))} down at once`,
    );
  });

  it('a hot change (hosts.toml only) reaches every node at once: no permit, no Job, no containerd restart', async () => {
    const before = pids();
    const restartsBefore = [...rc.containerd.values()].reduce((n, c) => n + c.restarts.length, 0);
    rc.gitops.setMirrors({ name: 'lab', mirror: 'https://mirror-2.example.com', rollout: ROLLOUT });
    const out = await rc.gitops.sync();
    expect(out).toContain('mirrorset.mirrorctl.io/lab configured');
    const rev = await waitReady(rc, 'lab');
    expect(rev).not.toBe(revisions[0]);
    revisions.push(rev);
    for (const w of WORKERS) expect(file(w, HOSTS)).toContain('https://mirror-2.example.com');
    expect(pids()).toEqual(before);
    expect([...rc.containerd.values()].reduce((n, c) => n + c.restarts.length, 0)).toBe(restartsBefore);
    expect(rc.timeline.permitRuns(rev)).toEqual([]);
    expect(rc.timeline.jobsFor(rev)).toEqual([]);
    const applied = [...rc.timeline.appliedAt(rev).values()];
    evidence(
      `hot change: ${applied.length} nodes Applied within ${Math.max(...applied) - Math.min(...applied)} ms, 0 restarts`,
    );
  });

  it('a node joining later gets the current revision: its own restart under a permit, nobody else restarts', async () => {
    const before = pids();
    const restartsBefore = restartCount();
    const w6 = await rc.addWorker({ name: 'w6' });
    pristine.set('w6', etc('w6'));
    const current = revisions.at(-1) ?? '';
    await until(
      () =>
        statusOf(rc.mirrorNode('w6')).appliedRevision === current &&
        statusOf(rc.mirrorNode('w6')).state === 'Applied',
      180_000,
      () => describeCluster(rc, 'lab'),
    );
    expect((rc.mirrorNode('w6')?.spec as { revision?: string } | undefined)?.revision).toBe(current);
    expect(file('w6', HOSTS)).toContain('https://mirror-2.example.com');
    expect(file('w6', CONFIG)).toContain('config_path = "/etc/containerd/certs.d"');
    expect(w6.restarts).toHaveLength(1);
    expect(rc.timeline.jobsFor(current).map((j) => j.node)).toEqual(['w6']);
    expect(pids()).toEqual(before);
    expect(restartCount()).toBe(restartsBefore + 1);
    await waitReady(rc, 'lab');
    expect(statusOf(rc.mirrorSet('lab')).nodes).toMatchObject({ total: 6, updated: 6, ready: 6 });
    evidence(
      `joining node w6: Applied ${current} after 1 restart (pid ${w6.restarts[0]?.pidBefore}→${w6.restarts[0]?.pidAfter}); the 5 others untouched`,
    );
  });

  it('on-disk drift is repaired by the agent (no restart), counted in MirrorNode status and the agent metric, with an Event', async () => {
    const good = file('w2', HOSTS);
    const restartsBefore = restartCount();
    writeFileSync(
      join(rc.root('w2'), HOSTS),
      good.replace('https://mirror-2.example.com', 'https://tampered.example.com'),
    );
    const tampered = Date.now();
    // inotify on the mounted config dir is the agent's hint; its drift interval (60 s) is the rule.
    await until(
      () => file('w2', HOSTS) === good,
      90_000,
      () => `${file('w2', HOSTS)}\n${describeCluster(rc, 'lab')}`,
    );
    const repairedAfter = Date.now() - tampered;
    // Within seconds, not the 60 s interval: the hint still works after the agent's own atomic writes.
    expect(repairedAfter).toBeLessThan(15_000);
    await until(
      () => Number(statusOf(rc.mirrorNode('w2')).driftRepairs) === 1,
      30_000,
      () => describeCluster(rc, 'lab'),
    );
    const countedAfter = Date.now() - tampered;
    expect(statusOf(rc.mirrorNode('w2'))).toMatchObject({ state: 'Applied', driftRepairs: 1 });
    expect(restartCount()).toBe(restartsBefore);
    const host = rc.c.kubelets.get('w2')?.opts.host;
    const metrics = await host?.fetch(9477, '/metrics', 5_000);
    expect(metrics?.body).toMatch(/^mirrorctl_drift_repairs_total\{node="w2"\} 1$/m);
    const events = rc.events('w2').map((e) => e.reason);
    expect(events).toContain('DriftRepaired');
    for (const w of WORKERS.filter((x) => x !== 'w2'))
      expect(statusOf(rc.mirrorNode(w)).driftRepairs ?? 0).toBe(0);
    evidence(
      `drift on w2 (hosts.toml tampered): rewritten by the agent after ${repairedAfter} ms, driftRepairs 1 after ${countedAfter} ms, mirrorctl_drift_repairs_total 1, Event DriftRepaired, 0 restarts`,
    );
  });
  it('`mirrorctl status --cluster` (the operator CLI): every node Applied at the current revision, exit 0', async () => {
    const r = await rc.mirrorctl(['status', '--cluster']);
    expect(r.code, out(r)).toBe(0);
    const current = revisions.at(-1) ?? '';
    for (const w of [...WORKERS, 'w6'])
      expect(r.stdout).toMatch(new RegExp(`^${w}\\s+lab\\s+Applied\\s+${current}`, 'm'));
    const json = await rc.mirrorctl(['status', '--cluster', '-o', 'json']);
    expect(json.code, out(json)).toBe(0);
    expect(json.stdout).toContain(current);
  });

  it('`mirrorctl rollback --cluster`: the previous revision everywhere (hosts.toml only: no restart), exit 0', async () => {
    const restartsBefore = restartCount();
    const r = await rc.mirrorctl(['rollback', '--cluster', '--timeout', '4m']);
    expect(r.code, `${out(r)}\n${describeCluster(rc, 'lab')}`).toBe(0);
    const rev = await waitReady(rc, 'lab');
    expect(rev).toBe(revisions[0]);
    for (const w of [...WORKERS, 'w6']) {
      expect(statusOf(rc.mirrorNode(w)), w).toMatchObject({ state: 'Applied', appliedRevision: rev });
      expect(file(w, HOSTS)).toContain('https://mirror-1.example.com');
    }
    expect(restartCount()).toBe(restartsBefore);
    evidence(`rollback --cluster: ${revisions[1]} → ${rev} on 6 nodes, 0 restarts`);
  });

  it('`mirrorctl uninstall --cluster --all`: every node byte-identical (restarts in waves again), only objects mirrorctl created deleted, its namespace Terminating until empty', async () => {
    const restartsBefore = [...rc.containerd.values()].map((c) => c.restarts.length);
    const writesBefore = rc.server.accounting.writes.length;
    let terminating = false;
    rc.server.onChange((_t, plural, obj) => {
      if (plural === 'namespaces' && obj.metadata.name === NS && obj.metadata.deletionTimestamp)
        terminating = true;
    });
    const r = await rc.mirrorctl(['uninstall', '--cluster', '--all', '--timeout', '5m']);
    expect(r.code, `${out(r)}\n${describeCluster(rc, 'lab')}`).toBe(0);
    for (const [w, files] of pristine) {
      expect(etc(w), w).toEqual(files);
      const state = join(rc.root(w), 'var/lib/mirrorctl');
      expect(existsSync(state) ? readdirSync(state) : [], w).toEqual([]);
    }
    // config.toml went back: a restart per node, again never more than maxUnavailable at once.
    const uninstallRestarts = [...rc.containerd.values()].flatMap((c, i) =>
      c.restarts.slice(restartsBefore[i]),
    );
    expect(uninstallRestarts.map((x) => x.node).sort()).toEqual([...WORKERS, 'w6']);
    expect(maxOverlap(uninstallRestarts.map((x) => [x.at, x.upAt] as const))).toBeLessThanOrEqual(
      ROLLOUT.maxUnavailable,
    );
    const deletes = rc.server.accounting.writes
      .slice(writesBefore)
      .filter((w) => w.verb === 'delete' && w.source === 'http' && w.status < 300);
    for (const d of deletes) {
      const labels = rc.timeline.labels.get(`${d.resource}/${d.namespace ?? ''}/${d.name}`) ?? {};
      const mine = labels['app.kubernetes.io/managed-by'] === 'mirrorctl' || d.resource === 'mirrorsets';
      expect(mine, `${d.user} deleted ${d.resource} ${d.namespace ?? ''}/${d.name}`).toBe(true);
    }
    expect(deletes.filter((d) => d.resource === 'nodes' || d.namespace === 'team-a')).toEqual([]);
    expect(rc.server.get('configmaps', 'team-a', 'settings')).toBeDefined();
    // deploy/'s namespace is mirrorctl's (labelled): deleted, Terminating until its pods are gone.
    expect(terminating).toBe(true);
    await until(
      () => rc.server.get('namespaces', undefined, NS) === undefined,
      120_000,
      () => JSON.stringify(rc.server.get('namespaces', undefined, NS)?.status),
    );
    evidence(
      `uninstall --cluster --all: 6 nodes byte-identical after ${uninstallRestarts.length} restarts (≤ ${ROLLOUT.maxUnavailable} at once); ${deletes.length} deletes, all of objects labelled managed-by mirrorctl; namespace ${NS} Terminating, then gone; team-a untouched`,
    );
  });
});
