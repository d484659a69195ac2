// The kubelet of one simulated node: runs every pod bound to the node (pod-worker.ts — real processes
// inside the node's namespaces, or status-only without a NodeHost), reports pod status (pod-status.ts)
// and Events, refreshes ConfigMap/Secret volumes after the propagation delay, finishes graceful pod
// deletion (kill, then the final delete), registers its Node, and takes everything down when its node
// stops (Ready → Unknown; pods stay bound, as in a cluster). One store listener routes events to
// kubelets by node name, so 5,000 status-only kubelets cost one lookup per pod event.
import type { InternalClient } from '../../apiserver/client.js';
import type { FakeApiServer } from '../../apiserver/server.js';
import { isRecord, type Obj, timestamp } from '../../apiserver/types.js';
import { randomSuffix } from '../../apiserver/writes.js';
import { Nodes, type SimNodeSpec } from '../nodes.js';
import type { ImageDef } from './container.js';
import type { NodeHost } from './node-host.js';
import { podStatus, sameStatus } from './pod-status.js';
import { PodWorker, type WorkerHost } from './pod-worker.js';
import { removePodDir } from './volumes.js';

export interface KubeletOptions {
  node: string;
  /** Runs containers as real processes on this node; without it the kubelet is status-only. */
  host?: NodeHost;
  /** Image reference → local stand-in (an image not listed stays in ErrImagePull). */
  images?: Record<string, ImageDef>;
  /** Registers the Node with this spec if it does not exist yet. */
  register?: Omit<SimNodeSpec, 'name'>;
  /** Delay before a changed ConfigMap/Secret reaches mounted volumes (kubelet: up to ~1 min; default 1 s). */
  propagationDelayMs?: number;
  /** CrashLoopBackOff: first delay and cap (kubelet: 10 s and 300 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Upper bound on a pod's termination grace period (default 30 s). */
  maxGraceMs?: number;
  /** Probe periods and initial delays are multiplied by this (default 1). */
  probeScale?: number;
  /** Retry interval for volumes that cannot be mounted yet (default 1 s). */
  mountRetryMs?: number;
  /** Status-only mode: decides a pod's end (exit code) instead of running it; undefined = runs forever. */
  simulate?: (pod: Obj) => Promise<number> | undefined;
}

const LOG_LIMIT = 1 << 20;
const routers = new WeakMap<FakeApiServer, Map<string, Kubelet>>();

function route(server: FakeApiServer, k: Kubelet): void {
  let byNode = routers.get(server);
  if (!byNode) {
    const table = new Map<string, Kubelet>();
    byNode = table;
    routers.set(server, table);
    server.store.onEvent((def, ev) => {
      if (def.group !== '') return;
      if (def.plural === 'pods') {
        const nodeOf = (o: Obj | undefined) => (isRecord(o?.spec) ? String(o.spec.nodeName ?? '') : '');
        const targets = new Set([nodeOf(ev.obj), nodeOf(ev.prev)]);
        for (const n of targets) table.get(n)?.onPod(ev.type, ev.obj);
      } else if (def.plural === 'configmaps' || def.plural === 'secrets')
        for (const kl of table.values())
          kl.onSource(`${def.plural}/${ev.obj.metadata.namespace}/${ev.obj.metadata.name}`);
    });
  }
  byNode.set(k.node, k);
}

export class Kubelet {
  readonly workers = new Map<string, PodWorker>();
  private running = false;
  private readonly api: InternalClient;
  private readonly nodes: Nodes;
  private readonly workerHost: WorkerHost;

  constructor(
    private readonly server: FakeApiServer,
    readonly opts: KubeletOptions,
  ) {
    this.api = server.api.as(`system:node:${opts.node}`);
    this.nodes = new Nodes(server);
    this.workerHost = {
      opts,
      api: this.api,
      ca: server.pki?.ca ?? '',
      hostIP: () => this.hostIP(),
      running: () => this.running,
      token: (pod) => this.token(pod),
      report: (w) => this.report(w),
      event: (pod, type, reason, message) => this.event(pod, type, reason, message),
      log: (pod, container, text) => this.appendLog(pod, container, text),
    };
    route(server, this);
  }

  get node(): string {
    return this.opts.node;
  }

  private hostIP(): string {
    const n = this.nodes.get(this.node);
    const addrs = (
      isRecord(n?.status) && Array.isArray(n.status.addresses) ? n.status.addresses : []
    ) as Array<{ type: string; address: string }>;
    return addrs.find((a) => a.type === 'InternalIP')?.address ?? '';
  }

