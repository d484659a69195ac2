// One reconcile of one MirrorSet, decided (pure): the snapshot of the informer caches in, the writes
// out (types.ts ReconcilePlan). Apply: every selected node's MirrorNode names the current revision
// at once (hot changes reach every node), restarts and reloads go out as permits (permits.ts).
// Delete: every node's MirrorNode switches to uninstall, with the same permits and waves; the
// finalizer goes only when every node reports Uninstalled.
import { canonicalJson } from '../../spec/hash.js';
import { findCondition, MIRRORSET_CONDITIONS, READY_REASONS } from '../api/conditions.js';
import { ANNOTATIONS, controllerRevisionName, UNINSTALL_FINALIZER } from '../api/meta.js';
import type { MirrorNodeObject, MirrorNodeSpec } from '../api/mirrornode.js';
import { classify } from './classify.js';
import { statusEvents } from './events.js';
import { planPermits } from './permits.js';
import { planRevisions } from './revisions.js';
import { ownership } from './selection.js';
import { checkSpec, clusterFieldsOrDefaults } from './spec-check.js';
import { buildStatus } from './status.js';
import type { NodeFacts, NodeView, ReconcilePlan, Snapshot, WaveState } from './types.js';

const sameSpec = (a: MirrorNodeSpec, b: MirrorNodeSpec): boolean => canonicalJson(a) === canonicalJson(b);

function previousWave(s: Snapshot): WaveState | undefined {
  const w = s.set.status?.wave;
  if (!w) return undefined;
  const soak = w.soakUntil ? Date.parse(w.soakUntil) : Number.NaN;
  return {
    number: w.number,
    nodes: w.nodes,
    phase: w.phase,
    ...(Number.isNaN(soak) ? {} : { soakUntil: soak }),
  };
}

