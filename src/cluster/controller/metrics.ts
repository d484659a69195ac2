// The controller's Prometheus metrics (prom-client, its own registry: nothing global), served on
// /metrics by the metrics server (src/host/metrics-server.ts). Names as docs/design.md lists them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ControllerMetrics {
  registry: Registry;
  nodes: Gauge<'mirrorset' | 'state'>;
  waves: Counter;
  restarts: Counter;
  rollbacks: Counter;
  reconcileDuration: Histogram<'result'>;
  leader: Gauge;
  apiRequests: Counter<'verb' | 'code'>;
}

export function createControllerMetrics(): ControllerMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    nodes: new Gauge({
      name: 'mirrorctl_nodes',
      help: 'Nodes of a MirrorSet by the state their MirrorNode reports',
      labelNames: ['mirrorset', 'state'],
      registers,
    }),
    waves: new Counter({ name: 'mirrorctl_waves_total', help: 'Restart waves started', registers }),
    restarts: new Counter({
      name: 'mirrorctl_restarts_total',
      help: 'Restart/reload permits executed (apply Jobs created)',
      registers,
    }),
    rollbacks: new Counter({
      name: 'mirrorctl_rollbacks_total',
      help: 'Nodes seen rolled back after an apply',
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'mirrorctl_reconcile_duration_seconds',
      help: 'Time to reconcile one MirrorSet',
      labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    leader: new Gauge({ name: 'mirrorctl_leader', help: '1 while this replica holds the Lease', registers }),
    apiRequests: new Counter({
      name: 'mirrorctl_api_requests_total',
      help: 'Kubernetes API requests by verb and HTTP status (0: no answer)',
      labelNames: ['verb', 'code'],
      registers,
    }),
  };
}

const shownStates = new WeakMap<ControllerMetrics, Map<string, Set<string>>>();

/** mirrorctl_nodes for one MirrorSet: replaces its series with the current counts (none: removes them). */
export function setNodeStates(
  m: ControllerMetrics,
  mirrorSet: string,
  counts: ReadonlyMap<string, number>,
): void {
  const shown = shownStates.get(m) ?? new Map<string, Set<string>>();
  shownStates.set(m, shown);
  for (const state of shown.get(mirrorSet) ?? [])
    if (!counts.has(state)) m.nodes.remove({ mirrorset: mirrorSet, state });
  for (const [state, n] of counts) m.nodes.set({ mirrorset: mirrorSet, state }, n);
  if (counts.size > 0) shown.set(mirrorSet, new Set(counts.keys()));
  else shown.delete(mirrorSet);
}