  async start(): Promise<void> {
    if (this.opts.host && !this.opts.host.running) {
      if (!this.server.pki)
        throw new Error(
          'a kubelet running pods needs the API server started with { tls: true } (pods use the in-cluster config)',
        );
      await this.opts.host.start();
    }
    if (!this.nodes.get(this.node)) this.nodes.add({ name: this.node, ...this.opts.register });
    this.running = true;
    this.server.kubeletNodes.add(this.node);
    this.nodes.setReady(this.node, true);
    for (const pod of this.api.list('pods', { fieldSelector: `spec.nodeName=${this.node}` }))
      this.onPod('ADDED', pod);
  }

  /** The node goes down: every container dies, the node turns Unknown, pods stay bound (as in a cluster). */
  async stop(): Promise<void> {
    this.running = false;
    for (const w of this.workers.values()) w.quiesce();
    this.workers.clear();
    await this.opts.host?.stop();
    if (this.nodes.get(this.node)) this.nodes.setReady(this.node, 'Unknown');
  }

  /** Output of a pod's containers (one container, or all). */
  logs(ns: string, pod: string, container?: string): string {
    return this.server.logs.get(container ? `${ns}/${pod}/${container}` : `${ns}/${pod}`) ?? '';
  }

  onPod(type: string, pod: Obj): void {
    if (!this.running) return;
    const uid = pod.metadata.uid ?? '';
    const w = this.workers.get(uid);
    if (type === 'DELETED' || (isRecord(pod.spec) ? pod.spec.nodeName : undefined) !== this.node) {
      if (w) void this.finish(w, 0, false);
      return;
    }
    if (w) {
      w.pod = pod;
      if (pod.metadata.deletionTimestamp && !w.terminating)
        void this.finish(
          w,
          Math.min((pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000, this.opts.maxGraceMs ?? 30_000),
          true,
        );
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      this.finalDelete(pod);
      return;
    }
    const phase = isRecord(pod.status) ? pod.status.phase : undefined;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const worker = new PodWorker(pod, this.workerHost);
    this.workers.set(uid, worker);
    worker.start();
  }

  onSource(key: string): void {
    if (this.running) for (const w of this.workers.values()) w.sourceChanged(key);
  }

  private async finish(w: PodWorker, graceMs: number, finalDelete: boolean): Promise<void> {
    await w.kill(graceMs);
    this.workers.delete(w.pod.metadata.uid ?? '');
    if (!this.running) return;
    this.report(w, true);
    if (this.opts.host) removePodDir(this.opts.host.opts.root, w.pod);
    if (finalDelete) this.finalDelete(w.pod);
  }

  private finalDelete(pod: Obj): void {
    try {
      this.api.delete('pods', pod.metadata.namespace, pod.metadata.name, {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid ?? '' },
      });
    } catch {
      // already gone
    }
  }

  /** A bound service-account token (TokenRequest), with the pod and node in its extra fields. */
  private token(pod: Obj): string {
    const spec = pod.spec as Record<string, unknown>;
    const ns = pod.metadata.namespace ?? 'default';
    const sa = String(spec.serviceAccountName ?? 'default');
    return this.server.issueToken({
      username: `system:serviceaccount:${ns}:${sa}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/pod-name': [pod.metadata.name],
        'authentication.kubernetes.io/pod-uid': [pod.metadata.uid ?? ''],
        'authentication.kubernetes.io/node-name': [this.node],
      },
    });
  }

  private report(w: PodWorker, final = false): void {
    if (!this.running) return;
    const { name, namespace: ns, uid } = w.pod.metadata;
    const current = this.api.get('pods', ns, name);
    if (!current || current.metadata.uid !== uid) return;
    const status = podStatus(
      {
        pod: w.pod,
        containers: w.containers,
        volumesReady: w.volumesReady,
        hostIP: this.hostIP(),
        startTime: w.startTime,
      },
      current.status as Record<string, unknown> | undefined,
    );
    if (final && status.phase === 'Running')
      status.phase = w.containers.every((c) => c.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    if (sameStatus(status, current.status)) return;
    this.api.mutate(
      'pods',
      ns,
      name,
      (d) => {
        d.status = status;
      },
      'status',
    );
  }

  private appendLog(pod: Obj, container: string, text: string): void {
    for (const key of [
      `${pod.metadata.namespace}/${pod.metadata.name}`,
      `${pod.metadata.namespace}/${pod.metadata.name}/${container}`,
    ]) {
      const next = `${this.server.logs.get(key) ?? ''}${text}`;
      this.server.logs.set(key, next.length > LOG_LIMIT ? next.slice(-LOG_LIMIT) : next);
    }
  }

  private event(pod: Obj, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const now = timestamp(Date.now());
    try {
      this.api.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${pod.metadata.name}.${randomSuffix(10)}`, namespace: pod.metadata.namespace },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          namespace: pod.metadata.namespace,
          name: pod.metadata.name,
          uid: pod.metadata.uid,
        },
        reason,
        message,
        type,
        source: { component: 'kubelet', host: this.node },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
    } catch {
      // a Terminating namespace refuses new events; kubelet drops them too
    }
  }
}
