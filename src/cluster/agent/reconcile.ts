// One reconcile of the node against its MirrorNode: read the revision's spec, plan, decide (decide.ts),
// apply when allowed, then write the status (only when it changes) and the Events, and count it.
// The long-running agent and the apply Job share it; only the Job may act on the runtime (mayAct).
import type { TxResult } from '../../transaction/types.js';
import { FAILED_STATES, type MirrorNodeObject } from '../api/mirrornode.js';
import type { AgentApi, NodeObject } from './api.js';
import { type Decision, decideApply, decideUninstall, type PermittedAction } from './decide.js';
import { buildEvent } from './events.js';
import type { AgentMetrics } from './metrics.js';
import type { NodeSide } from './node-side.js';
import { nextStatus, type Outcome, statusDiffers } from './node-status.js';
import { type Before, isBusy, type Report, reportDecision, reportTransaction } from './outcome.js';
import { type PlanView, viewOf } from './plan-view.js';
import { fetchRevisionSpec, type RevisionSpec } from './spec-source.js';

export interface ReconcileDeps {
  api: AgentApi;
  side: NodeSide;
  metrics: AgentMetrics;
  now: () => Date;
  log: (line: string) => void;
  /** Who reports Events (the agent pod, or the apply Job). */
  instance: string;
  /** Spec per ControllerRevision name: its data never changes, so it is read once. */
  specs: Map<string, RevisionSpec>;
}

export type ReconcileResult =
  /** `node`: the freshest MirrorNode this reconcile wrote (or read). */
  | { kind: 'reported'; report: Report; node?: NodeObject }
  /** Another transaction holds the node's lock: nothing reported, try again shortly. */
  | { kind: 'busy' };

const SPEC_CACHE = 4;

async function specOf(deps: ReconcileDeps, n: MirrorNodeObject) {
  const name = n.spec.controllerRevision;
  const cached = deps.specs.get(name);
  if (cached && cached.revision === n.spec.revision) return { ok: true as const, spec: cached };
  const fetched = await fetchRevisionSpec(deps.api, name, n.spec.revision);
  if (fetched.ok) {
    deps.specs.set(name, fetched.spec);
    for (const k of [...deps.specs.keys()].slice(0, Math.max(0, deps.specs.size - SPEC_CACHE)))
      deps.specs.delete(k);
  }
  return fetched;
}

const EMPTY_VIEW: PlanView = {
  changes: [],
  action: { kind: 'none', service: 'containerd', reason: '' },
  warnings: [],
};

/** mayAct: the apply Job holding a permit; permitted: the strongest runtime action that permit allows. */
export interface ActOptions {
  mayAct: boolean;
  permitted?: PermittedAction;
}

async function reconcileApply(
  deps: ReconcileDeps,
  obj: NodeObject,
  n: MirrorNodeObject,
  act: ActOptions,
): Promise<ReconcileResult> {
  const { mayAct } = act;
  const revision = n.spec.revision;
  const before: Before = { holdsRevision: n.status?.appliedRevision === revision };
  const fetched = await specOf(deps, n);
  if (!fetched.ok) {
    const d: Decision = { kind: 'refuse', state: 'Failed', message: fetched.message };
    return { kind: 'reported', report: reportDecision(revision, EMPTY_VIEW, d, before) };
  }
  const view = viewOf(await deps.side.plan(fetched.spec));
  // A journal under a held lock is a transaction in progress (the Job's), not an interrupted one.
  if (view.interrupted && (await deps.side.lockHeld())) return { kind: 'busy' };
  const decision = decideApply({
    ...(n.spec.target ? { expectedTarget: n.spec.target } : {}),
    plan: view,
    ...act,
  });
  if (decision.kind !== 'apply')
    return {
      kind: 'reported',
      report: keepFailedAttempt(reportDecision(revision, view, decision, before), n, mayAct),
    };
  const announced = mayAct ? await announce(deps, obj, revision, view) : undefined;
  // applyNode plans again under the lock. Should the node have changed in between so that the plan
  // now needs a runtime action, the long-running agent's runtime control refuses it and the
  // transaction rolls back: it can never restart the runtime.
  const out = await deps.side.apply(fetched.spec);
  const after = viewOf(out.planned);
  if (!out.tx) {
    const d = decideApply({ plan: after, ...act });
    const refused: Decision =
      d.kind === 'refuse'
        ? d
        : { kind: 'refuse', state: 'Failed', message: 'the plan changed while applying' };
    return { kind: 'reported', report: reportDecision(revision, after, refused, before) };
  }
  return transactionResult(reportTransaction(revision, after, out.tx, before), out.tx, announced);
}

/** A finished apply or uninstall transaction: busy when another held the lock, else its report. */
function transactionResult(report: Report, tx: TxResult, announced: NodeObject | undefined): ReconcileResult {
  if (isBusy(tx)) return { kind: 'busy' };
  return { kind: 'reported', report, ...(announced ? { node: announced } : {}) };
}

/**
 * The apply Job's attempt at this revision rolled back (or failed): that stays the node's state, with
 * the runtime's own error, while the long-running agent waits for the same runtime action — until a
 * new permit's Job or a new revision says something new. Reporting PendingRestart over it would hide
 * the reason from the rollout's Paused message and make the node a restart candidate again without
 * a resume (found by test/cluster-e2e/failing-node.test.ts).
 */
