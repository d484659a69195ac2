// The controller's decisions, table-driven on an in-memory cluster (pure-cluster.ts): waves, canary,
// percent maxUnavailable, soak, pause/resume, conflicts, uninstall progression, and that every
// decision is rebuilt from the API objects alone (what a restarted controller does).
import { describe, expect, it } from 'vitest';
import { jobNameFor } from '../../../src/cluster/controller/names.js';
import { mirrorSet, revisionOfSet } from './fixtures.js';
import { type Behavior, PureCluster } from './pure-cluster.js';

function cluster(behaviors: Behavior[], names?: string[]): PureCluster {
  const c = new PureCluster();
  for (const [i, b] of behaviors.entries()) c.addNode(names?.[i] ?? `w${i + 1}`, b);
  return c;
}

/** Wave number of each node's permit after the rollout. */
const waves = (c: PureCluster) =>
  Object.fromEntries([...c.mns].filter(([, m]) => m.spec.permit).map(([n, m]) => [n, m.spec.permit?.wave]));

describe('restart waves', () => {
  it.each([
    // maxUnavailable, canary, nodes, expected max concurrent restarts, expected wave of each node
    [2, 1, 7, 2, { w1: 0, w2: 1, w3: 1, w4: 2, w5: 2, w6: 3, w7: 3 }],
    [1, 0, 3, 1, { w1: 1, w2: 2, w3: 3 }],
    [3, 2, 6, 3, { w1: 0, w2: 0, w3: 1, w4: 1, w5: 1, w6: 2 }],
    // Nodes go by name: w10 sorts before w2.
    ['30%', 1, 10, 3, { w1: 0, w10: 1, w2: 1, w3: 1, w4: 2, w5: 2, w6: 2, w7: 3, w8: 3, w9: 3 }],
    ['5%', 1, 4, 1, { w1: 0, w2: 1, w3: 2, w4: 3 }],
  ] as const)(
    'maxUnavailable %s, canary %s, %s nodes: at most %s at once, canary first',
    (maxUnavailable, canary, n, max, expected) => {
      const c = cluster(Array.from({ length: n }, () => 'restart' as const));
      c.apply(mirrorSet('lab', { rollout: { maxUnavailable, canary, soakSeconds: 30 } }));
      c.run(() => c.ready('lab'), 2000);
      expect(c.maxActiveRestarts).toBe(max);
      expect(waves(c)).toEqual(expected);
      expect(c.restartOrder.length).toBe(n);
    },
  );

  it('each wave waits soakSeconds after its nodes applied before the next starts', () => {
    const c = cluster(['restart', 'restart', 'restart']);
    c.apply(mirrorSet('lab', { rollout: { soakSeconds: 120 } }));
    const started: Record<string, number> = {};
    const applied: Record<string, number> = {};
    for (let i = 0; i < 1000 && !c.ready('lab'); i++) {
      c.reconcile('lab');
      for (const j of c.jobs.values()) started[j.node] ??= j.createdAt;
      c.agents();
      for (const [n, m] of c.mns) if (m.status?.state === 'Applied') applied[n] ??= c.now;
      c.now += 1000;
    }
    expect(c.ready('lab')).toBe(true);
    expect((started.w2 ?? 0) - (applied.w1 ?? 0)).toBeGreaterThanOrEqual(120_000);
    expect((started.w3 ?? 0) - (applied.w2 ?? 0)).toBeGreaterThanOrEqual(120_000);
    expect(c.events.filter((e) => e.startsWith('WaveStarted'))).toHaveLength(3);
    expect(c.events.filter((e) => e.startsWith('WaveCompleted'))).toHaveLength(3);
  });

  it('hot changes reach every node at once: no Job, no wave', () => {
    const c = cluster(['hot', 'hot', 'hot', 'hot']);
    c.apply(mirrorSet('lab'));
    const steps = c.run(() => c.ready('lab'));
    expect(steps).toBeLessThanOrEqual(2);
    expect(c.jobs.size).toBe(0);
    expect(c.status('lab')?.wave).toBeUndefined();
    expect(c.status('lab')?.nodes).toEqual({ total: 4, updated: 4, ready: 4, pendingRestart: 0, failed: 0 });
  });

  it('reloads go to every node at once, outside the waves', () => {
    const c = cluster(['reload', 'reload', 'reload', 'restart']);
    c.apply(mirrorSet('lab', { rollout: { soakSeconds: 600 } }));
    c.reconcile('lab');
    c.agents();
    const plan = c.reconcile('lab');
    expect(plan?.jobs.filter((j) => j.action === 'reload').map((j) => j.node)).toEqual(['w1', 'w2', 'w3']);
    expect(plan?.jobs.filter((j) => j.action === 'restart').map((j) => j.node)).toEqual(['w4']);
    expect(plan?.jobs.find((j) => j.node === 'w1')?.name).toBe(
      jobNameFor('w1', revisionOfSet(mirrorSet('lab', { rollout: { soakSeconds: 600 } })), {
        mode: 'apply',
        action: 'reload',
        attempt: 1,
      }),
    );
  });

  it('NotReady selected nodes count as unavailable', () => {
    const c = cluster(['restart', 'restart', 'restart', 'hot']);
    c.setReady('w4', false);
    c.apply(mirrorSet('lab', { rollout: { maxUnavailable: 2, canary: 0, soakSeconds: 0 } }));
    c.run(() => c.restartOrder.length === 3, 300);
    expect(c.maxActiveRestarts).toBe(1);
    expect(c.ready('lab')).toBe(false);
    expect(c.status('lab')?.notReadyNodes?.[0]).toMatchObject({ name: 'w4', state: 'NotReady' });
  });

  it('a node joining later gets the current revision and the next wave number', () => {
    const c = cluster(['restart', 'restart']);
    c.apply(mirrorSet('lab', { rollout: { soakSeconds: 10 } }));
    c.run(() => c.ready('lab'));
    c.addNode('w9', 'restart');
    c.run(() => c.ready('lab'));
    expect(c.mns.get('w9')?.spec.revision).toBe(revisionOfSet(mirrorSet('lab')));
    expect(waves(c)).toEqual({ w1: 0, w2: 1, w9: 2 });
  });

  it('a restarted controller rebuilds the wave from the objects and grants nothing extra', () => {
    const c = cluster(['restart', 'restart', 'restart', 'restart']);
    c.jobDurationMs = 3_600_000; // Jobs stay running
    c.apply(mirrorSet('lab', { rollout: { canary: 0, maxUnavailable: 2, restartTimeoutSeconds: 7200 } }));
    c.run(() => c.jobs.size === 2, 20);
    const before = JSON.stringify([...c.mns.values()].map((m) => m.spec));
    for (let i = 0; i < 10; i++) {
      const plan = c.reconcile('lab');
      expect(plan?.jobs).toEqual([]);
      expect(plan?.mirrorNodes).toEqual([]);
      c.now += 10_000;
    }
    expect(JSON.stringify([...c.mns.values()].map((m) => m.spec))).toBe(before);
    expect(c.status('lab')?.wave).toMatchObject({ number: 1, nodes: ['w1', 'w2'], phase: 'Restarting' });
  });

  it('a new revision mid-wave starts its own canary; running Jobs still count against the budget', () => {
    const c = cluster(['restart', 'restart', 'restart']);
    c.jobDurationMs = 20_000;
    c.apply(mirrorSet('lab', { rollout: { canary: 0, maxUnavailable: 1, soakSeconds: 0 } }));
    c.run(() => c.jobs.size === 1, 20);
    c.apply(
      mirrorSet('lab', {
        mirror: 'https://other.example.com',
        rollout: { canary: 1, maxUnavailable: 1, soakSeconds: 0 },
      }),
    );
    c.reconcile('lab');
    c.agents();
    const plan = c.reconcile('lab');
    expect(plan?.jobs).toEqual([]); // w1's old Job still runs: the budget of 1 is used
    c.run(() => c.ready('lab'), 300);
    expect(c.maxActiveRestarts).toBe(1);
    expect(c.status('lab')?.revision).toBe(
      revisionOfSet(mirrorSet('lab', { mirror: 'https://other.example.com' })),
    );
  });
});

