// Simulated Nodes and the node lifecycle controller's part (pkg/controller/nodelifecycle): nodes join
// (as a kubelet registers them, with status.nodeInfo), leave, flip Ready/NotReady (taint
// node.kubernetes.io/not-ready, pods on the node marked not Ready: MarkPodsNotReady), get cordoned
// (spec.unschedulable + node.kubernetes.io/unschedulable taint), relabelled and tainted.
import type { InternalClient } from '../apiserver/client.js';
import type { FakeApiServer } from '../apiserver/server.js';
import { isRecord, type Obj, timestamp } from '../apiserver/types.js';
import type { Taint } from './scheduling.js';

export interface SimNodeSpec {
  name: string;
  /** status.nodeInfo.containerRuntimeVersion, e.g. `containerd://2.1.4` (default containerd://1.7.13). */
  runtime?: string;
  labels?: Record<string, string>;
  /** Adds `node-role.kubernetes.io/<role>` labels. */
  roles?: string[];
  ready?: boolean;
  taints?: Taint[];
  osImage?: string;
  kubeletVersion?: string;
  /** status.addresses InternalIP (default 10.0.<i>.<j> from the node's index). */
  address?: string;
}

const MANAGED = [
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'node.kubernetes.io/unschedulable',
];

export class Nodes {
  private readonly kubeApi: InternalClient;
  private readonly controller: InternalClient;
  private count = 0;
  private readonly flaps = new Set<NodeJS.Timeout>();

  constructor(server: FakeApiServer) {
    this.kubeApi = server.api;
    this.controller = server.api.as('system:serviceaccount:kube-system:node-controller');
  }