export function planReconcile(s: Snapshot): ReconcilePlan {
  const set = s.set;
  const name = set.metadata.name;
  const prev = set.status;
  const deleting = set.metadata.deletionTimestamp !== undefined;
  const plan: ReconcilePlan = {
    addFinalizer: !deleting && !(set.metadata.finalizers ?? []).includes(UNINSTALL_FINALIZER),
    mirrorNodes: [],
    drains: [],
    jobs: [],
    uncordon: [],
    status: {},
    events: [],
    deleteRevisions: [],
    deleteMirrorNodes: [],
    removeFinalizer: false,
    wavesStarted: 0,
  };
  const nodes = new Map(s.nodes.map((n) => [n.name, n]));
  const mns = new Map(s.mirrorNodes.map((m) => [m.metadata.name, m]));
  const jobs = new Map(s.jobs.map((j) => [j.name, j]));
  const check = deleting ? undefined : checkSpec(set);
  const fields = check?.ok ? check.fields : clusterFieldsOrDefaults(set);
  const mine = s.mirrorNodes.filter((m) => m.spec.mirrorSet === name && nodes.has(m.metadata.name));
  const prevReady = findCondition(prev?.conditions, MIRRORSET_CONDITIONS.ready);
  const view = (n: string, revision: string, mode: 'apply' | 'uninstall'): NodeView => {
    const mn = mns.get(n);
    const node = nodes.get(n);
    return classify({
      name: n,
      ...(mn ? { mirrorNode: mn } : {}),
      ...(node ? { node } : {}),
      jobs,
      revision,
      mode,
      rollout: fields.rollout,
      now: s.now,
    });
  };
  const write = (n: string, spec: MirrorNodeSpec, node: NodeFacts | undefined) => {
    const mn = mns.get(n);
    if (mn && sameSpec(mn.spec, spec)) return;
    plan.mirrorNodes.push({
      name: n,
      create: !mn,
      spec,
      nodeUid: node?.uid ?? '',
      ...(mn?.metadata.resourceVersion ? { resourceVersion: mn.metadata.resourceVersion } : {}),
    });
  };

  if (check && !check.ok) {
    // Refused: nothing is rolled out; the nodes keep what they have.
    const own = ownership(set, s.others, s.nodes, s.mirrorNodes);
    plan.status = buildStatus({
      generation: set.metadata.generation ?? 0,
      ...(prev ? { previous: prev } : {}),
      now: s.now,
      invalid: `spec refused: ${check.message}`,
      deleting: false,
      views: [],
      total: own.selected.length,
      pause: { paused: false, message: '', resumed: false },
      conflicts: [],
      notReadyInSoak: [],
      history: prev?.history ?? [],
    });
    plan.events = statusEvents(prev, plan.status);
    return plan;
  }

  let views: NodeView[];
  let leaving: NodeView[] = [];
  let total: number;
  let revisionFor: (n: string) => string;
  let conflicts: ReturnType<typeof ownership>['conflicts'] = [];
  let history = prev?.history ?? [];
  const revision = check?.ok ? check.revision : undefined;
  if (check?.ok && revision) {
    const crName = controllerRevisionName(name, revision);
    const own = ownership(set, s.others, s.nodes, s.mirrorNodes);
    conflicts = own.conflicts;
    total = own.selected.length;
    views = own.owned.map((n) => view(n, revision, 'apply'));
    leaving = own.deselected.map((n) => view(n, mns.get(n)?.spec.revision ?? revision, 'uninstall'));
    revisionFor = (n) => (own.deselected.includes(n) ? (mns.get(n)?.spec.revision ?? revision) : revision);
    for (const n of own.owned) {
      const mn = mns.get(n);
      const node = nodes.get(n);
      // The current revision everywhere at once; a permit stays with the MirrorNode it was given to.
      write(
        n,
        {
          mirrorSet: name,
          revision,
          controllerRevision: crName,
          mode: 'apply',
          ...(node ? { target: node.target } : {}),
          ...(mn?.spec.mirrorSet === name && mn.spec.permit ? { permit: mn.spec.permit } : {}),
        },
        node,
      );
    }
    for (const n of own.deselected) {
      const mn = mns.get(n) as MirrorNodeObject;
      write(n, { ...mn.spec, mode: 'uninstall' }, nodes.get(n));
      if (leaving.find((v) => v.name === n)?.phase === 'done') plan.deleteMirrorNodes.push(n);
    }
    const referenced = new Set(s.mirrorNodes.map((m) => m.spec.controllerRevision));
    const rp = planRevisions(crName, revision, s.revisions, prev?.history, referenced, s.now);
    if (rp.create) plan.revision = { ...rp.create, data: check.document };
    plan.deleteRevisions = rp.prune;
    history = rp.history;
  } else {
    // Deleting: every node this MirrorSet configured goes back to what it had.
    views = mine.map((m) => view(m.metadata.name, m.spec.revision, 'uninstall'));
    total = mine.length;
    revisionFor = (n) => mns.get(n)?.spec.revision ?? '';
    for (const m of mine)
      write(m.metadata.name, { ...m.spec, mode: 'uninstall' }, nodes.get(m.metadata.name));
  }

  const mode = deleting ? 'uninstall' : 'apply';
  const sameRollout = deleting
    ? prevReady?.reason === READY_REASONS.uninstalling
    : prev?.revision === revision && prevReady?.reason !== READY_REASONS.uninstalling;
  const pw = sameRollout ? previousWave(s) : undefined;
  const permits = planPermits({
    views,
    leaving,
    mode,
    revisionFor,
    rollout: fields.rollout,
    total,
    jobs: s.jobs,
    nodes,
    ...(pw ? { previousWave: pw } : {}),
    pause: {
      ...(prev ? { previous: prev } : {}),
      sameRollout,
      ...(set.metadata.annotations?.[ANNOTATIONS.resume] !== undefined
        ? { resumeToken: set.metadata.annotations[ANNOTATIONS.resume] }
        : {}),
      conflicts,
    },
    now: s.now,
  });
  // Merge the permits into the spec writes: one write per MirrorNode.
  for (const [n, permit] of permits.permits) {
    const pending = plan.mirrorNodes.find((w) => w.name === n);
    if (pending) pending.spec = { ...pending.spec, permit };
    else {
      const mn = mns.get(n);
      if (mn) write(n, { ...mn.spec, permit }, nodes.get(n));
    }
  }
  plan.jobs = permits.jobs;
  plan.drains = permits.drains;
  plan.uncordon = permits.uncordon;
  plan.wavesStarted = permits.waveStarted ? 1 : 0;

  const complete = views.every((v) => v.phase === 'done');
  if (deleting && complete) {
    plan.deleteMirrorNodes = mine.map((m) => m.metadata.name);
    plan.deleteRevisions = s.revisions.map((r) => r.name);
    plan.removeFinalizer = (set.metadata.finalizers ?? []).includes(UNINSTALL_FINALIZER);
    plan.mirrorNodes = [];
  }
  plan.status = buildStatus({
    generation: set.metadata.generation ?? 0,
    ...(prev ? { previous: prev } : {}),
    now: s.now,
    ...(revision ? { revision } : {}),
    deleting,
    views,
    total,
    ...(permits.wave ? { wave: permits.wave } : {}),
    pause: permits.pause,
    conflicts,
    notReadyInSoak: permits.notReadyInSoak,
    history,
    ...(permits.waiting ? { waiting: permits.waiting } : {}),
  });
  plan.events = statusEvents(prev, plan.status);
  if (deleting && complete)
    plan.events.push({
      type: 'Normal',
      reason: 'Uninstalled',
      action: 'Uninstall',
      note: `every node (${views.length}) removed the configuration of MirrorSet ${name}`,
    });
  if (permits.wakeAt !== undefined) plan.requeueAfterMs = Math.max(permits.wakeAt - s.now, 100);
  return plan;
}