function keepFailedAttempt(report: Report, n: MirrorNodeObject, mayAct: boolean): Report {
  const cur = n.status;
  const waiting = report.outcome.state === 'PendingRestart' || report.outcome.state === 'PendingReload';
  if (mayAct || !waiting || !cur?.state || !FAILED_STATES.has(cur.state)) return report;
  if (cur.observedRevision !== report.outcome.revision) return report;
  return {
    ...report,
    outcome: { ...report.outcome, state: cur.state, message: cur.message ?? report.outcome.message },
  };
}

async function reconcileUninstall(
  deps: ReconcileDeps,
  obj: NodeObject,
  n: MirrorNodeObject,
  act: ActOptions,
): Promise<ReconcileResult> {
  const { mayAct } = act;
  const revision = n.spec.revision;
  const known = {
    warnings: [],
    ...(n.status?.runtime ? { runtime: n.status.runtime } : {}),
  };
  const view = await deps.side.uninstallView();
  if (view.busy) return { kind: 'busy' };
  const decision = decideUninstall({ view, ...act });
  const before: Before = { holdsRevision: false };
  if (decision.kind === 'in-sync') {
    const outcome: Outcome = {
      revision,
      state: 'Uninstalled',
      action: 'none',
      message: 'nothing of mirrorctl is on this node',
      warnings: [],
      holds: 'nothing',
      changedFiles: false,
    };
    return { kind: 'reported', report: { outcome, events: [], result: 'unchanged' } };
  }
  if (decision.kind !== 'apply')
    return {
      kind: 'reported',
      report: reportDecision(revision, { ...EMPTY_VIEW, ...known }, decision, before),
    };
  const announced = mayAct
    ? await announce(deps, obj, revision, { ...EMPTY_VIEW, action: view.action })
    : undefined;
  const tx = await deps.side.uninstall();
  return transactionResult(reportTransaction(revision, known, tx, before), tx, announced);
}

/** The Job says `Applying` before a transaction that may take the runtime down for a while. */
async function announce(
  deps: ReconcileDeps,
  obj: NodeObject,
  revision: string,
  view: PlanView,
): Promise<NodeObject | undefined> {
  const node = obj.node;
  if (!node) return undefined;
  return deps.api.writeStatus(
    node.metadata.name,
    (fresh) => {
      if (!fresh.node) return undefined;
      const cur = fresh.node.status ?? {};
      return {
        ...cur,
        observedRevision: revision,
        state: 'Applying',
        action: view.action.kind,
        message: `applying revision ${revision} under permit: ${view.action.kind === 'none' ? 'no runtime action' : `${view.action.service} ${view.action.kind}`}`,
      };
    },
    obj,
  );
}

/** Reconciles once and reports. API failures throw (the caller retries with backoff). */
export async function reconcileNode(
  deps: ReconcileDeps,
  obj: NodeObject,
  opts: ActOptions,
): Promise<ReconcileResult> {
  const n = obj.node;
  if (!n) throw new Error(obj.problem ?? 'bug: reconcile of an unparsed MirrorNode');
  const started = performance.now();
  const result =
    n.spec.mode === 'uninstall'
      ? await reconcileUninstall(deps, obj, n, opts)
      : await reconcileApply(deps, obj, n, opts);
  if (result.kind === 'busy') return result;
  const { report } = result;
  let changed = false;
  const written = await deps.api.writeStatus(
    n.metadata.name,
    (fresh) => {
      if (!fresh.node) return undefined;
      const next = nextStatus(fresh.node, report.outcome, deps.now());
      changed = statusDiffers(fresh.node.status, next);
      return changed ? next : undefined;
    },
    result.node ?? obj,
  );
  const m = deps.metrics;
  m.applied(report.result);
  if (report.restarted) m.restarted(report.restarted);
  if (report.rolledBack) m.rolledBack();
  if (report.outcome.drift === 'repaired') m.driftRepaired();
  m.state(report.outcome.state);
  m.reconciled((performance.now() - started) / 1000);
  // A transaction's Events always; a refusal's only when the status changed (no Event per tick).
  const transacted = report.result !== 'failed' || report.rolledBack || changed;
  const target = written?.node?.metadata ?? n.metadata;
  for (const e of transacted ? report.events : []) {
    try {
      await deps.api.createEvent(
        buildEvent({
          ...e,
          node: {
            name: target.name,
            ...(target.uid ? { uid: target.uid } : {}),
            ...(target.resourceVersion ? { resourceVersion: target.resourceVersion } : {}),
          },
          instance: deps.instance,
          now: deps.now(),
          seq: eventSeq++,
        }),
      );
    } catch (err) {
      // Events are best effort: the status already says what happened.
      deps.log(`event ${e.reason} not recorded: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (changed)
    deps.log(`${report.outcome.state} (revision ${report.outcome.revision}): ${report.outcome.message}`);
  return { kind: 'reported', report, ...(written ? { node: written } : {}) };
}

let eventSeq = 0;
