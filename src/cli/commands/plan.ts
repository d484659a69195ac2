// `mirrorctl plan`: observe the node, render, and show what apply would change and which runtime
// action it would need. Changes nothing.

import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import { PLAN_OPTIONS } from '../node-options.js';
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
  run: lazyRun(
    () => import('./plan-run.js'),
    (m) => m.runPlan,
  ),
};
