// `mirrorctl install`: the same objects as deploy/ (src/cluster/manifests.ts) applied to the cluster —
// namespace, CRDs (waited for until Established), RBAC, the controller and the agent DaemonSets —
// created or replaced, so a second run changes nothing. --image for a mirror of the image (an
// air-gapped cluster); --dry-run lists them, -o yaml|json prints them.
import { imageRef } from '../../cluster/api/pod-contract.js';
import { ExitCode } from '../../exit-codes.js';
import { fail } from '../cluster-follow.js';
import { type CommandDef, optBool, optString } from '../command.js';
import { type OutputFormat, writeDoc } from '../output.js';
import { VERSION } from '../version.js';
import { CLIENT_KUBE_OPTIONS, kubeFromOptions } from './kube-options.js';

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
  async run(ctx, _args, o) {
    const image = optString(o, 'image') ?? imageRef(VERSION);
    const output = (optString(o, 'output') ?? 'text') as OutputFormat;
    const dryRun = optBool(o, 'dryRun');
    const { buildInstallManifests } = await import('../../cluster/manifests.js');
    const manifests = buildInstallManifests({ image });
    if (dryRun && output !== 'text') {
      if (output === 'json') writeDoc(ctx, 'json', { apiVersion: 'v1', kind: 'List', items: manifests });
      else {
        const { stringify } = await import('yaml');
        ctx.stdout.write(manifests.map((m) => stringify(m, { aliasDuplicateObjects: false })).join('---\n'));
      }
      return ExitCode.OK;
    }
    const [{ install }, { describeRef, refOf }] = await Promise.all([
      import('../../cluster/client/install.js'),
      import('../../cluster/client/apply-object.js'),
    ]);
    if (dryRun) {
      for (const m of manifests) ctx.stdout.write(`would apply ${describeRef(refOf(m))}\n`);
      return ExitCode.OK;
    }
    const r = await install(await kubeFromOptions(ctx, o), manifests, {
      sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
      now: Date.now,
      onStep: (s) => {
        if (output === 'text') ctx.stdout.write(`${s.outcome} ${s.object}${s.note ? ` (${s.note})` : ''}\n`);
      },
    });
    if (output !== 'text')
      writeDoc(ctx, output, {
        kind: 'InstallResult',
        image,
        steps: r.steps,
        ...(r.error ? { error: r.error } : {}),
      });
    if (r.error) return fail(ctx, r.error, ExitCode.FAILED_RESTORED);
    if (!ctx.quiet)
      ctx.stderr.write(
        `✓ mirrorctl ${VERSION} installed (image ${image}); next: mirrorctl rollout -f mirrors.yaml\n`,
      );
    return ExitCode.OK;
  },
};
