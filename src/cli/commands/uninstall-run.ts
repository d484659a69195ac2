// The implementation of `mirrorctl uninstall` (uninstall.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
import { uninstallAll } from '../../transaction/uninstall.js';
import type { OptionValues } from '../command.js';
import { optBool } from '../command.js';
import type { CliContext } from '../context.js';
import { nodeTxSetup, refuseOtherRuntime, runClusterVerb, writeTxResult } from './node-tx-options.js';

export async function runUninstall(ctx: CliContext, _args: string[], o: OptionValues): Promise<number> {
  if (o.cluster === true) return runClusterVerb(ctx, o, 'clusterUninstall');
  const { host, opts } = nodeTxSetup(ctx, o);
  await refuseOtherRuntime(o, host, 'uninstall');
  const dryRun = optBool(o, 'dryRun');
  const r = await uninstallAll(host, { ...opts, dryRun });
  if (dryRun && o.output !== 'json') {
    for (const p of r.changed) ctx.stdout.write(`would restore ${p}\n`);
    if (r.changed.length === 0) ctx.stdout.write('nothing to restore\n');
    return 0;
  }
  return writeTxResult(ctx, o, r);
}
