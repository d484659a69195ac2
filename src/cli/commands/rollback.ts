// `mirrorctl rollback`: undo the last apply on this node exactly, from its backups (journaled,
// with the runtime action that apply needed); --cluster sets the MirrorSet back to an earlier
// revision (a ControllerRevision), which the controller rolls out like any spec.
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import {
  CLUSTER_OPTIONS,
  CLUSTER_ROLLBACK_OPTIONS,
  CONTROL_OPTIONS,
  NODE_OPTIONS,
  OUTPUT_OPTION,
  STATE_DIR_OPTION,
} from './node-tx-flags.js';

export const rollbackCommand: CommandDef = {
  name: 'rollback',
  summary: 'undo the last apply on this node (or, with --cluster, roll the MirrorSet back a revision)',
  description: `Restores every file the last apply changed to its exact previous bytes and mode, deletes
files it created, and repeats the runtime action (restart/reload) that apply performed. Refuses when a
file changed since that apply, unless --force. Run it again to undo the apply before.
It takes the node flags plan/apply take; --runtime, when not auto, must name the target of the
apply in effect. Exit codes: 0 rolled back or nothing to do, 3 failed but restored, 4 restore failed, 5 refused.
With --cluster: the MirrorSet's spec becomes the previous revision's again (or --to REVISION's, one of
the last five the controller keeps as ControllerRevisions), and the rollout is followed like
\`rollout\`: 0 Ready, 3 Paused, Degraded or the timeout.`,
  options: [
    ...NODE_OPTIONS,
    OUTPUT_OPTION,
    ...CONTROL_OPTIONS,
    STATE_DIR_OPTION,
    ...CLUSTER_OPTIONS,
    ...CLUSTER_ROLLBACK_OPTIONS,
  ],
  examples: [
    'mirrorctl rollback',
    'mirrorctl rollback --root /host -o json',
    'mirrorctl rollback --cluster',
    'mirrorctl rollback --cluster --to 0123456789ab',
  ],
  run: lazyRun(
    () => import('./rollback-run.js'),
    (m) => m.runRollback,
  ),
};
