// Cluster rollout against the fake API server and simulated agents, through the real client library.
import { afterEach, describe, expect, it } from 'vitest';
import { type RolloutOptions, runRollout } from '../../src/cluster/rollout.js';
import { type Harness, MIXED, SPEC, startHarness } from './harness.js';
import type { SimNode } from './sim-cluster.js';

const opts = (o: Partial<RolloutOptions> = {}): RolloutOptions => ({
  specText: SPEC,
  bundle: 'console.log("agent")',
  image: 'node:20-alpine',
  mode: 'apply',
  includeControlPlane: false,
  maxUnavailable: '1',
  timeoutMs: 20_000,
  gateNewNodes: false,
  dryRun: false,
  ...o,
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const statuses = (r: { nodes: Array<{ node: string; status: string }> }) =>
  Object.fromEntries(r.nodes.map((n) => [n.node, n.status]));

describe('rollout', () => {
  it('configures a mixed containerd/CRI-O/Docker cluster, restart nodes in waves, control plane excluded', async () => {
    h = await startHarness(MIXED);
    const r = await runRollout(h.kube, opts(), () => {});
    expect(r.exitCode).toBe(0);
    expect(statuses(r)).toEqual({
      'ctrd-a': 'applied',
      'ctrd-b': 'applied',
      'crio-a': 'applied',
      'docker-a': 'applied',
      'ctrd-c': 'unchanged',
    });
    expect(r.waves).toEqual([['ctrd-b']]);
    expect(h.sim.agents.has('cp-1')).toBe(false);
    // ≤ 3 requests per node on top of a constant set-up cost.
    expect(r.requests).toBeLessThanOrEqual(3 * 5 + 20);
  });

  it('respects --max-unavailable: no wave restarts more nodes than allowed', async () => {
    const nodes: SimNode[] = Array.from({ length: 7 }, (_, i) => ({
      name: `w${i}`,
      runtime: 'containerd://1.7.13',
      behavior: { action: 'restart' as const },
    }));
    h = await startHarness(nodes);
    const r = await runRollout(h.kube, opts({ maxUnavailable: '30%' }), () => {});
    expect(r.exitCode).toBe(0);
    expect(r.maxUnavailable).toBe(3);
    expect(r.waves.map((w) => w.length)).toEqual([3, 3, 1]);
    const perPublication = new Map<number, number>();
    for (const x of h.sim.restarts)
      perPublication.set(x.publication, (perPublication.get(x.publication) ?? 0) + 1);
    expect(Math.max(...perPublication.values())).toBeLessThanOrEqual(3);
    expect(h.sim.restarts).toHaveLength(7);
  });

  it('a failed canary stops the rollout before any other node acts', async () => {
    h = await startHarness(MIXED);
    h.sim.setBehavior('ctrd-a', { action: 'restart', fail: 'apply' });
    const r = await runRollout(h.kube, opts({ canary: 'ctrd-a' }), () => {});
    expect(r.exitCode).toBe(3);
    expect(r.stoppedAt).toBe('canary');
    expect(statuses(r)['ctrd-a']).toBe('rolled-back');
    for (const n of ['ctrd-b', 'crio-a', 'docker-a', 'ctrd-c'])
      expect(h.sim.agents.get(n)?.last).toBeUndefined();
  });

  it('a failed wave stops the next waves', async () => {
    const nodes: SimNode[] = ['a', 'b', 'c', 'd'].map((n) => ({
      name: n,
      runtime: 'containerd://1.7.13',
      behavior: { action: 'restart' as const },
    }));
    nodes[0] = { ...nodes[0]!, behavior: { action: 'restart', fail: 'apply' } };
    h = await startHarness(nodes);
    const r = await runRollout(h.kube, opts({ maxUnavailable: '2' }), () => {});
    expect(r.exitCode).toBe(3);
    expect(r.stoppedAt).toBe('wave 1');
    expect(statuses(r)).toMatchObject({
      a: 'rolled-back',
      b: 'applied',
      c: 'pending-restart',
      d: 'pending-restart',
    });
    expect(h.sim.restarts.map((x) => x.node).sort()).toEqual(['a', 'b']);
  });

  it('a node that never answers times out and stops the rollout', async () => {
    h = await startHarness([
      { name: 'a', runtime: 'containerd://1.7.13', behavior: { action: 'restart', hang: true } },
      { name: 'b', runtime: 'containerd://1.7.13', behavior: { action: 'restart' } },
    ]);
    const r = await runRollout(h.kube, opts({ timeoutMs: 300 }), () => {});
    expect(r.exitCode).toBe(3);
    expect(statuses(r)).toMatchObject({ a: 'timeout', b: 'pending-restart' });
  });

  it('retries API faults (429/500/503, watch disconnects, 410 Gone) without skipping a node', async () => {
    const nodes: SimNode[] = Array.from({ length: 12 }, (_, i) => ({
      name: `n${String(i).padStart(2, '0')}`,
      runtime: i % 3 === 0 ? 'cri-o://1.29.1' : 'containerd://1.7.13',
      behavior: { action: i % 4 === 0 ? ('restart' as const) : ('none' as const) },
    }));
    h = await startHarness(nodes);
    const server = h.server;
    server.faults = [
      { match: 'GET /api/v1/nodes', status: 503, times: 2 },
      { match: 'GET /api/v1/namespaces/mirrorctl/pods', status: 500, times: 1 },
      { match: 'POST /api/v1/namespaces/mirrorctl/configmaps', status: 429, times: 2, retryAfter: 0 },
      { match: 'PATCH /api/v1/namespaces/mirrorctl/configmaps/mirrorctl-spec', status: 503, times: 2 },
      { match: 'GET /api/v1/namespaces/mirrorctl/pods/mirrorctl-agent-n0', status: 500, times: 3 },
    ];
    let disrupted = 0;
    const r = await runRollout(h.kube, opts({ maxUnavailable: '2' }), (e) => {
      if (e.kind === 'node' && disrupted < 3) {
        disrupted++;
        if (disrupted === 2) server.compact();
        server.disconnectWatches();
      }
    });
    expect(r.exitCode).toBe(0);
    expect(r.nodes.every((n) => n.status === 'applied')).toBe(true);
    expect(r.nodes).toHaveLength(12);
    expect(server.faults.every((f) => f.times === 0)).toBe(true);
  });

  it('--dry-run writes nothing and prints manifests and candidate waves', async () => {
    h = await startHarness(MIXED);
    const r = await runRollout(h.kube, opts({ dryRun: true, maxUnavailable: '2', canary: '1' }), () => {});
    expect(r.exitCode).toBe(0);
    expect(r.canary).toEqual(['crio-a']);
    expect(r.waves).toEqual([
      ['ctrd-a', 'ctrd-b'],
      ['ctrd-c', 'docker-a'],
    ]);
    expect(r.manifests?.map((m) => m.kind)).toEqual(['Namespace', 'ConfigMap', 'ConfigMap', 'DaemonSet']);
    expect(h.server.countRequests((q) => q.method !== 'GET')).toBe(0);
  });

  it('rejects a bad selector, canary or max-unavailable with exit 2', async () => {
    h = await startHarness(MIXED);
    expect((await runRollout(h.kube, opts({ maxUnavailable: '0' }), () => {})).exitCode).toBe(2);
    expect((await runRollout(h.kube, opts({ canary: 'nope' }), () => {})).exitCode).toBe(2);
    const bad = await runRollout(h.kube, opts({ selector: 'a in b' }), () => {});
    expect(bad.diagnostics[0]?.code).toBe('cluster.selector.syntax');
  });
});
