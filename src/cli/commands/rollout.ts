// `mirrorctl rollout -f mirrors.yaml`: publish the spec as the MirrorSet the controller rolls out
// (src/cluster/client/), then follow its status until Ready (exit 0), Paused or Degraded (3, with
// the reason and the nodes), or the timeout (3, with the state reached). What may not be stored in
// the API (TLS files, header values, auth files) goes into Secrets first; --dry-run prints every
// object with the Secret values redacted and touches nothing. --resume continues a paused rollout.
import type { CommandDef, OptionDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import { CLIENT_KUBE_OPTIONS } from './kube-options.js';
import { OUTPUT_OPTION } from './node-tx-flags.js';
import { MOVED_OPTIONS } from './rollout-moved.js';

/** How long to follow the rollout (cluster-follow.ts reads them). */
const FOLLOW_OPTIONS: OptionDef[] = [
  { flags: '--timeout <duration>', description: 'how long to follow the rollout', default: '10m' },
  { flags: '--no-wait', description: 'return once the change is written; do not follow it' },
];

export const rolloutCommand: CommandDef = {
  name: 'rollout',
  summary: "apply a MirrorSet to the cluster and follow the controller's rollout",
  description: `Writes the spec as the cluster's MirrorSet (create, or replace: a field removed from the file is
removed from the object) and follows its status. The controller rolls it out: hot changes everywhere
at once, restarts in waves (spec.rollout: canary, maxUnavailable, soakSeconds), pausing on a failure.
TLS files, header values and auth files are stored in Secrets in the mirrorctl namespace and named
by reference; the MirrorSet never holds them. An identical spec writes nothing and returns at once.
--resume continues a paused rollout (annotation mirrorctl.io/resume); with --name and no -f it only
resumes. Exit codes: 0 Ready, 2 invalid input (or InvalidSpec), 3 Paused, Degraded, or the timeout
(the state reached is printed).`,
  options: [
    { flags: '-f, --file <spec>', description: 'mirror spec (mirrors.yaml)' },
    { flags: '--name <mirrorset>', description: 'with --resume and no -f: the MirrorSet to resume' },
    ...CLIENT_KUBE_OPTIONS,
    { flags: '--dry-run', description: 'print the MirrorSet and Secrets (values redacted), change nothing' },
    { flags: '--resume', description: 'resume a paused rollout (failed nodes get a new attempt)' },
    ...FOLLOW_OPTIONS,
    OUTPUT_OPTION,
    ...MOVED_OPTIONS,
  ],
  examples: [
    'mirrorctl rollout -f mirrors.yaml --dry-run',
    'mirrorctl rollout -f mirrors.yaml',
    'mirrorctl rollout -f mirrors.yaml --resume',
  ],
  run: lazyRun(
    () => import('./rollout-run.js'),
    (m) => (ctx, _args, opts) => m.runRollout(ctx, opts),
  ),
};
