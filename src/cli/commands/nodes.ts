// `mirrorctl nodes`: the cluster inventory — runtime and version per node, the target mirrorctl
// will write, the distribution, and mirrorctl's state with the applied revision.
import type { OutputFormat } from '../cluster-commands.js';
import { type CommandDef, optString } from '../command.js';
import { KUBE_OPTIONS, kubeFromOptions } from './kube-options.js';

export const nodesCommand: CommandDef = {
  name: 'nodes',
  summary: "list the cluster's nodes with their runtime, target and mirrorctl state",
  description: `State: "not installed" (no agent on the node), "in sync" (applied the published spec),
"drifted" (on an older spec or waiting for a restart wave), "failed", or "pending" (agent working).
Read from the agent pods' result lines, compared with the spec published in the mirrorctl-spec ConfigMap.
Exit codes: 0 every node with an agent is in sync, 1 otherwise.`,
  options: [
    ...KUBE_OPTIONS,
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'wide', 'json', 'yaml'],
      default: 'text',
    },
    { flags: '-l, --selector <selector>', description: 'label selector (kubectl syntax)' },
  ],
  examples: ['mirrorctl nodes', 'mirrorctl nodes -o wide -l node-role.kubernetes.io/worker'],
  async run(ctx, _args, opts) {
    const selector = optString(opts, 'selector');
    const { clusterStatus } = await import('../cluster-commands.js');
    return clusterStatus(ctx, {
      kube: await kubeFromOptions(ctx, opts),
      output: (optString(opts, 'output') ?? 'text') as OutputFormat,
      ...(selector ? { labelSelector: selector } : {}),
    });
  },
};
