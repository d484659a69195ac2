// `mirrorctl uninstall`: restore every original byte-for-byte across all transactions and remove
// mirrorctl's state from the node; --cluster deletes the MirrorSet, whose finalizer has the controller
// do the same on every node first (--all then removes the install).
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import {
  CLUSTER_OPTIONS,
  CLUSTER_UNINSTALL_OPTIONS,
  CONTROL_OPTIONS,
  NODE_OPTIONS,
  OUTPUT_OPTION,
  STATE_DIR_OPTION,
} from './node-tx-flags.js';

export const uninstallCommand: CommandDef = {
  name: 'uninstall',
  summary: 'remove everything mirrorctl wrote on this node and restore the originals',
  description: `Puts back the bytes and mode every file had before mirrorctl first touched it, deletes the
files that did not exist, removes directories mirrorctl created, restarts/reloads the runtime if any
apply needed it, then removes ${'/var/lib/mirrorctl'}. --dry-run lists the files it would restore.
It takes the node flags plan/apply take; --runtime, when not auto, must name the target of the
apply in effect. Exit codes: 0 done or nothing to do, 3 failed but restored, 4 restore failed, 5 refused.
With --cluster: deletes the MirrorSet (or every MirrorSet) and waits until the controller has had every
node give its files back and removed its finalizer; exit 3 while a node still holds configuration
(a NotReady node keeps it until it returns), naming it. --all then deletes the install — only objects
labelled app.kubernetes.io/managed-by=mirrorctl, the CRDs only when no MirrorSet is left, and the
namespace only when mirrorctl created it.`,
  options: [
    ...NODE_OPTIONS,
    { flags: '--dry-run', description: 'list what would be restored, change nothing' },
    OUTPUT_OPTION,
    ...CONTROL_OPTIONS,
    STATE_DIR_OPTION,
    ...CLUSTER_OPTIONS,
    ...CLUSTER_UNINSTALL_OPTIONS,
  ],
  examples: [
    'mirrorctl uninstall --dry-run',
    'mirrorctl uninstall',
    'mirrorctl uninstall --cluster',
    'mirrorctl uninstall --cluster --all',
  ],
  run: lazyRun(
    () => import('./uninstall-run.js'),
    (m) => m.runUninstall,
  ),
};
