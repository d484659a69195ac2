// The implementation of `mirrorctl install` (install.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
import { imageRef } from '../../cluster/api/pod-contract.js';
import { ExitCode } from '../../exit-codes.js';
import { fail } from '../cluster-follow.js';
import type { OptionValues } from '../command.js';
import { optBool, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { type OutputFormat, writeDoc } from '../output.js';
import { VERSION } from '../version.js';
import { kubeFromOptions } from './kube-options.js';

export async function runInstall(ctx: CliContext, _args: string[], o: OptionValues): Promise<number> {
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
}
