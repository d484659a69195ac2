// Text view of a node plan: what was detected, each change with its diff, the runtime action.

import { formatPlanDiff } from '../plan/diff.js';
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

export function writePlanText(ctx: CliContext, p: NodePlan): void {
  if (!ctx.quiet) ctx.stderr.write(`${detectionLine(p)}\n`);
  const plan = p.plan;
  if (!plan) return;
  if (plan.changes.length === 0) {
    ctx.stdout.write(
      `${paint(ctx, 'ok', '✓')} in sync: nothing to change (spec ${plan.specHash.slice(0, 12)})\n`,
    );
    return;
  }
  ctx.stdout.write(formatPlanDiff(plan, { color: ctx.color }));
}
