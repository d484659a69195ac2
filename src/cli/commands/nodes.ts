// `mirrorctl nodes`: the cluster inventory — runtime and version per node, the target mirrorctl
// writes there, the distribution, and mirrorctl's state on it from the node's MirrorNode.

import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import { CLIENT_KUBE_OPTIONS } from './kube-options.js';

export const nodesCommand: CommandDef = {
  name: 'nodes',
  summary: "list the cluster's nodes with their runtime, target and mirrorctl state",
  description: `STATE is the node's MirrorNode state as its agent reports it (Applied, PendingRestart, PendingReload,
Applying, Drifted, Failed, RolledBack, Uninstalled, Unsupported; Waiting before the first report), or
"not selected" when no MirrorSet selects the node. REVISION is the revision in force; -o wide adds
the desired one, the MirrorSet and the agent's message. Exit codes: 0 every selected node applied
its desired revision, 1 otherwise.`,
  options: [
    ...CLIENT_KUBE_OPTIONS,
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'wide', 'json', 'yaml'],
      default: 'text',
    },
    { flags: '-l, --selector <selector>', description: 'label selector (kubectl syntax)' },
  ],
  examples: ['mirrorctl nodes', 'mirrorctl nodes -o wide -l node-role.kubernetes.io/worker'],
  run: lazyRun(
    () => import('./nodes-run.js'),
    (m) => m.runNodes,
  ),
};
