// Text view of a node plan: what was detected, each change with its diff, the runtime action, and a
// verdict that says only what the plan showed (blocked, in sync, or in sync with nothing mirrored).

import { ExitCode } from '../exit-codes.js';
import { formatPlanDiff } from '../plan/diff.js';
import { NOTHING_SELECTED } from '../plan/selection.js';
import type { NodePlan } from '../planner/plan-node.js';
import type { CliContext } from './context.js';
import { paint } from './output.js';

export function detectionLine(p: NodePlan): string {
  const d = p.detection;
  if (!d) return 'node: not observed';
  const version = d.versionText ?? d.version ?? 'version unknown';
  const cfg = d.containerd?.configVersion ? `, config v${d.containerd.configVersion}` : '';
  const dist = d.distribution !== 'plain' ? `, ${d.distribution}` : '';
  return `node: ${d.runtime} ${version}${cfg}${dist} → target ${p.target ?? 'none'}`;
}

/** Why nothing would be applied: the plan's errors, named on stdout beside the diff they block. */
function blockedText(ctx: CliContext, p: NodePlan): string {
  const errors = p.diagnostics.filter((d) => d.severity === 'error');
  const n = errors.length;
  const shown = errors.slice(0, MAX_REASONS).map((d) => `  - ${d.file ? `${d.file}: ` : ''}${d.message}\n`);
  const more = n > MAX_REASONS ? `  … and ${n - MAX_REASONS} more (above)\n` : '';
  const head =
    n === 0
      ? 'blocked: nothing could be planned (see above)'
      : `blocked by ${n} error${n === 1 ? '' : 's'}: nothing is applied until ${n === 1 ? 'it is' : 'they are'} fixed`;
  return `${paint(ctx, 'error', '✗')} ${head}\n${shown.join('')}${more}`;
}
const MAX_REASONS = 5;

/**
 * stderr: what was detected; stdout: the diff, then one verdict that rests on what the plan checked —
 * blocked (with its errors), in sync, or in sync with nothing mirrored for this node (issue 15.7/15.9).
 */
export function writePlanText(ctx: CliContext, p: NodePlan): void {
  if (!ctx.quiet) ctx.stderr.write(`${detectionLine(p)}\n`);
  const plan = p.plan;
  const j = p.interrupted;
  if (j)
    // Never "in sync" over an interrupted transaction's half-written files (issue 15.2).
    ctx.stdout.write(
      `${paint(ctx, 'warning', '!')} interrupted transaction ${j.txid} (${j.kind}, phase ${j.phase}): \`mirrorctl apply\` recovers it first, then plans again\n`,
    );
  if (plan && plan.changes.length > 0) ctx.stdout.write(formatPlanDiff(plan, { color: ctx.color }));
  if (!plan || p.refusal !== ExitCode.OK) {
    ctx.stdout.write(blockedText(ctx, p));
    return;
  }
  if (plan.changes.length > 0 || j) return;
  const owed = p.pendingAction;
  if (owed && plan.action.kind !== 'none') {
    // Files in place, but the runtime still runs the old config: not "in sync" (issue 15.3).
    ctx.stdout.write(
      `${paint(ctx, 'warning', '!')} files in sync, but ${plan.action.service} still owes a ${plan.action.kind}: runtime: ${plan.action.kind} ${plan.action.service} (${plan.action.reason})\n`,
    );
    return;
  }
  const nothing = plan.diagnostics.find((d) => d.code === NOTHING_SELECTED);
  ctx.stdout.write(
    nothing
      ? `${paint(ctx, 'warning', '⚠')} in sync, but ${nothing.message}\n`
      : `${paint(ctx, 'ok', '✓')} in sync: nothing to change (spec ${plan.specHash.slice(0, 12)})\n`,
  );
}
