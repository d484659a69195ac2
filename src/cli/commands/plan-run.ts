// The implementation of `mirrorctl plan` (plan.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.

import { ExitCode } from '../../exit-codes.js';
import { redactPlan } from '../../plan/redact.js';
import { planNode } from '../../planner/plan-node.js';
import type { OptionValues } from '../command.js';
import { optString } from '../command.js';
import type { CliContext } from '../context.js';
import { nodeHost } from '../node-host.js';
import { planInput } from '../node-options.js';
import { writeDiagnostics, writeDoc } from '../output.js';
import { writePlanText } from '../plan-output.js';

export async function runPlan(ctx: CliContext, _args: string[], opts: OptionValues): Promise<number> {
  const input = planInput(opts, ctx);
  const out = await planNode(nodeHost(input.root), input);
  const format = optString(opts, 'output') ?? 'text';
  writeDiagnostics(ctx, out.diagnostics);
  if (format === 'json' || format === 'yaml') {
    if (out.plan) writeDoc(ctx, format, redactPlan(out.plan));
  } else {
    writePlanText(ctx, out);
  }
  if (out.refusal !== 0 || !out.plan) return out.refusal || ExitCode.INVALID_INPUT;
  // An interrupted transaction is pending work even when its half-written files look done.
  // So is a restart/reload an earlier --no-runtime-action left owed (the plan's action includes it).
  const pending = out.plan.changes.length > 0 || out.interrupted || out.pendingAction;
  return pending ? ExitCode.PENDING_OR_CHECK_FAILED : ExitCode.OK;
}
