// An in-memory cluster for the controller's pure decisions: planReconcile runs on snapshots of these
// objects and its plan is applied to them; simulated agents and apply Jobs answer as the real ones
// would. The controller keeps no memory between reconciles, so this also shows that every decision
// can be rebuilt from the API objects alone (a restarted controller).
import { UNINSTALL_FINALIZER } from '../../../src/cluster/api/meta.js';
import type { MirrorNodeObject } from '../../../src/cluster/api/mirrornode.js';
import type { MirrorSetObject } from '../../../src/cluster/api/mirrorset.js';
import { planReconcile } from '../../../src/cluster/controller/plan.js';
import type { JobFacts, ReconcilePlan, RevisionFacts } from '../../../src/cluster/controller/types.js';
import { mirrorNode, type NodeOptions, node, T0 } from './fixtures.js';

export type Behavior = 'hot' | 'restart' | 'reload' | 'fail-restart' | 'fail-hot';

interface SimNode {
  opts: NodeOptions;
  behavior: Behavior;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class PureCluster {
  now = T0;
  readonly sets = new Map<string, MirrorSetObject>();
  readonly nodes = new Map<string, SimNode>();
  readonly mns = new Map<string, MirrorNodeObject>();
  readonly jobs = new Map<string, JobFacts & { revision: string }>();
  readonly revisions = new Map<string, RevisionFacts>();
  readonly events: string[] = [];
  readonly plans: ReconcilePlan[] = [];
  /** Most restart Jobs running at one time. */
  maxActiveRestarts = 0;
  /** Nodes in the order their restart Job started. */
  readonly restartOrder: string[] = [];
  jobDurationMs = 5_000;

  addNode(name: string, behavior: Behavior = 'restart', opts: NodeOptions = {}): void {
    this.nodes.set(name, { opts, behavior });
  }

  setReady(name: string, ready: boolean): void {
    const n = this.nodes.get(name);
    if (n) n.opts = { ...n.opts, ready };
  }

  apply(set: MirrorSetObject): void {
    const old = this.sets.get(set.metadata.name);
    const generation =
      old && JSON.stringify(old.spec) !== JSON.stringify(set.spec)
        ? (old.metadata.generation ?? 1) + 1
        : (old?.metadata.generation ?? 1);
    this.sets.set(set.metadata.name, {
      ...set,
      metadata: {
        ...set.metadata,
        generation,
        ...(old?.metadata.finalizers ? { finalizers: old.metadata.finalizers } : {}),
      },
      ...(old?.status ? { status: old.status } : {}),
    });
  }

  annotate(set: string, key: string, value: string): void {
    const s = this.sets.get(set);
    if (s) s.metadata.annotations = { ...(s.metadata.annotations ?? {}), [key]: value };
  }

  delete(set: string): void {
    const s = this.sets.get(set);
    if (s) s.metadata.deletionTimestamp = iso(this.now);
  }

  reconcile(name: string): ReconcilePlan | undefined {
    const set = this.sets.get(name);
    if (!set) return undefined;
    const plan = planReconcile({
      now: this.now,
      set,
      others: [...this.sets.values()].filter((s) => s !== set),
      nodes: [...this.nodes].map(([n, s]) => node(n, s.opts)),
      mirrorNodes: [...this.mns.values()],
      jobs: [...this.jobs.values()].filter((j) => j.mirrorSet === name),
      revisions: [...this.revisions.values()].filter((r) => r.name.startsWith(`mirrorset-${name}-`)),
    });
    this.plans.push(plan);
    if (plan.addFinalizer)
      set.metadata.finalizers = [...(set.metadata.finalizers ?? []), UNINSTALL_FINALIZER];
    if (plan.revision)
      this.revisions.set(plan.revision.name, {
        name: plan.revision.name,
        revision: plan.revision.revision,
        number: plan.revision.number,
      });
    for (const w of plan.mirrorNodes) {
      const old = this.mns.get(w.name);
      const changed = !old || JSON.stringify(old.spec) !== JSON.stringify(w.spec);
      this.mns.set(w.name, {
        apiVersion: 'mirrorctl.io/v1alpha1',
        kind: 'MirrorNode',
        metadata: { name: w.name, generation: (old?.metadata.generation ?? 0) + (changed ? 1 : 0) },
        spec: w.spec,
        ...(old?.status ? { status: old.status } : {}),
      });
    }
    for (const j of [...plan.jobs, ...plan.drains.map((d) => d.job)]) {
      if (this.jobs.has(j.name)) continue;
      this.jobs.set(j.name, {
        name: j.name,
        node: j.node,
        mirrorSet: name,
        action: j.action,
        createdAt: this.now,
        phase: 'Active',
        revision: j.revision,
      });
      if (j.action === 'restart') this.restartOrder.push(j.node);
    }
    const active = [...this.jobs.values()].filter(
      (j) => j.phase === 'Active' && j.action === 'restart',
    ).length;
    this.maxActiveRestarts = Math.max(this.maxActiveRestarts, active);
    set.status = plan.status;
    for (const e of plan.events) this.events.push(`${e.reason}: ${e.note}`);
    for (const n of plan.deleteMirrorNodes) this.mns.delete(n);
    for (const r of plan.deleteRevisions) this.revisions.delete(r);
    if (plan.removeFinalizer) this.sets.delete(name);
    return plan;
  }

  /** Agents on Ready nodes react to their MirrorNode's spec; finished Jobs report. */
  agents(): void {
    for (const [name, mn] of this.mns) {
      const sim = this.nodes.get(name);
      if (!sim || sim.opts.ready === false) continue;
      const st = mn.status ?? {};
      const spec = mn.spec;
      const seen = st.observedGeneration === mn.metadata.generation && st.observedRevision === spec.revision;
      if (seen) continue;
      const next = {
        ...st,
        observedGeneration: mn.metadata.generation ?? 0,
        observedRevision: spec.revision,
      };
      if (spec.mode === 'uninstall') {
        if (st.state === 'Uninstalled') mn.status = next;
        else if (sim.behavior === 'restart' && st.appliedRevision)
          mn.status = { ...next, state: 'PendingRestart', action: 'restart' };
        else mn.status = { ...next, state: 'Uninstalled', action: 'none' };
        continue;
      }
      if (st.state === 'Applied' && st.appliedRevision === spec.revision) {
        mn.status = next;
        continue;
      }
      if (st.state === 'Failed' || st.state === 'RolledBack') {
        if (st.observedRevision === spec.revision) {
          mn.status = next;
          continue;
        }
      }
      switch (sim.behavior) {
        case 'hot':
          mn.status = {
            ...next,
            state: 'Applied',
            appliedRevision: spec.revision,
            action: 'none',
            lastApplied: iso(this.now),
          };
          break;
        case 'reload':
          mn.status = { ...next, state: 'PendingReload', action: 'reload' };
          break;
        case 'fail-hot':
          mn.status = { ...next, state: 'Failed', action: 'none', message: 'write failed' };
          break;
        default:
          mn.status = { ...next, state: 'PendingRestart', action: 'restart' };
      }
    }
    for (const j of this.jobs.values()) {
      if (j.phase !== 'Active' || this.now < j.createdAt + this.jobDurationMs) continue;
      const mn = this.mns.get(j.node);
      const sim = this.nodes.get(j.node);
      if (!mn || !sim || sim.opts.ready === false) continue;
      const fail = sim.behavior === 'fail-restart';
      j.phase = fail ? 'Failed' : 'Succeeded';
      j.finishedAt = this.now;
      if (fail) j.reason = 'BackoffLimitExceeded';
      const st = mn.status ?? {};
      mn.status =
        mn.spec.mode === 'uninstall'
          ? { ...st, state: 'Uninstalled', action: 'none' }
          : fail
            ? { ...st, state: 'RolledBack', message: 'runtime unhealthy after restart; rolled back' }
            : {
                ...st,
                state: 'Applied',
                appliedRevision: j.revision,
                // The Job applies its permit's revision; the agent then looks at the spec again.
                observedRevision: j.revision,
                action: 'none',
                lastApplied: iso(this.now),
              };
    }
  }

  /** Reconcile every MirrorSet, let agents answer, advance the clock; until `done` or `steps`. */
  run(done: () => boolean, steps = 500, stepMs = 1_000): number {
    for (let i = 0; i < steps; i++) {
      for (const name of [...this.sets.keys()]) this.reconcile(name);
      if (done()) return i;
      this.agents();
      this.now += stepMs;
    }
    throw new Error(
      `not done after ${steps} steps: ${JSON.stringify(
        [...this.sets.values()].map((s) => s.status?.conditions),
        null,
        1,
      )}`,
    );
  }

  status(set: string) {
    return this.sets.get(set)?.status;
  }

  ready(set: string): boolean {
    return this.status(set)?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  }

  cond(set: string, type: string) {
    return this.status(set)?.conditions?.find((c) => c.type === type);
  }
}

export { mirrorNode };
