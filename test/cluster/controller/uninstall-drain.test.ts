// Uninstall through the finalizer (a NotReady node keeps it and is named), and cordon + drain around
// a restart (PodDisruptionBudgets respected, DaemonSet and mirror pods left alone, uncordon after).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Obj } from '../apiserver/types.js';
import { cond, type Harness, MN, MS, mirrorSetObject, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const set = (hh: Harness) => hh.cluster.server.api.get(MS, undefined, 'lab');

describe('uninstall', () => {
  it('a NotReady node keeps the finalizer and is named; once it is back, everything mirrorctl made goes', async () => {
    h = await startHarness([
      { name: 'w1', behavior: 'restart' },
      { name: 'w2', behavior: 'hot' },
      { name: 'w3', behavior: 'hot' },
    ]);
    await h.startController('c-1');
    // maxUnavailable 2: the NotReady node takes one slot, w1's restoring restart the other.
    h.cluster.server.api.create(
      MS,
      mirrorSetObject('lab', 'https://m1.example.com', { soakSeconds: 0, maxUnavailable: 2 }),
    );
    await vi.waitFor(() => expect(cond(set(h as Harness), 'Ready')?.status).toBe('True'), {
      timeout: 20_000,
    });
    expect(set(h)?.metadata.finalizers).toEqual(['mirrorctl.io/uninstall']);
    // Unrelated objects in the namespace stay.
    h.cluster.server.api.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'theirs', namespace: 'mirrorctl' },
    });
    h.cluster.nodes.setReady('w3', false);
    h.cluster.server.api.delete(MS, undefined, 'lab');
    await vi.waitFor(
      () => {
        const st = set(h as Harness)?.status as { notReadyNodes?: Array<{ name: string; state: string }> };
        expect(cond(set(h as Harness), 'Ready')).toMatchObject({ reason: 'Uninstalling' });
        expect(st.notReadyNodes).toEqual([expect.objectContaining({ name: 'w3', state: 'NotReady' })]);
      },
      { timeout: 20_000 },
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(set(h)?.metadata.deletionTimestamp).toBeDefined();
    expect(cond(set(h), 'Ready')?.message).toContain('2 of 3');
    // w1 needed a restart to restore: it went through an uninstall Job.
    expect(h.agents.jobsPerNode.get('w1')?.some((j) => /-u1$/.test(j))).toBe(true);
    h.cluster.nodes.setReady('w3', true);
    await vi.waitFor(() => expect(set(h as Harness)).toBeUndefined(), { timeout: 20_000 });
    expect(h.cluster.server.api.list(MN)).toEqual([]);
    expect(h.cluster.server.api.list('controllerrevisions', { namespace: 'mirrorctl' })).toEqual([]);
    expect(h.cluster.server.api.get('configmaps', 'mirrorctl', 'theirs')).toBeDefined();
    expect(h.cluster.server.api.get('namespaces', undefined, 'mirrorctl')).toBeDefined();
  });
});

