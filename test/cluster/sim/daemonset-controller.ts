// The DaemonSet controller (pkg/controller/daemon/daemon_controller.go, update.go): one pod per node
// that should run it (nodeSelector, required node affinity, taints vs tolerations — NoSchedule keeps new
// pods off, NoExecute removes running ones; DaemonSet pods tolerate not-ready/unschedulable), pods come
// and go as nodes and labels change, failed pods are replaced, a template change rolls out with
// RollingUpdate (maxUnavailable, no surge) or waits for deletion (OnDelete); ControllerRevisions are
// kept per template; status counts as `kubectl rollout status` reads them.
import type { InternalClient } from '../apiserver/client.js';
import { shortHash } from '../apiserver/custom-resources.js';
import type { FakeApiServer } from '../apiserver/server.js';
import { isRecord, type Obj } from '../apiserver/types.js';
import { randomSuffix } from '../apiserver/writes.js';
import {
  daemonTolerations,
  isPodReady,
  nodeMatches,
  nodeTaints,
  type PodSpec,
  toleratesAll,
} from './scheduling.js';
import { WorkQueue } from './work-queue.js';

const HASH = 'controller-revision-hash';
const GEN = 'pod-template-generation';

type Rec = Record<string, unknown>;
const specOf = (o: Obj): Rec => (isRecord(o.spec) ? o.spec : {});

/** intstr: an int, or a percentage of `total` rounded up (maxUnavailable). */
export function scaledValue(v: unknown, total: number, def: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.endsWith('%')) return Math.ceil((Number(v.slice(0, -1)) * total) / 100);
  if (typeof v === 'string' && v !== '') return Number(v);
  return def;
}

export class DaemonSetController {
  private readonly queue: WorkQueue;
  private readonly api: InternalClient;

  constructor(server: FakeApiServer, opts: { delayMs?: number } = {}) {
    this.api = server.api.as('system:serviceaccount:kube-system:daemon-set-controller');
    this.queue = new WorkQueue((key) => this.reconcile(key), opts.delayMs ?? 0);
    server.store.onEvent((def, ev) => {
      if (def.group === 'apps' && def.plural === 'daemonsets')
        this.queue.add(`${ev.obj.metadata.namespace}/${ev.obj.metadata.name}`);
      else if (def.group === '' && def.plural === 'nodes')
        for (const ds of this.api.list('daemonsets'))
          this.queue.add(`${ds.metadata.namespace}/${ds.metadata.name}`);
      else if (def.group === '' && def.plural === 'pods')
        for (const o of ev.obj.metadata.ownerReferences ?? [])
          if (o.kind === 'DaemonSet' && o.controller)
            this.queue.add(`${ev.obj.metadata.namespace}/${o.name}`);
    });
    for (const ds of this.api.list('daemonsets'))
      this.queue.add(`${ds.metadata.namespace}/${ds.metadata.name}`);
  }

  get errors() {
    return this.queue.errors;
  }

  stop(): void {
    this.queue.stop();
  }

  private reconcile(key: string): void {
    const [ns = '', name = ''] = key.split('/');
    const ds = this.api.get({ group: 'apps', plural: 'daemonsets' }, ns, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const spec = specOf(ds);
    const template = (isRecord(spec.template) ? spec.template : {}) as {
      metadata?: { labels?: Record<string, string> };
      spec?: PodSpec;
    };
    const podSpec: PodSpec = { ...(template.spec ?? {}) };
    const hash = shortHash(template);
    this.ensureRevision(ds, template, hash);
    const pods = this.api
      .list('pods', { namespace: ns })
      .filter((p) =>
        (p.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === ds.metadata.uid),
      );
    const byNode = new Map<string, Obj[]>();
    for (const p of pods) {
      const node = String(specOf(p).nodeName ?? '');
      byNode.set(node, [...(byNode.get(node) ?? []), p]);
    }
    const tolerations = daemonTolerations(podSpec);
    let desired = 0;
    let scheduled = 0;
    let misscheduled = 0;
    const toCreate: string[] = [];
    const live: Obj[] = [];
    // storeDaemonSetStatus counts ready/updated pods on nodes that should run one only.
    const counted: Obj[] = [];
    for (const node of this.api.list('nodes')) {
      const n = node.metadata.name;
      const matches = nodeMatches({ ...podSpec, nodeName: undefined }, node);
      const shouldRun = matches && toleratesAll(tolerations, nodeTaints(node), ['NoSchedule', 'NoExecute']);
      const shouldContinue = matches && toleratesAll(tolerations, nodeTaints(node), ['NoExecute']);
      const here = (byNode.get(n) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      byNode.delete(n);
      if (shouldRun) desired++;
      const failed = here.filter((p) => (p.status as Rec | undefined)?.phase === 'Failed');
      for (const p of failed) this.deletePod(p);
      const running = here.filter((p) => !failed.includes(p));
      if (!shouldContinue) {
        for (const p of running) this.deletePod(p);
        if (running.length > 0) misscheduled++;
        continue;
      }
      if (running.length > 0) {
        if (shouldRun) scheduled++;
        else misscheduled++;
        running.sort((a, b) =>
          String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)),
        );
        for (const extra of running.slice(1)) this.deletePod(extra);
        live.push(running[0] as Obj);
        if (shouldRun) counted.push(running[0] as Obj);
      } else if (shouldRun && !byNodeDeleting(pods, n)) toCreate.push(n);
    }
    // Pods on nodes that no longer exist.
    for (const rest of byNode.values())
      for (const p of rest) if (!p.metadata.deletionTimestamp) this.deletePod(p);
    for (const n of toCreate) this.createPod(ds, template, podSpec, tolerations, hash, n);
    this.rollingUpdate(ds, live, hash, desired);
    const ready = counted.filter(isPodReady).length;
    const updated = counted.filter((p) => p.metadata.labels?.[HASH] === hash).length;
    const status = {
      currentNumberScheduled: scheduled,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: updated,
      numberAvailable: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
    };
    if (JSON.stringify(ds.status ?? {}) !== JSON.stringify(status))
      this.api.mutate(
        { group: 'apps', plural: 'daemonsets' },
        ns,
        name,
        (d) => {
          d.status = status;
        },
        'status',
      );
  }

