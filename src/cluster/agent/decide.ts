// What the agent does with one plan (pure): refuse (and say why), wait for a permit writing nothing
// (the plan needs a restart/reload the long-running agent may not perform), apply now, or nothing
// (in sync). The apply Job decides the same way with `mayAct` (it holds a valid permit).
import type { NodeTarget } from '../api/meta.js';
import type { NodeState } from '../api/mirrornode.js';
import type { PlanView, UninstallView } from './plan-view.js';

export type Decision =
  | { kind: 'refuse'; state: Extract<NodeState, 'Failed' | 'Unsupported'>; message: string }
  | { kind: 'wait'; state: Extract<NodeState, 'PendingRestart' | 'PendingReload'>; message: string }
  | { kind: 'in-sync' }
  | { kind: 'apply' };

/** Does the target detected on the node fit the one the controller derived from nodeInfo? */
export function targetMismatch(expected: NodeTarget | undefined, plan: PlanView): string | undefined {
  if (!expected || !plan.detectedTarget) return undefined;
  if (expected === plan.detectedTarget) return undefined;
  return `the node runs ${plan.detectedTarget}${plan.runtime ? ` (${plan.runtime})` : ''}, but the controller expected ${expected} from the Node's status.nodeInfo; nothing written (check the node's runtime and its mirrorctl.io/target label)`;
}

const MAX_LISTED = 8;

/** "2 file(s) to change: /a (create), /b (update)" — the change a permit would allow. */
export function changeSummary(changes: PlanView['changes']): string {
  const listed = changes
    .slice(0, MAX_LISTED)
    .map((c) => `${c.path} (${c.kind})`)
    .join(', ');
  const more = changes.length > MAX_LISTED ? `, and ${changes.length - MAX_LISTED} more` : '';
  return `${changes.length} file(s) to change${changes.length ? `: ${listed}${more}` : ''}`;
}

const waitState = (kind: 'restart' | 'reload') => (kind === 'restart' ? 'PendingRestart' : 'PendingReload');

/** A permit names the strongest action it allows; a reload permit never covers a restart. */
export type PermittedAction = 'reload' | 'restart';
const covers = (permitted: PermittedAction, needed: 'reload' | 'restart'): boolean =>
  permitted === 'restart' || needed === 'reload';
const weakPermit = (needed: 'reload' | 'restart', permitted: PermittedAction): string =>
  `the ${needed} needed is more than this permit allows (${permitted}): waiting for a ${needed} permit (nothing written)`;

export function decideApply(input: {
  expectedTarget?: NodeTarget;
  plan: PlanView;
  /** The apply Job with a permit for this revision: it may restart/reload the runtime. */
  mayAct: boolean;
  /** What that permit allows (default restart). */
  permitted?: PermittedAction;
}): Decision {
  const { plan } = input;
  if (plan.refusal)
    return {
      kind: 'refuse',
      state: plan.refusal.unsupported ? 'Unsupported' : 'Failed',
      message: plan.refusal.message,
    };
  const mismatch = targetMismatch(input.expectedTarget, plan);
  if (mismatch) return { kind: 'refuse', state: 'Failed', message: mismatch };
  const permitted = input.permitted ?? 'restart';
  if (plan.interrupted && !(input.mayAct && permitted === 'restart'))
    // Its recovery may have to restart the runtime (a rollback of a config.toml change).
    return {
      kind: 'wait',
      state: 'PendingRestart',
      message: `transaction ${plan.interrupted} was interrupted; recovering it may restart the runtime: waiting for a permit (nothing written)`,
    };
  if (plan.action.kind === 'none') return plan.changes.length === 0 ? { kind: 'in-sync' } : { kind: 'apply' };
  if (input.mayAct && covers(permitted, plan.action.kind)) return { kind: 'apply' };
  return {
    kind: 'wait',
    state: waitState(plan.action.kind),
    message: input.mayAct
      ? `${changeSummary(plan.changes)}; ${weakPermit(plan.action.kind, permitted)}`
      : `${changeSummary(plan.changes)}; ${plan.action.service} ${plan.action.kind} needed (${plan.action.reason}): waiting for a permit (nothing written)`,
  };
}

export function decideUninstall(input: {
  view: UninstallView;
  mayAct: boolean;
  permitted?: PermittedAction;
}): Decision {
  const { view } = input;
  if (view.refusal) return { kind: 'refuse', state: 'Failed', message: view.refusal };
  if (!view.present) return { kind: 'in-sync' };
  if (view.action.kind === 'none') return { kind: 'apply' };
  const permitted = input.permitted ?? 'restart';
  if (input.mayAct && covers(permitted, view.action.kind)) return { kind: 'apply' };
  if (input.mayAct)
    return {
      kind: 'wait',
      state: waitState(view.action.kind),
      message: `${view.files.length} file(s) to restore; ${weakPermit(view.action.kind, permitted)}`,
    };
  return {
    kind: 'wait',
    state: waitState(view.action.kind),
    message: `${view.files.length} file(s) to restore; ${view.action.service} ${view.action.kind} needed to load the originals: waiting for a permit (nothing restored)`,
  };
}
