// The node agent's Prometheus metrics (prom-client, a registry of its own, no default collectors):
// applies by result, runtime actions, rollbacks, drift repairs, reconcile duration, and the node's
// state as a one-hot gauge. Served on :9477/metrics by src/host/metrics-server.ts.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { NODE_STATES, type NodeState } from '../api/mirrornode.js';
import type { ApplyResult } from './outcome.js';

export interface AgentMetrics {
  applied(result: ApplyResult): void;
  restarted(kind: 'restart' | 'reload'): void;
  rolledBack(): void;
  driftRepaired(): void;
  reconciled(seconds: number): void;
  state(state: NodeState | undefined): void;
  text(): Promise<{ contentType: string; body: string }>;
}

export function agentMetrics(node: string): AgentMetrics {
  const registers = [new Registry()];
  const [registry] = registers as [Registry];
  registry.setDefaultLabels({ node });
  const applies = new Counter({
    name: 'mirrorctl_applies_total',
    help: 'Reconciles of this node by result (applied, unchanged, pending, failed, rolled-back).',
    labelNames: ['result'],
    registers,
  });
  const restarts = new Counter({
    name: 'mirrorctl_restarts_total',
    help: 'Runtime restarts and reloads performed (by the apply Job, under a permit).',
    labelNames: ['action'],
    registers,
  });
  const rollbacks = new Counter({
    name: 'mirrorctl_rollbacks_total',
    help: 'Transactions rolled back because the runtime was not healthy after the change.',
    registers,
  });
  const drift = new Counter({
    name: 'mirrorctl_drift_repairs_total',
    help: 'Files found changed on disk and rewritten (no runtime action needed).',
    registers,
  });
  const duration = new Histogram({
    name: 'mirrorctl_reconcile_duration_seconds',
    help: 'Time of one reconcile: read the revision, plan, and apply when allowed.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const state = new Gauge({
    name: 'mirrorctl_node_state',
    help: 'The state this agent last reported for its node (1 for the current state, 0 otherwise).',
    labelNames: ['state'],
    registers,
  });
  for (const s of NODE_STATES) state.set({ state: s }, 0);
  return {
    applied: (result) => applies.inc({ result }),
    restarted: (kind) => restarts.inc({ action: kind }),
    rolledBack: () => rollbacks.inc(),
    driftRepaired: () => drift.inc(),
    reconciled: (seconds) => duration.observe(seconds),
    state: (current) => {
      for (const s of NODE_STATES) state.set({ state: s }, s === current ? 1 : 0);
    },
    text: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
