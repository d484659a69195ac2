// The DaemonSet controller simulator: pods follow nodes and their labels (nodeSelector, affinity
// matchExpressions), taints keep pods off unless tolerated, NotReady and cordoned nodes keep theirs
// (DaemonSet pods tolerate both), a template change rolls out within maxUnavailable and records a
// ControllerRevision, and the status counts what `kubectl rollout status` reads.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Obj } from '../apiserver/types.js';
import { type SimClusterHandle, startCluster } from './cluster.js';
import { isPodReady } from './scheduling.js';

let c: SimClusterHandle;
afterEach(() => c.close());

const DS = { group: 'apps', plural: 'daemonsets' };
const daemonSet = (spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: { containers: [{ name: 'a', image: 'agent:1' }], ...spec },
    },
    ...extra,
  },
});
const podsByNode = () =>
  Object.fromEntries(
    c.server
      .list('pods', 'default')
      .filter((p) => p.metadata.labels?.app === 'agent' && !p.metadata.deletionTimestamp)
      .map((p) => [(p.spec as { nodeName: string }).nodeName, p] as const),
  );
const nodesWithPods = () => Object.keys(podsByNode()).sort();

describe('DaemonSet controller', () => {
  it('pods come and go with node labels; taints keep pods off unless tolerated', async () => {
    c = await startCluster({
      nodes: [
        { name: 'a', labels: { pool: 'blue' } },
        { name: 'b', labels: { pool: 'green' } },
        {
          name: 'c',
          labels: { pool: 'blue' },
          taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }],
        },
        { name: 'cp', labels: { pool: 'blue' }, roles: ['control-plane'] },
      ],
      kubelets: 'status-only',
    });
    c.server.api.create(
      DS,
      daemonSet({
        nodeSelector: { pool: 'blue' },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' },
                  ],
                },
              ],
            },
          },
        },
      }),
    );
    await vi.waitFor(() => expect(nodesWithPods()).toEqual(['a']));
    c.nodes.label('b', { pool: 'blue' });
    await vi.waitFor(() => expect(nodesWithPods()).toEqual(['a', 'b']));
    c.nodes.label('a', { pool: null });
    await vi.waitFor(() => expect(nodesWithPods()).toEqual(['b']));
    // NotReady and cordoned nodes keep their pod (DaemonSet pods tolerate not-ready:NoExecute, unschedulable).
    c.nodes.setReady('b', false);
    c.nodes.cordon('b');
    await new Promise((r) => setTimeout(r, 50));
    expect(nodesWithPods()).toEqual(['b']);
    // The not-ready NoSchedule taint is not tolerated: no new pod would go there, the old one stays.
    await vi.waitFor(() =>
      expect(c.server.get('daemonsets', 'default', 'agent')?.status).toMatchObject({
        desiredNumberScheduled: 0,
        currentNumberScheduled: 0,
        numberMisscheduled: 1,
      }),
    );
    // A NoExecute taint removes a running pod it does not tolerate.
    c.nodes.taint('b', [{ key: 'maintenance', effect: 'NoExecute' }]);
    await vi.waitFor(() => expect(nodesWithPods()).toEqual([]));
  });

  it('a template change rolls out within maxUnavailable and keeps a ControllerRevision per template', async () => {
    const names = ['n1', 'n2', 'n3', 'n4', 'n5'];
    c = await startCluster({ nodes: names.map((name) => ({ name })), kubelets: 'status-only' });
    c.server.api.create(
      DS,
      daemonSet({}, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }),
    );
    await vi.waitFor(() => expect(Object.values(podsByNode()).filter(isPodReady)).toHaveLength(5));
    const firstHash = Object.values(podsByNode())[0]?.metadata.labels?.['controller-revision-hash'];
    let minReady = 5;
    c.server.onChange((_t, plural) => {
      if (plural !== 'pods') return;
      const ready = c.server
        .list('pods', 'default')
        .filter(
          (p: Obj) => p.metadata.labels?.app === 'agent' && !p.metadata.deletionTimestamp && isPodReady(p),
        ).length;
      minReady = Math.min(minReady, ready);
    });
    c.server.api.mutate(DS, 'default', 'agent', (d) => {
      (
        d.spec as { template: { spec: { containers: Array<{ image: string }> } } }
      ).template.spec.containers[0] = { name: 'a', image: 'agent:2' } as never;
    });
    await vi.waitFor(() => {
      const pods = Object.values(podsByNode());
      expect(pods).toHaveLength(5);
      expect(
        pods.every((p) => p.metadata.labels?.['controller-revision-hash'] !== firstHash && isPodReady(p)),
      ).toBe(true);
    });
    expect(minReady).toBeGreaterThanOrEqual(3);
    expect(minReady).toBeLessThan(5);
    const revisions = c.server
      .list('controllerrevisions', 'default')
      .map((r) => (r as { revision?: number }).revision);
    expect(revisions.sort()).toEqual([1, 2]);
    await vi.waitFor(() =>
      expect(c.server.get('daemonsets', 'default', 'agent')?.status).toMatchObject({
        desiredNumberScheduled: 5,
        updatedNumberScheduled: 5,
        numberReady: 5,
        observedGeneration: 2,
      }),
    );
  });

  it('OnDelete waits for pods to be deleted; a new node gets the new template', async () => {
    c = await startCluster({ nodes: [{ name: 'x' }], kubelets: 'status-only' });
    c.server.api.create(DS, daemonSet({}, { updateStrategy: { type: 'OnDelete' } }));
    await vi.waitFor(() => expect(nodesWithPods()).toEqual(['x']));
    const old = podsByNode().x?.metadata.name as string;
    c.server.api.mutate(DS, 'default', 'agent', (d) => {
      (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels.v =
        '2';
    });
    await c.addNode({ name: 'y' });
    await vi.waitFor(() => expect(podsByNode().y?.metadata.labels?.v).toBe('2'));
    expect(podsByNode().x?.metadata.name).toBe(old);
    c.server.api.delete('pods', 'default', old);
    await vi.waitFor(() => expect(podsByNode().x?.metadata.labels?.v).toBe('2'));
  });
});
