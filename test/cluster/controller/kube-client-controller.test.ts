// The Kube adapter's controller calls (informer, update, updateStatus, evictPod, createEvent, request
// reporting) against the API server stand-in, through the real @kubernetes/client-node.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildCrds } from '../../../src/cluster/api/crds.js';
import { createKubeClient } from '../../../src/cluster/kube-client.js';
import { realSleep } from '../../../src/cluster/retry.js';
import {
  type Kube,
  KubeError,
  type KubernetesObject,
  type ResourceType,
} from '../../../src/host/kube-port.js';
import { loadKubeConfig } from '../../../src/host/pooled-kubeconfig.js';
import { FakeApiServer } from '../apiserver/server.js';

const MIRRORNODES: ResourceType = {
  apiVersion: 'mirrorctl.io/v1alpha1',
  kind: 'MirrorNode',
  plural: 'mirrornodes',
  namespaced: false,
};
const NODES: ResourceType = { apiVersion: 'v1', kind: 'Node', plural: 'nodes', namespaced: false };

let server: FakeApiServer;
let kube: Kube;
let requests: Array<[string, number]>;

const mirrorNode = (name: string) => ({
  apiVersion: 'mirrorctl.io/v1alpha1',
  kind: 'MirrorNode',
  metadata: { name },
  spec: {
    mirrorSet: 'lab',
    revision: '0123456789ab',
    controllerRevision: 'mirrorset-lab-0123456789ab',
    mode: 'apply',
  },
});

beforeEach(async () => {
  server = new FakeApiServer({ bookmarkIntervalMs: 50 });
  await server.start();
  for (const crd of buildCrds())
    server.api.create('customresourcedefinitions', structuredClone(crd) as never);
  server.api.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mirrorctl' } });
  const file = join(mkdtempSync(join(tmpdir(), 'mirrorctl-kc-')), 'config');
  writeFileSync(file, server.kubeconfig());
  requests = [];
  kube = createKubeClient(loadKubeConfig({ kubeconfig: file }), {
    retry: { retries: 4, baseMs: 1, maxMs: 5, sleep: realSleep },
    onRequest: (verb, code) => requests.push([verb, code]),
  });
});
afterEach(() => server.stop());

