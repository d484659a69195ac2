// `rollout` on an OpenShift cluster (every node RHCOS/SCOS, CRI-O): the Machine Config Operator owns
// the node files, so the spec goes to the API as ImageDigestMirrorSet/ImageTagMirrorSet (and the CA
// into image.config.openshift.io/cluster) instead of a MirrorSet; the MCO rolls it out.
import { applyOpenShift } from '../../cluster/openshift-apply.js';
import type { Kube } from '../../host/kube-port.js';
import type { MirrorSet, SpecAssets } from '../../spec/types.js';
import { type FollowFlags, writeResult } from '../cluster-follow.js';
import type { CliContext } from '../context.js';
import { writeDiagnostics } from '../output.js';

export async function openShiftRollout(
  ctx: CliContext,
  kube: Kube,
  set: MirrorSet,
  assets: SpecAssets,
  f: FollowFlags,
): Promise<number> {
  const r = await applyOpenShift(kube, set, assets, false);
  writeDiagnostics(ctx, r.diagnostics);
  const lines = r.steps.map(
    (s) => `${s.outcome} ${s.kind}/${s.name} (the Machine Config Operator rolls it out to the nodes)`,
  );
  writeResult(
    ctx,
    f,
    {
      kind: 'OpenShiftRollout',
      steps: r.steps.map((s, i) => ({ ...s, message: lines[i] })),
      exitCode: r.exitCode,
    },
    lines.join('\n') || 'nothing to apply',
  );
  return r.exitCode;
}
