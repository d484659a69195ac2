// pods/eviction against PodDisruptionBudgets, as a drain sees it: the disruption controller keeps the
// budget's status, an eviction that would break the budget is 429 TooManyRequests with a
// DisruptionBudget cause (what `kubectl drain` retries on), one it allows deletes the pod and spends the
// budget; dry runs and pods that are not running skip the check.
import { CoreV1Api, KubeConfig, type V1Eviction } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type SimClusterHandle, startCluster } from '../sim/cluster.js';
import { wire } from './wire.js';

let c: SimClusterHandle;
afterEach(() => c.close());

async function setup(minAvailable: number | string) {
  c = await startCluster({
    nodes: [{ name: 'n1' }, { name: 'n2' }, { name: 'n3' }],
    kubelets: 'status-only',
  });
  for (const n of ['n1', 'n2', 'n3'])
    c.server.api.create('pods', {
      metadata: { name: `web-${n}`, namespace: 'default', labels: { app: 'web' } },
      spec: { nodeName: n, containers: [{ name: 'c', image: 'web:1' }] },
    });
  c.server.api.create(
    { group: 'policy', plural: 'poddisruptionbudgets' },
    {
      metadata: { name: 'web', namespace: 'default' },
      spec: { minAvailable, selector: { matchLabels: { app: 'web' } } },
    },
  );
  await vi.waitFor(() =>
    expect(c.server.get('poddisruptionbudgets', 'default', 'web')?.status).toMatchObject({
      currentHealthy: 3,
      observedGeneration: 1,
    }),
  );
}
const evict = (name: string, query = '') =>
  wire(c.server, 'POST', `/api/v1/namespaces/default/pods/${name}/eviction${query}`, {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name, namespace: 'default' },
  });

describe('eviction', () => {
  it('is refused with 429 and a DisruptionBudget cause once the budget is spent', async () => {
    await setup(2);
    expect(c.server.get('poddisruptionbudgets', 'default', 'web')?.status).toMatchObject({
      disruptionsAllowed: 1,
      desiredHealthy: 2,
      expectedPods: 3,
    });
    const first = await evict('web-n1');
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(c.server.get('pods', 'default', 'web-n1')).toBeUndefined();
    const second = await evict('web-n2');
    expect(second.status).toBe(429);
    expect(second.json).toMatchObject({
      reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: {
        causes: [
          {
            type: 'DisruptionBudget',
            message: 'The disruption budget web needs 2 healthy pods and has 2 currently',
          },
        ],
      },
    });
    expect(c.server.get('pods', 'default', 'web-n2')).toBeDefined();
  });

  it('through the real client: ApiException 429; a dry run deletes nothing', async () => {
    await setup(2);
    const kc = new KubeConfig();
    kc.loadFromString(c.server.kubeconfig());
    const core = kc.makeApiClient(CoreV1Api);
    const body = (name: string): V1Eviction => ({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace: 'default' },
    });
    const dry = await evict('web-n3', '?dryRun=All');
    expect(dry.status).toBe(201);
    expect(c.server.get('pods', 'default', 'web-n3')?.metadata.deletionTimestamp).toBeUndefined();
    expect(c.server.get('pods', 'default', 'web-n3')).toBeDefined();
    await core.createNamespacedPodEviction({ name: 'web-n1', namespace: 'default', body: body('web-n1') });
    const err = await core
      .createNamespacedPodEviction({ name: 'web-n2', namespace: 'default', body: body('web-n2') })
      .catch((e: { code?: number }) => e);
    expect((err as { code?: number }).code).toBe(429);
  });

  it('a percentage budget over pods without a controller is never observed: evictions wait (429)', async () => {
    c = await startCluster({ nodes: [{ name: 'n1' }], kubelets: 'status-only' });
    c.server.api.create('pods', {
      metadata: { name: 'solo', namespace: 'default', labels: { app: 'solo' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'web:1' }] },
    });
    c.server.api.create(
      { group: 'policy', plural: 'poddisruptionbudgets' },
      {
        metadata: { name: 'solo', namespace: 'default' },
        spec: { minAvailable: '50%', selector: { matchLabels: { app: 'solo' } } },
      },
    );
    await vi.waitFor(() =>
      expect(c.server.get('poddisruptionbudgets', 'default', 'solo')?.status).toMatchObject({
        conditions: [{ reason: 'SyncFailed' }],
      }),
    );
    const r = await evict('solo');
    expect(r.status).toBe(429);
    expect(r.json.details?.causes?.[0]?.message).toBe(
      'The disruption budget solo is still being processed by the server.',
    );
    expect(r.headers.get('retry-after')).toBe('10');
  });

  it('a pod that is not running (Pending) is evicted without looking at the budget', async () => {
    await setup(3);
    c.server.api.create('pods', {
      metadata: { name: 'web-pending', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'web:1' }], nodeSelector: { nowhere: 'true' } },
    });
    expect((await evict('web-n1')).status).toBe(429);
    expect((await evict('web-pending')).status).toBe(201);
  });
});