describe('drain', () => {
  const pod = (name: string, node: string, extra: Partial<Obj['metadata']> = {}): Obj => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'apps', labels: { app: 'web' }, ...extra },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'web' }] },
  });
  const running = (hh: Harness, name: string) =>
    hh.cluster.server.api.mutate(
      'pods',
      'apps',
      name,
      (p) => {
        p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
        return undefined;
      },
      'status',
    );

  it('cordons, waits for the PodDisruptionBudget, evicts, restarts, uncordons; DaemonSet and mirror pods stay', async () => {
    h = await startHarness([
      { name: 'w1', behavior: 'restart' },
      { name: 'w2', behavior: 'hot' },
    ]);
    const api = h.cluster.server.api;
    api.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    api.create('serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'apps' },
    });
    api.create('pods', pod('web-1', 'w1'));
    api.create('pods', pod('web-2', 'w2'));
    // A DaemonSet's pod (its owner must exist, or the garbage collector takes the pod).
    const ds = api.create(
      { group: 'apps', plural: 'daemonsets' },
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'x', namespace: 'apps' },
        spec: {
          selector: { matchLabels: { app: 'ds' } },
          template: {
            metadata: { labels: { app: 'ds' } },
            spec: { containers: [{ name: 'c', image: 'x' }] },
          },
        },
      },
    );
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      name: 'x',
      uid: ds.metadata.uid ?? '',
      controller: true,
    };
    api.create('pods', pod('agent-x', 'w1', { labels: { app: 'ds' }, ownerReferences: [owner] }));
    api.create(
      'pods',
      pod('static-x', 'w1', {
        labels: { app: 'static' },
        annotations: { 'kubernetes.io/config.mirror': 'abc' },
      }),
    );
    for (const p of ['web-1', 'web-2', 'agent-x', 'static-x']) running(h, p);
    // minAvailable 2 of 2: no eviction allowed until the test relaxes it.
    api.create(
      { group: 'policy', plural: 'poddisruptionbudgets' },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'web', namespace: 'apps' },
        spec: { selector: { matchLabels: { app: 'web' } }, minAvailable: 2 },
      },
    );
    await h.startController('c-1');
    api.create(
      MS,
      mirrorSetObject('lab', 'https://m1.example.com', {
        soakSeconds: 0,
        drain: { enabled: true, timeoutSeconds: 60 },
      }),
    );
    await vi.waitFor(() => expect(h?.cluster.nodes.get('w1')?.spec).toMatchObject({ unschedulable: true }), {
      timeout: 15_000,
    });
    expect(h.cluster.nodes.get('w1')?.metadata.annotations?.['mirrorctl.io/cordoned']).toBeDefined();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(api.get('pods', 'apps', 'web-1')).toBeDefined(); // the budget said no
    expect(h.agents.jobsPerNode.size).toBe(0);
    api.mutate({ group: 'policy', plural: 'poddisruptionbudgets' }, 'apps', 'web', (p) => {
      p.spec = { selector: { matchLabels: { app: 'web' } }, minAvailable: 1 };
      return undefined;
    });
    await vi.waitFor(() => expect(cond(set(h as Harness), 'Ready')?.status).toBe('True'), {
      timeout: 20_000,
    });
    expect(api.get('pods', 'apps', 'web-1')).toBeUndefined();
    console.log(
      h.cluster.server.accounting.writes
        .filter((w) => w.resource.startsWith('pods'))
        .map((w) => `${w.user} ${w.verb} ${w.resource} ${w.name} ${w.status}`),
    );
    expect(api.get('pods', 'apps', 'web-2')).toBeDefined();
    expect(api.get('pods', 'apps', 'agent-x')).toBeDefined();
    expect(api.get('pods', 'apps', 'static-x')).toBeDefined();
    expect(h.agents.jobsPerNode.get('w1')).toHaveLength(1);
    const spec = () => (h?.cluster.nodes.get('w1')?.spec ?? {}) as { unschedulable?: boolean };
    await vi.waitFor(() => expect(spec().unschedulable).toBeFalsy(), { timeout: 10_000 });
    expect(h.cluster.nodes.get('w1')?.metadata.annotations?.['mirrorctl.io/cordoned']).toBeUndefined();
  });

  it('a node an administrator cordoned stays cordoned after its restart', async () => {
    h = await startHarness([{ name: 'w1', behavior: 'restart' }]);
    h.cluster.nodes.cordon('w1');
    await h.startController('c-1');
    h.cluster.server.api.create(
      MS,
      mirrorSetObject('lab', 'https://m1.example.com', { soakSeconds: 0, drain: { enabled: true } }),
    );
    await vi.waitFor(() => expect(cond(set(h as Harness), 'Ready')?.status).toBe('True'), {
      timeout: 20_000,
    });
    expect(h.cluster.nodes.get('w1')?.spec).toMatchObject({ unschedulable: true });
  });
});
