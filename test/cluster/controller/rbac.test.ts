// The controller with exactly deploy/'s RBAC (buildRbac) on an API server that authorizes: a rollout
// with a drain, a failure and a resume, then an uninstall, as the mirrorctl-controller
// ServiceAccount. Every request it makes must be allowed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cond, type Harness, MS, mirrorSetObject, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('RBAC', () => {
  it("deploy/'s grants cover everything the controller does", async () => {
    h = await startHarness(
      [
        { name: 'w1', behavior: 'restart' },
        { name: 'w2', behavior: 'reload' },
        { name: 'w3', behavior: 'hot' },
      ],
      { rbac: true },
    );
    const api = h.cluster.server.api;
    // A workload pod on the node to restart: the drain must evict it.
    api.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    api.create('serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'apps' },
    });
    api.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'apps' },
      spec: { nodeName: 'w1', containers: [{ name: 'c', image: 'web' }] },
    });
    api.mutate(
      'pods',
      'apps',
      'web-1',
      (p) => {
        p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
        return undefined;
      },
      'status',
    );
    await h.startController('c-1');
    api.create(
      MS,
      mirrorSetObject('lab', 'https://m1.example.com', { soakSeconds: 0, drain: { enabled: true } }),
    );
    const set = () => api.get(MS, undefined, 'lab');
    await vi.waitFor(() => expect(cond(set(), 'Ready')?.status).toBe('True'), { timeout: 20_000 });
    api.delete(MS, undefined, 'lab');
    await vi.waitFor(() => expect(set()).toBeUndefined(), { timeout: 20_000 });
    const forbidden = h.cluster.server.accounting.requests
      .filter((r) => r.status === 403)
      .map((r) => `${r.verb} ${r.resource} ${r.namespace ?? ''}`);
    expect(forbidden).toEqual([]);
    // What it did, so the test cannot pass by doing nothing.
    const verbs = new Set(h.cluster.server.accounting.requests.map((r) => `${r.verb} ${r.resource}`));
    for (const v of [
      'create leases',
      'update leases',
      'update mirrorsets',
      'update mirrorsets/status',
      'create mirrornodes',
      'update mirrornodes',
      'delete mirrornodes',
      'create controllerrevisions',
      'delete controllerrevisions',
      'create jobs',
      'patch nodes',
      'list pods',
      'create pods/eviction',
      'create events',
    ])
      expect(verbs).toContain(v);
  }, 60_000);
});
