// `status --cluster` (pure view): per MirrorSet its STATUS (the Ready condition's reason, as
// `kubectl get mset` shows it), revision and counts, and per node its MirrorNode — state, the
// revision in force beside the desired one, runtime, drift repairs, message. All Ready = exit 0.
import { MIRRORSET_CONDITIONS } from '../api/conditions.js';
import { conditionOf, type MirrorNodeView, type MirrorSetView } from './resources.js';

export interface SetSummary {
  name: string;
  status: string;
  ready: boolean;
  revision?: string;
  nodes: { total: number; updated: number; ready: number; pendingRestart: number; failed: number };
  message: string;
  deleting: boolean;
}

export interface NodeStatusRow {
  node: string;
  mirrorSet: string;
  state: string;
  revision?: string;
  desired?: string;
  runtime?: string;
  driftRepairs: number;
  message?: string;
}

export interface ClusterStatus {
  mirrorSets: SetSummary[];
  nodes: NodeStatusRow[];
  allReady: boolean;
}

export function summarizeSet(s: MirrorSetView): SetSummary {
  const ready = conditionOf(s, MIRRORSET_CONDITIONS.ready);
  const n = s.status?.nodes;
  return {
    name: s.metadata.name,
    status: ready?.reason ?? 'Unknown',
    ready: ready?.status === 'True' && (s.status?.observedGeneration ?? 0) >= (s.metadata.generation ?? 0),
    ...(s.status?.revision ? { revision: s.status.revision } : {}),
    nodes: {
      total: n?.total ?? 0,
      updated: n?.updated ?? 0,
      ready: n?.ready ?? 0,
      pendingRestart: n?.pendingRestart ?? 0,
      failed: n?.failed ?? 0,
    },
    message: ready?.message ?? 'the controller has not reported on it yet',
    deleting: s.metadata.deletionTimestamp !== undefined,
  };
}

export function nodeStatusRow(m: MirrorNodeView): NodeStatusRow {
  const st = m.status;
  return {
    node: m.metadata.name,
    mirrorSet: m.spec?.mirrorSet ?? '',
    state: st?.state ?? 'Waiting',
    ...(st?.appliedRevision ? { revision: st.appliedRevision } : {}),
    ...(m.spec?.revision ? { desired: m.spec.revision } : {}),
    ...(st?.runtime ? { runtime: st.runtime } : {}),
    driftRepairs: st?.driftRepairs ?? 0,
    ...(st?.message ? { message: st.message } : {}),
  };
}

export function clusterStatus(
  sets: readonly MirrorSetView[],
  nodes: readonly MirrorNodeView[],
): ClusterStatus {
  const mirrorSets = sets.map(summarizeSet).sort((a, b) => a.name.localeCompare(b.name));
  const rows = nodes
    .map(nodeStatusRow)
    .sort((a, b) => a.mirrorSet.localeCompare(b.mirrorSet) || a.node.localeCompare(b.node));
  return { mirrorSets, nodes: rows, allReady: mirrorSets.length > 0 && mirrorSets.every((s) => s.ready) };
}
