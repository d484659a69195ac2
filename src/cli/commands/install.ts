// `mirrorctl install`: the same objects as deploy/ (src/cluster/manifests.ts) applied to the cluster —
// namespace, CRDs (waited for until Established), RBAC, the controller and the agent DaemonSets —
// created or replaced, so a second run changes nothing. --image for a mirror of the image (an
// air-gapped cluster); --dry-run lists them, -o yaml|json prints them.
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import { CLIENT_KUBE_OPTIONS } from './kube-options.js';

export const installCommand: CommandDef = {
  name: 'install',
  summary: 'install the mirrorctl controller and node agents in the cluster (the objects of deploy/)',
  description: `Applies what \`kubectl apply -k deploy/\` applies, in order: the mirrorctl namespace, the MirrorSet and
MirrorNode CRDs (waiting until the API server serves them), service accounts and RBAC, the controller
Deployment and one agent DaemonSet per runtime family. Each object is created or replaced; run it
again after an upgrade. A mirrorctl namespace that already exists and was not created by mirrorctl
gets only its Pod Security labels. Then write a MirrorSet: \`mirrorctl rollout -f mirrors.yaml\`.
Exit codes: 0 applied, 2 invalid input, 3 the API refused or the CRDs were not served in time.`,
  options: [
    ...CLIENT_KUBE_OPTIONS,
    {
      flags: '--image <ref>',
      description: 'image of the controller, agents and apply Jobs (default: the release image)',
    },
    { flags: '--dry-run', description: 'list (or with -o, print) the objects, change nothing' },
    {
      flags: '-o, --output <format>',
      description: 'text: one line per object; yaml/json: the objects themselves',
      choices: ['text', 'yaml', 'json'],
      default: 'text',
    },
  ],
  examples: [
    'mirrorctl install',
    'mirrorctl install --dry-run -o yaml > mirrorctl.yaml',
    'mirrorctl install --image registry.internal:5000/mirrorctl@sha256:<digest>',
  ],
  run: lazyRun(
    () => import('./install-run.js'),
    (m) => m.runInstall,
  ),
};
