// A Deployment → ReplicaSet → Pod stand-in for the controller's Deployment (the simulators have no
// Deployment controller): when a Deployment appears, its `replicas` pods are created from its
// template as the ReplicaSet controller would (labels, a pod-template-hash name), one per node of
// `nodes` in turn — the template's anti-affinity spreads them over nodes the same way — and a deleted
// pod is replaced. The pods are owned by the Deployment itself (no ReplicaSet object in between), so
// deleting it lets garbage collection take them.
import { createHash } from 'node:crypto';
import type { FakeApiServer } from '../../cluster/apiserver/server.js';
import { isRecord, type Obj } from '../../cluster/apiserver/types.js';
import { randomSuffix } from '../../cluster/apiserver/writes.js';

export class DeploymentPods {
  private readonly api;
  private stopped = false;

  constructor(
    server: FakeApiServer,
    private readonly nodes: string[],
  ) {
    this.api = server.api.as('system:serviceaccount:kube-system:replicaset-controller');
    server.onChange((type, plural, obj) => {
      if (this.stopped) return;
      if (plural === 'deployments' && type !== 'DELETED') queueMicrotask(() => this.reconcile(obj));
      if (plural === 'pods' && type === 'DELETED') {
        const owner = obj.metadata.labels?.['app.kubernetes.io/name'];
        const d = this.api
          .list('deployments', { namespace: obj.metadata.namespace })
          .find((x) => x.metadata.name === owner);
        if (d) setTimeout(() => this.reconcile(d), 200);
      }
    });
  }

  stop(): void {
    this.stopped = true;
  }

  private reconcile(d: Obj): void {
    const current = this.api.get('deployments', d.metadata.namespace, d.metadata.name);
    if (!current || current.metadata.deletionTimestamp) return;
    const spec = (isRecord(current.spec) ? current.spec : {}) as {
      replicas?: number;
      template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> };
    };
    const labels = spec.template?.metadata?.labels ?? {};
    const hash = createHash('sha256').update(JSON.stringify(spec.template)).digest('hex').slice(0, 10);
    const mine = this.api
      .list('pods', { namespace: current.metadata.namespace })
      .filter((p) => (p.metadata.ownerReferences ?? []).some((o) => o.uid === current.metadata.uid))
      .filter((p) => !p.metadata.deletionTimestamp);
    const used = new Set(mine.map((p) => String((p.spec as { nodeName?: string }).nodeName)));
    for (let i = mine.length; i < (spec.replicas ?? 1); i++) {
      const node = this.nodes.find((n) => !used.has(n)) ?? this.nodes[i % this.nodes.length] ?? '';
      used.add(node);
      this.api.create('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${current.metadata.name}-${hash}-${randomSuffix(5)}`,
          namespace: current.metadata.namespace,
          labels: { ...labels, 'pod-template-hash': hash },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: current.metadata.name,
              uid: current.metadata.uid ?? '',
              controller: true,
            },
          ],
        },
        spec: { ...structuredClone(spec.template?.spec ?? {}), nodeName: node },
      } as Obj);
    }
  }
}