describe('informer', () => {
  it('lists, then follows changes; a dropped watch resumes and a 410 relists with the difference', async () => {
    server.api.create('mirrornodes', mirrorNode('a') as never);
    const inf = kube.informer(MIRRORNODES);
    const seen: string[] = [];
    inf.onChange((type, o) => seen.push(`${type} ${o.metadata?.name}`));
    await inf.start();
    expect(inf.synced()).toBe(true);
    expect(inf.list().map((o) => o.metadata?.name)).toEqual(['a']);
    server.api.create('mirrornodes', mirrorNode('b') as never);
    await vi.waitFor(() => expect(inf.get('b')).toBeDefined());
    server.disconnectWatches();
    server.api.create('mirrornodes', mirrorNode('c') as never);
    await vi.waitFor(() => expect(inf.get('c')).toBeDefined());
    // Changes while the watch is gone and history is compacted: the informer relists.
    server.faults.push({ verb: 'watch', resource: 'mirrornodes', status: 500, times: 2 });
    server.disconnectWatches();
    server.api.delete('mirrornodes', undefined, 'a');
    server.api.create('mirrornodes', mirrorNode('d') as never);
    server.compact();
    await vi.waitFor(
      () =>
        expect(
          inf
            .list()
            .map((o) => o.metadata?.name)
            .sort(),
        ).toEqual(['b', 'c', 'd']),
      {
        timeout: 5000,
      },
    );
    expect(seen).toContain('DELETED a');
    expect(seen).toContain('ADDED d');
    inf.stop();
  });

  it('keeps retrying a failing first list and reports synced only once the list is stored', async () => {
    server.api.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    server.faults.push({ verb: 'list', resource: 'nodes', status: 500, times: 12 });
    const inf = kube.informer(NODES);
    const started = inf.start();
    expect(inf.synced()).toBe(false);
    await started;
    expect(inf.synced()).toBe(true);
    expect(inf.get('n1')?.metadata?.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(requests.filter(([v, c]) => v === 'list' && c === 500).length).toBe(12);
    inf.stop();
  });
});

describe('writes', () => {
  it('update is conditional on resourceVersion (409 when stale); updateStatus writes only status', async () => {
    const created = await kube.create(mirrorNode('x'));
    const rv = created.metadata?.resourceVersion;
    const next = { ...mirrorNode('x'), metadata: { name: 'x', resourceVersion: rv } };
    next.spec.mode = 'uninstall';
    const updated = await kube.update(next);
    expect((updated as { spec: { mode: string } }).spec.mode).toBe('uninstall');
    await expect(kube.update(next)).rejects.toMatchObject({ status: 409 });
    const withStatus = {
      ...updated,
      spec: { ...(updated as { spec: object }).spec, mode: 'apply' },
      status: { state: 'Applied' },
    } as KubernetesObject;
    const st = (await kube.updateStatus(MIRRORNODES, withStatus)) as unknown as {
      spec: { mode: string };
      status: { state: string };
    };
    expect(st.status.state).toBe('Applied');
    expect(st.spec.mode).toBe('uninstall'); // a /status write ignores spec
    await expect(kube.updateStatus(MIRRORNODES, withStatus)).rejects.toBeInstanceOf(KubeError);
    expect(requests).toContainEqual(['update', 409]);
  });

  it('createEvent posts an events.k8s.io/v1 Event with every field kept', async () => {
    await kube.createEvent({
      // About a cluster-scoped object: only default (or kube-system) takes it.
      metadata: { name: 'lab.17a', namespace: 'default' },
      eventTime: '2025-01-02T03:04:05.123456Z',
      type: 'Warning',
      reason: 'Paused',
      action: 'Pause',
      note: 'node w-2 failed',
      regarding: { apiVersion: 'mirrorctl.io/v1alpha1', kind: 'MirrorSet', name: 'lab', uid: 'u-1' },
      reportingController: 'mirrorctl.io/controller',
      reportingInstance: 'pod-a',
    });
    const ev = server.api.get({ group: 'events.k8s.io', plural: 'events' }, 'default', 'lab.17a');
    expect(ev).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      note: 'node w-2 failed',
      regarding: { kind: 'MirrorSet', name: 'lab' },
      reportingController: 'mirrorctl.io/controller',
      eventTime: '2025-01-02T03:04:05.123456Z',
    });
  });

  it("a refused write's KubeError carries the API server's whole message (quotes inside it too)", async () => {
    const ev = {
      metadata: { name: 'lab.17b', namespace: 'mirrorctl' },
      eventTime: '2025-01-02T03:04:05.123456Z',
      type: 'Normal' as const,
      reason: 'WaveStarted',
      action: 'Restart',
      note: 'x',
      regarding: { apiVersion: 'mirrorctl.io/v1alpha1', kind: 'MirrorSet', name: 'lab' },
      reportingController: 'mirrorctl.io/controller',
      reportingInstance: 'pod-a',
    };
    const err = await kube.createEvent(ev).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).status).toBe(422);
    expect((err as KubeError).message).toMatch(/^HTTP 422: Event\.events\.k8s\.io "lab\.17b" is invalid: .+/);
  });

  it('evictPod: a PodDisruptionBudget that allows nothing answers 429 at once (not retried)', async () => {
    server.api.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] },
    });
    server.api.mutate(
      'pods',
      'default',
      'web-1',
      (p) => {
        p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
        return undefined;
      },
      'status',
    );
    const pdb = server.api.create(
      { group: 'policy', plural: 'poddisruptionbudgets' },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'web', namespace: 'default' },
        spec: { selector: { matchLabels: { app: 'web' } }, minAvailable: 1 },
      },
    );
    server.api.mutate(
      { group: 'policy', plural: 'poddisruptionbudgets' },
      'default',
      'web',
      (p) => {
        p.status = {
          observedGeneration: pdb.metadata.generation,
          disruptionsAllowed: 0,
          currentHealthy: 1,
          desiredHealthy: 1,
          expectedPods: 1,
        };
        return undefined;
      },
      'status',
    );
    await expect(kube.evictPod('default', 'web-1')).rejects.toMatchObject({ status: 429 });
    expect(requests.filter(([v]) => v === 'create')).toEqual([['create', 429]]);
    server.api.mutate(
      { group: 'policy', plural: 'poddisruptionbudgets' },
      'default',
      'web',
      (p) => {
        (p.status as Record<string, number>).disruptionsAllowed = 1;
        return undefined;
      },
      'status',
    );
    await kube.evictPod('default', 'web-1');
    expect(server.get('pods', 'default', 'web-1')).toBeUndefined();
  });
});
