// `mirrorctl status`: this node's mirrorctl state — the last apply (spec name, hash, target), and
// for every file mirrorctl wrote whether it still holds those bytes; --cluster shows every MirrorSet
// and node from the API objects the controller and agents keep.

import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import { CLUSTER_OPTIONS, OUTPUT_OPTION, ROOT_OPTION, STATE_DIR_OPTION } from './node-tx-flags.js';

export const statusCommand: CommandDef = {
  name: 'status',
  summary: "show this node's mirrorctl state and drift (or, with --cluster, every node's)",
  description: `Per file: ok (as mirrorctl wrote it), modified, missing, reappeared (deleted by mirrorctl,
back now) or unreadable; also an interrupted transaction, and a restart/reload deferred by
--no-runtime-action that was not performed (or observed by verify) since. Exit codes: 0 in sync,
1 drift, an interrupted transaction or a pending runtime action, 2 unusable state.
With --cluster: every MirrorSet (its STATUS, revision, node counts) and every MirrorNode (state,
revision in force and desired, runtime, drift repairs, message), as the controller and the node
agents report them; exit 0 only when every MirrorSet is Ready.`,
  options: [ROOT_OPTION, OUTPUT_OPTION, STATE_DIR_OPTION, ...CLUSTER_OPTIONS],
  examples: ['mirrorctl status', 'mirrorctl status --root /host -o json', 'mirrorctl status --cluster'],
  run: lazyRun(
    () => import('./status-run.js'),
    (m) => m.runStatus,
  ),
};
