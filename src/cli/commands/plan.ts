// `mirrorctl plan`: observe the node, render, and show what apply would change and which runtime
// action it would need. Changes nothing.

import { ExitCode } from '../../exit-codes.js';
import { redactPlan } from '../../plan/redact.js';
import { planNode } from '../../planner/plan-node.js';
import { type CommandDef, optString } from '../command.js';
import { nodeHost } from '../node-host.js';
import { PLAN_OPTIONS, planInput } from '../node-options.js';
import { writeDiagnostics, writeDoc } from '../output.js';
import { writePlanText } from '../plan-output.js';

export const planCommand: CommandDef = {
  name: 'plan',
  summary: 'show the file changes and runtime action applying a spec to this node would need',
  description: `Observes the node under --root (runtime, version, config files), renders the spec for the
target and prints each file change (create/update/delete, unified diff, secrets redacted) and the runtime
action it needs: none (hosts.toml is read at pull time), reload (CRI-O, dockerd: SIGHUP) or restart
(containerd config.toml). -o json prints the versioned plan object. Exit 0 in sync, 1 changes pending,
2 invalid input or inexpressible entry, 5 conflict on the node.`,
  options: [
    ...PLAN_OPTIONS,
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'json', 'yaml'],
      default: 'text',
    },
  ],
  examples: [
    'mirrorctl plan -f mirrors.yaml',
    'mirrorctl plan -f mirrors.yaml --root ./node --runtime containerd --runtime-version 1.7.24',
    'mirrorctl plan -f mirrors.yaml -o json > plan.json',
  ],
  async run(ctx, _args, opts) {
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
  },
};