  add(spec: SimNodeSpec): Obj {
    const i = this.count++;
    const labels: Record<string, string> = {
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': spec.name,
      ...spec.labels,
    };
    for (const r of spec.roles ?? []) labels[`node-role.kubernetes.io/${r}`] = '';
    const now = timestamp(Date.now());
    const ready = spec.ready ?? true;
    const node: Obj = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: spec.name, labels },
      spec: { taints: this.taints(spec.taints ?? [], ready, false) },
      status: {
        nodeInfo: {
          containerRuntimeVersion: spec.runtime ?? 'containerd://1.7.13',
          kubeletVersion: spec.kubeletVersion ?? 'v1.30.1',
          kubeProxyVersion: spec.kubeletVersion ?? 'v1.30.1',
          osImage: spec.osImage ?? 'Debian GNU/Linux 12 (bookworm)',
          kernelVersion: '6.1.0-18-amd64',
          operatingSystem: 'linux',
          architecture: 'amd64',
          machineID: `sim-${spec.name}`,
          systemUUID: `sim-${spec.name}`,
          bootID: `boot-${spec.name}`,
        },
        addresses: [
          { type: 'InternalIP', address: spec.address ?? `10.0.${Math.floor(i / 250)}.${(i % 250) + 2}` },
          { type: 'Hostname', address: spec.name },
        ],
        capacity: { cpu: '4', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        conditions: [this.readyCondition(ready, now)],
      },
    };
    return this.kubeApi.as(`system:node:${spec.name}`).create('nodes', node);
  }

  /** Deletes the Node; pod GC (pkg/controller/podgc gcOrphaned) force-deletes the pods bound to it. */
  remove(name: string): void {
    this.controller.delete('nodes', undefined, name);
    for (const pod of this.kubeApi.list('pods', { fieldSelector: `spec.nodeName=${name}` }))
      this.controller
        .as('system:serviceaccount:kube-system:pod-garbage-collector')
        .delete('pods', pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0 });
  }

  get(name: string): Obj | undefined {
    return this.kubeApi.get('nodes', undefined, name);
  }

  names(): string[] {
    return this.kubeApi.list('nodes').map((n) => n.metadata.name);
  }

  /** Ready / NotReady (kubelet's condition), or 'Unknown' (the kubelet stopped posting status), with
   *  the lifecycle taint and the node's pods marked not Ready. */
  setReady(name: string, state: boolean | 'Unknown'): void {
    const ready = state === true;
    const now = timestamp(Date.now());
    this.controller.mutate(
      'nodes',
      undefined,
      name,
      (n) => {
        const st = n.status as { conditions: Array<Record<string, unknown>> };
        st.conditions = [
          ...(st.conditions ?? []).filter((c) => c.type !== 'Ready'),
          this.readyCondition(state, now),
        ];
      },
      'status',
    );
    this.retaint(name);
    if (!ready)
      for (const pod of this.kubeApi.list('pods', { fieldSelector: `spec.nodeName=${name}` }))
        this.controller.mutate(
          'pods',
          pod.metadata.namespace,
          pod.metadata.name,
          (p) => {
            const st = (isRecord(p.status) ? p.status : {}) as {
              conditions?: Array<Record<string, unknown>>;
            };
            if (!st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return false;
            st.conditions = st.conditions.map((c) =>
              c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: now } : c,
            );
            p.status = st;
          },
          'status',
        );
  }

  /** Ready flapping: `times` flips every `everyMs` (ends Ready when `times` is even). */
  flap(name: string, everyMs: number, times: number): Promise<void> {
    return new Promise((resolve) => {
      let left = times;
      const t = setInterval(() => {
        if (left-- <= 0 || !this.get(name)) {
          clearInterval(t);
          this.flaps.delete(t);
          resolve();
          return;
        }
        const node = this.get(name) as Obj;
        const ready = (
          node.status as { conditions: Array<{ type: string; status: string }> }
        ).conditions.some((c) => c.type === 'Ready' && c.status === 'True');
        this.setReady(name, !ready);
      }, everyMs);
      this.flaps.add(t);
    });
  }

  cordon(name: string, unschedulable = true): void {
    this.controller.mutate('nodes', undefined, name, (n) => {
      n.spec = { ...(isRecord(n.spec) ? n.spec : {}), unschedulable };
      if (!unschedulable) delete (n.spec as Record<string, unknown>).unschedulable;
    });
    this.retaint(name);
  }

  /** Sets (string) or removes (null) labels. */
  label(name: string, labels: Record<string, string | null>): void {
    this.controller.mutate('nodes', undefined, name, (n) => {
      const l = { ...n.metadata.labels };
      for (const [k, v] of Object.entries(labels))
        if (v === null) delete l[k];
        else l[k] = v;
      n.metadata.labels = l;
    });
  }

  /** Replaces the node's own (non-lifecycle) taints. */
  taint(name: string, taints: Taint[]): void {
    this.controller.mutate('nodes', undefined, name, (n) => {
      const spec = (isRecord(n.spec) ? n.spec : {}) as { taints?: Taint[] };
      const managed = (spec.taints ?? []).filter((t) => MANAGED.includes(t.key));
      n.spec = { ...spec, taints: [...taints, ...managed] };
    });
  }

  stop(): void {
    for (const t of this.flaps) clearInterval(t);
  }

  private retaint(name: string): void {
    this.controller.mutate('nodes', undefined, name, (n) => {
      const spec = (isRecord(n.spec) ? n.spec : {}) as { taints?: Taint[]; unschedulable?: boolean };
      const cond = (n.status as { conditions?: Array<{ type: string; status: string }> }).conditions?.find(
        (c) => c.type === 'Ready',
      );
      const ready =
        cond?.status === 'True' ? true : cond?.status === 'Unknown' ? ('Unknown' as const) : false;
      const next = this.taints(spec.taints ?? [], ready, spec.unschedulable === true);
      if (JSON.stringify(next) === JSON.stringify(spec.taints ?? [])) return false;
      n.spec = { ...spec, taints: next };
    });
  }

  private taints(own: Taint[], ready: boolean | 'Unknown', unschedulable: boolean): Taint[] {
    const out = own.filter((t) => !MANAGED.includes(t.key));
    if (unschedulable) out.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    if (ready === 'Unknown') out.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' });
    else if (!ready) out.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
    return out;
  }

  private readyCondition(state: boolean | 'Unknown', now: string): Record<string, unknown> {
    const [status, reason, message] =
      state === true
        ? ['True', 'KubeletReady', 'kubelet is posting ready status']
        : state === 'Unknown'
          ? ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']
          : ['False', 'KubeletNotReady', 'container runtime is down'];
    return {
      type: 'Ready',
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    };
  }
}