  /** update.go rollingUpdate (maxSurge 0): old pods go while the unavailable count stays ≤ maxUnavailable. */
  private rollingUpdate(ds: Obj, live: Obj[], hash: string, desired: number): void {
    const strategy = (specOf(ds).updateStrategy ?? {}) as {
      type?: string;
      rollingUpdate?: { maxUnavailable?: unknown };
    };
    if (strategy.type === 'OnDelete') return;
    const maxUnavailable = Math.max(1, scaledValue(strategy.rollingUpdate?.maxUnavailable, desired, 1));
    const old = live.filter((p) => p.metadata.labels?.[HASH] !== hash);
    if (old.length === 0) return;
    const unavailable = desired - live.filter(isPodReady).length;
    // Old pods that are not available anyway go first, at no cost to availability.
    for (const p of old.filter((p) => !isPodReady(p))) this.deletePod(p);
    let budget = maxUnavailable - unavailable;
    for (const p of old.filter(isPodReady)) {
      if (budget <= 0) break;
      this.deletePod(p);
      budget--;
    }
  }

  private createPod(
    ds: Obj,
    template: { metadata?: { labels?: Record<string, string> } },
    podSpec: PodSpec,
    tolerations: unknown[],
    hash: string,
    node: string,
  ): void {
    const labels = { ...template.metadata?.labels, [HASH]: hash, [GEN]: String(ds.metadata.generation ?? 1) };
    this.api.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${ds.metadata.name}-${randomSuffix()}`,
        namespace: ds.metadata.namespace,
        labels,
        ...(isRecord(template.metadata) && isRecord((template.metadata as Rec).annotations)
          ? { annotations: (template.metadata as Rec).annotations as Record<string, string> }
          : {}),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            name: ds.metadata.name,
            uid: ds.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      // The controller pins the pod to its node through affinity; the scheduler binds it (nodeName).
      spec: {
        ...structuredClone(podSpec),
        nodeName: node,
        tolerations,
        affinity: {
          ...((podSpec.affinity as Rec | undefined) ?? {}),
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] },
              ],
            },
          },
        },
      },
    });
  }

  private deletePod(p: Obj): void {
    try {
      this.api.delete('pods', p.metadata.namespace, p.metadata.name);
    } catch {
      // already gone
    }
  }

  private ensureRevision(ds: Obj, template: unknown, hash: string): void {
    const ns = ds.metadata.namespace;
    const name = `${ds.metadata.name}-${hash}`;
    const ref = { group: 'apps', plural: 'controllerrevisions' };
    if (this.api.get(ref, ns, name)) return;
    const owned = this.api
      .list(ref, { namespace: ns })
      .filter((r) => (r.metadata.ownerReferences ?? []).some((o) => o.uid === ds.metadata.uid));
    const revision = Math.max(0, ...owned.map((r) => Number(r.revision ?? 0))) + 1;
    this.api.create(ref, {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: ns,
        labels: {
          ...(isRecord(template) && isRecord(template.metadata)
            ? (template.metadata.labels as Record<string, string>)
            : {}),
          [HASH]: hash,
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            name: ds.metadata.name,
            uid: ds.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      data: { spec: { template: { ...(template as Rec), $patch: 'replace' } } },
      revision,
    });
    const limit = Number(specOf(ds).revisionHistoryLimit ?? 10);
    const stale = owned
      .sort((a, b) => Number(a.revision) - Number(b.revision))
      .slice(0, Math.max(0, owned.length + 1 - limit - 1));
    for (const r of stale) this.api.delete(ref, ns, r.metadata.name);
  }
}

const byNodeDeleting = (pods: Obj[], node: string): boolean =>
  pods.some((p) => specOf(p).nodeName === node && !!p.metadata.deletionTimestamp);