describe('failure, pause and resume', () => {
  it('a failed canary pauses (no further Job); a resume token retries it with a new Job after backoff', () => {
    const c = cluster(['fail-restart', 'restart', 'restart']);
    c.apply(mirrorSet('lab', { rollout: { soakSeconds: 0 } }));
    c.run(() => c.cond('lab', 'Paused')?.status === 'True', 50);
    expect(c.cond('lab', 'Paused')).toMatchObject({ reason: 'WaveFailed' });
    expect(c.cond('lab', 'Ready')).toMatchObject({ status: 'False', reason: 'Paused' });
    expect(c.cond('lab', 'Degraded')).toMatchObject({ status: 'True', reason: 'NodeFailed' });
    expect(c.events.some((e) => e.startsWith('Paused: WaveFailed'))).toBe(true);
    expect(c.events.some((e) => e.startsWith('NodeRolledBack: w1'))).toBe(true);
    const jobsBefore = c.jobs.size;
    for (let i = 0; i < 60; i++) {
      c.reconcile('lab');
      c.agents();
      c.now += 1000;
    }
    expect(c.jobs.size).toBe(jobsBefore);
    // Fixed; resumed.
    const n = c.nodes.get('w1');
    if (n) n.behavior = 'restart';
    c.annotate('lab', 'mirrorctl.io/resume', 'r1');
    const resumedAt = c.now;
    c.run(() => c.ready('lab'), 200);
    const retry = c.jobs.get(
      jobNameFor('w1', revisionOfSet(mirrorSet('lab')), { mode: 'apply', action: 'restart', attempt: 2 }),
    );
    expect(retry?.createdAt).toBeGreaterThanOrEqual(resumedAt + 10_000);
    expect(c.status('lab')?.observedResumeToken).toBe('r1');
    expect(c.events.some((e) => e.startsWith('Resumed: resumed by mirrorctl.io/resume=r1'))).toBe(true);
  });

  it('pauseOnFailure: false keeps the waves going and retries the failed node with growing backoff', () => {
    const c = cluster(['restart', 'fail-restart', 'restart', 'restart']);
    c.apply(mirrorSet('lab', { rollout: { pauseOnFailure: false, soakSeconds: 0, canary: 0 } }));
    c.run(() => ['w1', 'w3', 'w4'].every((n) => c.mns.get(n)?.status?.state === 'Applied'), 300);
    expect(c.cond('lab', 'Paused')?.status).toBe('False');
    expect(c.cond('lab', 'Degraded')?.status).toBe('True');
    const attempts = [...c.jobs.values()].filter((j) => j.node === 'w2').map((j) => j.createdAt);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBeGreaterThanOrEqual(10_000);
  });

  it('a hot-path failure pauses too, and a resume retries it through a Job', () => {
    const c = cluster(['fail-hot', 'restart']);
    c.apply(mirrorSet('lab', { rollout: { soakSeconds: 0 } }));
    c.run(() => c.cond('lab', 'Paused')?.status === 'True', 20);
    const n = c.nodes.get('w1');
    if (n) n.behavior = 'hot';
    c.annotate('lab', 'mirrorctl.io/resume', 'go');
    c.run(() => c.ready('lab'), 200);
    expect([...c.jobs.values()].some((j) => j.node === 'w1')).toBe(true);
  });

  it('a wave node NotReady during its soak pauses (NodeNotReady); a resume counts the wave as done', () => {
    const c = cluster(['restart', 'restart', 'restart']);
    c.apply(mirrorSet('lab', { rollout: { soakSeconds: 300, canary: 1, maxUnavailable: 2 } }));
    c.run(() => c.status('lab')?.wave?.phase === 'Soaking', 100);
    c.setReady('w1', false);
    c.run(() => c.cond('lab', 'Paused')?.status === 'True', 10);
    expect(c.cond('lab', 'Paused')).toMatchObject({ reason: 'NodeNotReady' });
    expect(c.cond('lab', 'Paused')?.message).toContain('w1');
    c.annotate('lab', 'mirrorctl.io/resume', 'accept');
    c.reconcile('lab');
    // The NotReady node uses one of the two slots: the next wave gets one node.
    expect(c.status('lab')?.wave).toMatchObject({ number: 1, nodes: ['w2'] });
    expect(c.cond('lab', 'Paused')?.status).toBe('False');
  });

  it('a Job running longer than restartTimeoutSeconds fails the node', () => {
    const c = cluster(['restart', 'restart']);
    c.jobDurationMs = 10_000_000;
    c.apply(mirrorSet('lab', { rollout: { restartTimeoutSeconds: 60 } }));
    c.run(() => c.cond('lab', 'Paused')?.status === 'True', 200);
    expect(c.status('lab')?.notReadyNodes?.[0]?.message).toContain('restartTimeoutSeconds (60 s)');
  });
});

