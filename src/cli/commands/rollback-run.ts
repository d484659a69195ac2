// The implementation of `mirrorctl rollback` (rollback.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
import { rollbackLast } from '../../transaction/rollback.js';
import type { OptionValues } from '../command.js';
import type { CliContext } from '../context.js';
import { nodeTxSetup, refuseOtherRuntime, runClusterVerb, writeTxResult } from './node-tx-options.js';

export async function runRollback(ctx: CliContext, _args: string[], o: OptionValues): Promise<number> {
  if (o.cluster === true) return runClusterVerb(ctx, o, 'clusterRollback');
  const { host, opts } = nodeTxSetup(ctx, o);
  await refuseOtherRuntime(o, host, 'rollback');
  return writeTxResult(ctx, o, await rollbackLast(host, opts));
}
