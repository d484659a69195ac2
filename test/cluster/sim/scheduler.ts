// A minimal default scheduler: binds each pending pod without a nodeName (schedulerName
// default-scheduler) to a feasible node — nodeSelector, required affinity, taints (cordoned and
// NotReady nodes are tainted) — the one with the fewest pods; an unschedulable pod gets the
// PodScheduled=False condition the real scheduler writes, and is retried when nodes change.
import type { InternalClient } from '../apiserver/client.js';
import type { FakeApiServer } from '../apiserver/server.js';
import { isRecord, type Obj, timestamp } from '../apiserver/types.js';
import { type PodSpec, schedulable } from './scheduling.js';
import { WorkQueue } from './work-queue.js';

export class Scheduler {
  private readonly queue: WorkQueue;
  private readonly api: InternalClient;

  constructor(server: FakeApiServer, opts: { delayMs?: number } = {}) {
    this.api = server.api.as('system:kube-scheduler');
    this.queue = new WorkQueue((key) => this.schedule(key), opts.delayMs ?? 0);
    server.store.onEvent((def, ev) => {
      if (def.group === '' && def.plural === 'pods' && ev.type !== 'DELETED' && this.pending(ev.obj))
        this.queue.add(`${ev.obj.metadata.namespace}/${ev.obj.metadata.name}`);
      else if (def.group === '' && def.plural === 'nodes')
        for (const p of this.api.list('pods'))
          if (this.pending(p)) this.queue.add(`${p.metadata.namespace}/${p.metadata.name}`);
    });
  }

  stop(): void {
    this.queue.stop();
  }

  private pending(p: Obj): boolean {
    const spec = (isRecord(p.spec) ? p.spec : {}) as PodSpec & { schedulerName?: string };
    return (
      !spec.nodeName &&
      (spec.schedulerName ?? 'default-scheduler') === 'default-scheduler' &&
      !p.metadata.deletionTimestamp
    );
  }

  private schedule(key: string): void {
    const [ns = '', name = ''] = key.split('/');
    const pod = this.api.get('pods', ns, name);
    if (!pod || !this.pending(pod)) return;
    const spec = pod.spec as PodSpec;
    const nodes = this.api.list('nodes');
    const load = new Map<string, number>();
    for (const p of this.api.list('pods')) {
      const n = String((p.spec as PodSpec | undefined)?.nodeName ?? '');
      if (n) load.set(n, (load.get(n) ?? 0) + 1);
    }
    const fit = nodes
      .filter((n) => schedulable(spec, n))
      .sort(
        (a, b) =>
          (load.get(a.metadata.name) ?? 0) - (load.get(b.metadata.name) ?? 0) ||
          a.metadata.name.localeCompare(b.metadata.name),
      );
    const target = fit[0];
    const now = timestamp(Date.now());
    this.api.mutate(
      'pods',
      ns,
      name,
      (p) => {
        const st = (isRecord(p.status) ? p.status : {}) as { conditions?: Array<Record<string, unknown>> };
        const others = (st.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
        const cond = target
          ? { type: 'PodScheduled', status: 'True', lastTransitionTime: now }
          : {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: `0/${nodes.length} nodes are available: ${nodes.length} node(s) didn't match Pod's node affinity/selector or had untolerated taints.`,
              lastTransitionTime: now,
            };
        const had = st.conditions?.find((c) => c.type === 'PodScheduled');
        if (had?.status === cond.status && had?.reason === cond.reason) return false;
        p.status = { ...st, conditions: [...others, cond] };
      },
      'status',
    );
    if (target)
      this.api.mutate('pods', ns, name, (p) => {
        p.spec = { ...(p.spec as object), nodeName: target.metadata.name };
      });
  }
}