describe('selection and conflicts', () => {
  it('two MirrorSets selecting one node: both Paused/Conflict naming it, the node gets neither', () => {
    const c = new PureCluster();
    c.addNode('a1', 'hot', { labels: { pool: 'a' } });
    c.addNode('shared', 'hot', { labels: { pool: 'a', gpu: 'yes' } });
    c.addNode('g1', 'hot', { labels: { gpu: 'yes' } });
    c.apply(mirrorSet('pool-a', { nodeSelector: { matchLabels: { pool: 'a' } } }));
    c.apply(
      mirrorSet('gpu', {
        mirror: 'https://gpu.example.com',
        nodeSelector: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] },
      }),
    );
    c.run(
      () => c.mns.get('a1')?.status?.state === 'Applied' && c.mns.get('g1')?.status?.state === 'Applied',
      20,
    );
    for (const s of ['pool-a', 'gpu']) {
      expect(c.cond(s, 'Paused')).toMatchObject({ status: 'True', reason: 'Conflict' });
      expect(c.cond(s, 'Paused')?.message).toContain('node shared');
      expect(c.status(s)?.notReadyNodes?.[0]).toMatchObject({ name: 'shared', state: 'Conflict' });
    }
    expect(c.mns.has('shared')).toBe(false);
  });

  it('control-plane nodes are left out unless includeControlPlane; unsupported nodes do not block Ready', () => {
    const c = new PureCluster();
    c.addNode('cp', 'hot', { labels: { 'node-role.kubernetes.io/control-plane': '' } });
    c.addNode('w1', 'hot');
    c.addNode('talos', 'hot', { osImage: 'Talos (v1.9.0)' });
    c.apply(mirrorSet('lab'));
    c.run(() => c.ready('lab'), 10);
    expect([...c.mns.keys()].sort()).toEqual(['talos', 'w1']);
    expect(c.mns.get('talos')?.spec.target).toBe('unsupported');
    expect(c.status('lab')?.notReadyNodes).toEqual([
      { name: 'talos', state: 'Unsupported', message: expect.stringContaining('no mirrorctl agent') },
    ]);
    expect(c.cond('lab', 'Ready')?.message).toContain('1 node(s) unsupported');
    c.apply(mirrorSet('lab', { rollout: { includeControlPlane: true } }));
    c.run(() => c.mns.get('cp')?.status?.state === 'Applied', 10);
  });

  it('a node that leaves the selection is uninstalled, then its MirrorNode deleted', () => {
    const c = new PureCluster();
    c.addNode('w1', 'restart', { labels: { pool: 'a' } });
    c.addNode('w2', 'restart', { labels: { pool: 'a' } });
    c.apply(mirrorSet('lab', { nodeSelector: { matchLabels: { pool: 'a' } }, rollout: { soakSeconds: 0 } }));
    c.run(() => c.ready('lab'), 100);
    const w2 = c.nodes.get('w2');
    if (w2) w2.opts = { ...w2.opts, labels: { pool: 'b' } };
    c.run(() => !c.mns.has('w2'), 100);
    expect([...c.jobs.values()].some((j) => j.node === 'w2' && j.name.endsWith('-u1'))).toBe(true);
    expect(c.status('lab')?.nodes?.total).toBe(1);
  });
});

