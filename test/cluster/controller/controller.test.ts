// The real controller against the API server stand-in, with simulated agents and Jobs: GitOps spec
// changes hold waves, a killed leader is replaced without extra permits, a joining node gets the
// current revision, a failing node pauses, identical re-applies converge at once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cond, EVENTS, type Harness, MN, MS, mirrorSetObject, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const W = (n: number, behavior: 'hot' | 'restart' | 'reload' | 'fail' = 'restart') =>
  Array.from({ length: n }, (_, i) => ({ name: `w${i + 1}`, behavior }));

const set = (hh: Harness, name = 'lab') => hh.cluster.server.api.get(MS, undefined, name);
const ready = (hh: Harness, name = 'lab') => cond(set(hh, name), 'Ready')?.status === 'True';
const waitReady = (hh: Harness, name = 'lab', timeout = 30_000) =>
  vi.waitFor(() => expect(cond(set(hh, name), 'Ready')).toMatchObject({ status: 'True' }), {
    timeout,
    interval: 50,
  });

describe('controller', () => {
  it('a GitOps spec change holds waves: canary first, never more than maxUnavailable restarting', async () => {
    h = await startHarness(W(5));
    await h.startController('c-1');
    const rollout = { maxUnavailable: 2, canary: 1, soakSeconds: 1 };
    h.cluster.server.api.create(MS, mirrorSetObject('lab', 'https://m1.example.com', rollout));
    await waitReady(h);
    expect(h.agents.maxActiveRestarts).toBe(2);
    const first = [...h.agents.jobsPerNode.values()].flat();
    expect(first).toHaveLength(5);
    // The spec changes in Git; the API server gets the new document.
    h.agents.maxActiveRestarts = 0;
    h.cluster.server.api.mutate(MS, undefined, 'lab', (o) => {
      o.spec = mirrorSetObject('lab', 'https://m2.example.com', rollout).spec;
      return undefined;
    });
    await vi.waitFor(() => expect(set(h as Harness)?.status).toMatchObject({ observedGeneration: 2 }), {
      timeout: 10_000,
    });
    await waitReady(h);
    expect(h.agents.maxActiveRestarts).toBe(2);
    const status = set(h)?.status as { nodes: unknown; history: unknown[]; wave: { number: number } };
    expect(status.nodes).toEqual({ total: 5, updated: 5, ready: 5, pendingRestart: 0, failed: 0 });
    expect(status.history).toHaveLength(2);
    expect(status.wave.number).toBe(2);
    const events = h.cluster.server.api.list(EVENTS, { namespace: 'default' }).map((e) => e.reason);
    expect(events.filter((r) => r === 'WaveStarted')).toHaveLength(6);
    expect(h.cluster.server.api.list('controllerrevisions', { namespace: 'mirrorctl' })).toHaveLength(2);
    for (const n of h.cluster.nodes.names())
      expect(h.cluster.nodes.get(n)?.metadata.labels?.['mirrorctl.io/target']).toBe('containerd');
  });

  it('the leader killed mid-wave: the standby takes the Lease and continues without extra permits', async () => {
    h = await startHarness(W(4));
    h.agents.jobMs = 1_500;
    const a = await h.startController('c-a');
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), { timeout: 5_000 });
    const b = await h.startController('c-b');
    h.cluster.server.api.create(
      MS,
      mirrorSetObject('lab', 'https://m1.example.com', { maxUnavailable: 2, canary: 1, soakSeconds: 0 }),
    );
    // Wait until wave 1 (two nodes) runs, then kill the leader without a goodbye.
    await vi.waitFor(
      () => expect((set(h as Harness)?.status as { wave?: { number: number } })?.wave?.number).toBe(1),
      { timeout: 15_000 },
    );
    a.crash();
    expect(b.isLeader()).toBe(false);
    await vi.waitFor(() => expect(b.isLeader()).toBe(true), { timeout: 5_000 });
    await waitReady(h);
    for (const [, jobs] of h.agents.jobsPerNode) expect(jobs).toHaveLength(1);
    expect(h.agents.maxActiveRestarts).toBeLessThanOrEqual(2);
    const lease = h.cluster.server.api.get(
      { group: 'coordination.k8s.io', plural: 'leases' },
      'mirrorctl',
      'mirrorctl-controller',
    );
    expect(lease?.spec).toMatchObject({ holderIdentity: 'c-b', leaseTransitions: 1 });
  });

  it('a standby does nothing; a leader stopping gracefully releases the Lease at once', async () => {
    h = await startHarness(W(1, 'hot'));
    const a = await h.startController('c-a');
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), { timeout: 5_000 });
    const b = await h.startController('c-b');
    h.cluster.server.api.create(MS, mirrorSetObject('lab', 'https://m1.example.com'));
    await waitReady(h);
    expect(b.isLeader()).toBe(false);
    expect(b.ready()).toBe(true);
    const t0 = Date.now();
    await a.stop();
    await vi.waitFor(() => expect(b.isLeader()).toBe(true), { timeout: 5_000 });
    // Well within the 2 s lease: the released Lease has no holder.
    expect(Date.now() - t0).toBeLessThan(1_500);
    await expect(b.metrics.leader.get()).resolves.toMatchObject({ values: [{ value: 1 }] });
  });

  it('a leader that cannot renew its Lease stops acting within the renew deadline', async () => {
    h = await startHarness(W(2));
    h.agents.jobMs = 60_000;
    const a = await h.startController('c-a');
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), { timeout: 5_000 });
    const server = h.cluster.server;
    server.api.create(MS, mirrorSetObject('lab', 'https://m1.example.com', { canary: 0, soakSeconds: 0 }));
    await vi.waitFor(() => expect(h?.agents.jobsPerNode.size).toBe(1), { timeout: 10_000 });
    server.faults.push({ verb: 'update', resource: 'leases', status: 500 });
    const t0 = Date.now();
    await vi.waitFor(() => expect(a.isLeader()).toBe(false), { timeout: 5_000, interval: 20 });
    // renewDeadline 1.5 s after the last renewal (at most one retry period before the fault).
    expect(Date.now() - t0).toBeLessThan(1_500 + 300);
    const writes = () =>
      server.accounting.requests.filter(
        (r) => !['get', 'list', 'watch'].includes(r.verb) && r.resource !== 'leases',
      ).length;
    const before = writes();
    // A new revision: a leader would write every MirrorNode at once. This one must not.
    server.api.mutate(MS, undefined, 'lab', (o) => {
      o.spec = mirrorSetObject('lab', 'https://m2.example.com', { canary: 0, soakSeconds: 0 }).spec;
      return undefined;
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(writes()).toBe(before);
    expect(a.ready()).toBe(true); // a standby is ready
  });

  it('a node joining later gets the current revision', async () => {
    h = await startHarness(W(2, 'hot'));
    await h.startController('c-1');
    h.cluster.server.api.create(MS, mirrorSetObject('lab', 'https://m1.example.com', { soakSeconds: 0 }));
    await waitReady(h);
    const revision = (set(h)?.status as { revision?: string } | undefined)?.revision;
    h.agents.behavior.set('w9', 'restart');
    h.cluster.nodes.add({ name: 'w9' });
    await vi.waitFor(
      () =>
        expect(h?.cluster.server.api.get(MN, undefined, 'w9')?.status).toMatchObject({
          state: 'Applied',
          appliedRevision: revision,
        }),
      { timeout: 15_000 },
    );
    await waitReady(h);
    expect(h.cluster.server.api.get(MN, undefined, 'w9')?.metadata.ownerReferences).toMatchObject([
      { kind: 'Node', name: 'w9' },
    ]);
    expect(h.cluster.nodes.get('w9')?.metadata.labels?.['mirrorctl.io/target']).toBe('containerd');
  });

  it('a failing node pauses the rollout (condition + Event); a resume annotation retries it with a new Job', async () => {
    h = await startHarness([{ name: 'w1', behavior: 'fail' }, ...W(3).slice(1)]);
    await h.startController('c-1');
    h.cluster.server.api.create(MS, mirrorSetObject('lab', 'https://m1.example.com', { soakSeconds: 0 }));
    await vi.waitFor(
      () => expect(cond(set(h as Harness), 'Paused')).toMatchObject({ status: 'True', reason: 'WaveFailed' }),
      { timeout: 15_000 },
    );
    expect(cond(set(h), 'Ready')).toMatchObject({ status: 'False', reason: 'Paused' });
    // Events are written after the status (best effort, their own requests): wait for them.
    const events = () => (h as Harness).cluster.server.api.list(EVENTS, { namespace: 'default' });
    await vi.waitFor(() => {
      expect(events().find((e) => e.reason === 'Paused')).toMatchObject({
        type: 'Warning',
        regarding: { kind: 'MirrorSet', name: 'lab' },
      });
      expect(events().find((e) => e.reason === 'NodeRolledBack')?.note).toContain('w1');
    }, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect([...h.agents.jobsPerNode.keys()]).toEqual(['w1']);
    h.agents.behavior.set('w1', 'restart');
    h.cluster.server.api.mutate(MS, undefined, 'lab', (o) => {
      o.metadata.annotations = { 'mirrorctl.io/resume': 'fixed-1' };
      return undefined;
    });
    await waitReady(h, 'lab', 40_000);
    expect(h.agents.jobsPerNode.get('w1')).toHaveLength(2);
    expect((set(h)?.status as { observedResumeToken?: string } | undefined)?.observedResumeToken).toBe(
      'fixed-1',
    );
  }, 60_000);

  it('an identical spec re-applied converges at once: no write, no wait', async () => {
    h = await startHarness(W(3));
    await h.startController('c-1');
    h.cluster.server.api.create(MS, mirrorSetObject('lab', 'https://m1.example.com', { soakSeconds: 0 }));
    await waitReady(h);
    await new Promise((r) => setTimeout(r, 500)); // the reconcile that wrote Ready has finished
    const writes = () =>
      (h as Harness).cluster.server.accounting.requests.filter(
        (r) => !['get', 'list', 'watch'].includes(r.verb) && r.resource !== 'leases',
      ).length;
    const before = writes();
    const t0 = Date.now();
    // kubectl apply of the same document: the generation stays, only the resourceVersion moves.
    h.cluster.server.api.mutate(MS, undefined, 'lab', (o) => {
      o.metadata.labels = { applied: 'again' };
      return undefined;
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(ready(h)).toBe(true);
    expect(writes() - before).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});
