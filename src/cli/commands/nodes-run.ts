// The implementation of `mirrorctl nodes` (nodes.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.

import type { OptionValues } from '../command.js';
import { optString } from '../command.js';
import type { CliContext } from '../context.js';
import type { OutputFormat } from '../output.js';
import { kubeFromOptions } from './kube-options.js';

export async function runNodes(ctx: CliContext, _args: string[], opts: OptionValues): Promise<number> {
  const selector = optString(opts, 'selector');
  const { nodeInventory } = await import('../cluster-commands.js');
  return nodeInventory(ctx, {
    kube: await kubeFromOptions(ctx, opts),
    output: (optString(opts, 'output') ?? 'text') as OutputFormat,
    ...(selector ? { labelSelector: selector } : {}),
  });
}
