// The disruption controller (pkg/controller/disruption/disruption.go): keeps each PodDisruptionBudget's
// status — expectedPods, currentHealthy (Ready, not being deleted, not just evicted), desiredHealthy
// from minAvailable / maxUnavailable (int or percent), disruptionsAllowed, observedGeneration — which
// the eviction subresource (apiserver/eviction.ts) reads to answer 429 or evict.
import type { InternalClient } from '../apiserver/client.js';
import { type LabelSelectorObject, matchesLabelSelector } from '../apiserver/selectors.js';
import type { FakeApiServer } from '../apiserver/server.js';
import { isRecord, type Obj, timestamp } from '../apiserver/types.js';
import { isPodReady } from './scheduling.js';
import { WorkQueue } from './work-queue.js';

const PDB = { group: 'policy', plural: 'poddisruptionbudgets' };
/** DeletionTimeout: an eviction the pod deletion never followed stops counting after 2 minutes. */
const DELETION_TIMEOUT_MS = 2 * 60_000;

function scaled(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const pct = Number(String(v).replace('%', ''));
  const x = (pct * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export class DisruptionController {
  private readonly queue: WorkQueue;
  private readonly api: InternalClient;

  constructor(server: FakeApiServer, opts: { delayMs?: number } = {}) {
    this.api = server.api.as('system:serviceaccount:kube-system:disruption-controller');
    this.queue = new WorkQueue((key) => this.reconcile(key), opts.delayMs ?? 0);
    server.store.onEvent((def, ev) => {
      if (def.group === 'policy' && def.plural === 'poddisruptionbudgets')
        this.queue.add(`${ev.obj.metadata.namespace}/${ev.obj.metadata.name}`);
      else if (def.group === '' && def.plural === 'pods')
        for (const pdb of this.api.list(PDB, { namespace: ev.obj.metadata.namespace }))
          this.queue.add(`${pdb.metadata.namespace}/${pdb.metadata.name}`);
    });
  }

  stop(): void {
    this.queue.stop();
  }

  private reconcile(key: string): void {
    const [ns = '', name = ''] = key.split('/');
    const pdb = this.api.get(PDB, ns, name);
    if (!pdb) return;
    const spec = (isRecord(pdb.spec) ? pdb.spec : {}) as {
      selector?: LabelSelectorObject;
      minAvailable?: unknown;
      maxUnavailable?: unknown;
    };
    const pods = this.api
      .list('pods', { namespace: ns })
      .filter((p) => matchesLabelSelector(spec.selector, p.metadata.labels));
    const old = (isRecord(pdb.status) ? pdb.status : {}) as { disruptedPods?: Record<string, string> };
    const now = Date.now();
    const disrupted: Record<string, string> = {};
    for (const [pod, at] of Object.entries(old.disruptedPods ?? {})) {
      const p = pods.find((x) => x.metadata.name === pod);
      if (p && !p.metadata.deletionTimestamp && now - Date.parse(at) < DELETION_TIMEOUT_MS)
        disrupted[pod] = at;
    }
    // Percentages and maxUnavailable need the pods' controller scale (getExpectedPodCount); without one
    // the real controller fails safe: nothing allowed, and the budget is not marked observed.
    const needsScale = typeof spec.minAvailable === 'string' || spec.maxUnavailable !== undefined;
    if (
      needsScale &&
      pods.some(
        (p) => !(p.metadata.ownerReferences ?? []).some((o) => o.controller && o.kind === 'DaemonSet'),
      )
    ) {
      const st = (isRecord(pdb.status) ? pdb.status : {}) as Record<string, unknown>;
      if (st.disruptionsAllowed === 0) return;
      this.api.mutate(
        PDB,
        ns,
        name,
        (d) => {
          d.status = {
            ...st,
            disruptionsAllowed: 0,
            conditions: [
              {
                type: 'DisruptionAllowed',
                status: 'False',
                reason: 'SyncFailed',
                message: 'found no controllers for pod',
                lastTransitionTime: timestamp(now),
              },
            ],
          };
        },
        'status',
      );
      return;
    }
    const expected = this.expectedCount(pods);
    const healthy = pods.filter(
      (p) => isPodReady(p) && !p.metadata.deletionTimestamp && !(p.metadata.name in disrupted),
    ).length;
    const desired =
      spec.minAvailable !== undefined
        ? scaled(spec.minAvailable, expected, true)
        : spec.maxUnavailable !== undefined
          ? Math.max(0, expected - scaled(spec.maxUnavailable, expected, true))
          : expected;
    const allowed = Math.max(0, healthy - desired);
    const status = {
      observedGeneration: pdb.metadata.generation,
      ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: allowed > 0 ? 'True' : 'False',
          reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
          message: '',
          observedGeneration: pdb.metadata.generation,
          lastTransitionTime: timestamp(now),
        },
      ],
    };
    const strip = (s: unknown) => JSON.stringify({ ...(s as object), conditions: undefined });
    if (strip(pdb.status) === strip(status)) return;
    this.api.mutate(
      PDB,
      ns,
      name,
      (d) => {
        d.status = status;
      },
      'status',
    );
  }

  /** Pods the budget expects: a DaemonSet's desired count for its pods, else the pods found. */
  private expectedCount(pods: Obj[]): number {
    const owners = new Map<string, number>();
    let unowned = 0;
    for (const p of pods) {
      const ref = (p.metadata.ownerReferences ?? []).find((o) => o.controller && o.kind === 'DaemonSet');
      if (!ref) {
        unowned++;
        continue;
      }
      if (owners.has(ref.uid)) continue;
      const ds = this.api.get({ group: 'apps', plural: 'daemonsets' }, p.metadata.namespace, ref.name);
      const st = (isRecord(ds?.status) ? ds?.status : {}) as { desiredNumberScheduled?: number };
      owners.set(ref.uid, st.desiredNumberScheduled ?? 0);
    }
    return unowned + [...owners.values()].reduce((a, b) => a + b, 0);
  }
}