describe('spec', () => {
  it('an identical spec re-applied changes nothing and is Ready at once', () => {
    const c = cluster(['restart', 'hot']);
    c.apply(mirrorSet('lab', { rollout: { soakSeconds: 0 } }));
    c.run(() => c.ready('lab'), 100);
    const before = structuredClone(c.status('lab'));
    c.apply(mirrorSet('lab', { rollout: { soakSeconds: 0 } }));
    c.now += 3_600_000;
    const plan = c.reconcile('lab');
    expect(plan).toMatchObject({ mirrorNodes: [], jobs: [], drains: [], events: [], addFinalizer: false });
    expect(plan?.status).toEqual(before);
    expect(plan?.requeueAfterMs).toBeUndefined();
  });

  it('a spec the validator refuses: InvalidSpec, nothing rolled out', () => {
    const c = cluster(['hot']);
    const bad = mirrorSet('lab', { mirror: 'ftp://nope' });
    c.apply(bad);
    c.reconcile('lab');
    expect(c.cond('lab', 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(c.cond('lab', 'Ready')?.message).toMatch(/spec\.registries\[0\]\.mirrors\[0\]\.url/);
    expect(c.mns.size).toBe(0);
    expect(c.events[0]).toMatch(/^InvalidSpec/);
  });

  it.each([
    ['inline header values', { headers: { Authorization: ['Basic c2VjcmV0'] } }, 'spec.api.inline-headers'],
    ['a TLS file path', { tls: { caFile: 'ca.pem' } }, 'spec.api.file-path'],
    ['an auth file path', { auth: { file: 'auth.json' } }, 'spec.api.file-path'],
  ])('a spec holding %s: InvalidSpec, nothing rolled out', (_name, extra, code) => {
    const c = cluster(['hot']);
    const set = mirrorSet('lab');
    const spec = set.spec as { registries: { mirrors: Record<string, unknown>[] }[] };
    Object.assign(spec.registries[0]?.mirrors[0] ?? {}, extra);
    c.apply(set);
    c.reconcile('lab');
    expect(c.cond('lab', 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(c.cond('lab', 'Ready')?.message).toContain(code);
    expect(c.mns.size).toBe(0);
  });

  it('history keeps the last five revisions, newest first; a revision coming back is renumbered', () => {
    const c = cluster(['hot']);
    const urls = ['a', 'b', 'c', 'd', 'e', 'f', 'a'].map((x) => `https://${x}.example.com`);
    for (const u of urls) {
      c.apply(mirrorSet('lab', { mirror: u }));
      c.run(
        () => c.ready('lab') && c.status('lab')?.revision === revisionOfSet(mirrorSet('lab', { mirror: u })),
        10,
      );
      c.now += 1000;
    }
    const h = c.status('lab')?.history ?? [];
    expect(h.map((e) => e.revision)).toEqual(
      ['a', 'f', 'e', 'd', 'c'].map((x) =>
        revisionOfSet(mirrorSet('lab', { mirror: `https://${x}.example.com` })),
      ),
    );
    expect(c.revisions.size).toBe(5);
  });
});

describe('uninstall', () => {
  it('runs in waves and removes the finalizer only when every node reports Uninstalled', () => {
    const c = cluster(['restart', 'restart', 'hot']);
    c.apply(mirrorSet('lab', { rollout: { soakSeconds: 0, maxUnavailable: 1 } }));
    c.run(() => c.ready('lab'), 200);
    c.maxActiveRestarts = 0;
    c.delete('lab');
    c.run(() => !c.sets.has('lab'), 300);
    expect(c.maxActiveRestarts).toBe(1);
    expect(c.mns.size).toBe(0);
    expect(c.revisions.size).toBe(0);
    expect(c.events.some((e) => e.startsWith('Uninstalled:'))).toBe(true);
  });

  it('a NotReady node keeps the finalizer and the status names it', () => {
    const c = cluster(['hot', 'hot', 'hot']);
    c.apply(mirrorSet('lab'));
    c.run(() => c.ready('lab'), 20);
    c.setReady('w2', false);
    c.delete('lab');
    for (let i = 0; i < 100; i++) {
      c.reconcile('lab');
      c.agents();
      c.now += 1000;
    }
    expect(c.sets.has('lab')).toBe(true);
    expect(c.cond('lab', 'Ready')).toMatchObject({
      reason: 'Uninstalling',
      message: expect.stringContaining('2 of 3'),
    });
    expect(c.status('lab')?.notReadyNodes).toEqual([
      { name: 'w2', state: 'NotReady', message: expect.any(String) },
    ]);
    c.setReady('w2', true);
    c.run(() => !c.sets.has('lab'), 20);
  });
});
