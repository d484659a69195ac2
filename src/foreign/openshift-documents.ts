// OpenShift objects as the YAML `convert --to openshift|idms|itms|icsp` prints: all objects plus the
// image.config merge patch, one kind alone (naming what the other kind and image.config would have
// held), or the deprecated ImageContentSourcePolicy (digest rules only, no source policy). Objects
// keep the input's own name when it had one (WriteOptions.objectName), else mirrorctl-<spec name>.
import type { MirrorSet, SpecAssets } from '../spec/types.js';
import { imageConfigPatch, type KubeObject, objectName, specToOpenShift } from './openshift.js';
import type { WriteOptions, Written } from './spec-doc.js';
import { writeYamlDocs } from './yaml-docs.js';

export function writeOpenShift(
  set: MirrorSet,
  assets: SpecAssets,
  only?: 'ImageDigestMirrorSet' | 'ImageTagMirrorSet',
  opts: WriteOptions = {},
): Written {
  const out = specToOpenShift(set, assets, opts.objectName);
  const diagnostics = [...out.diagnostics];
  if (!only) {
    const patch = imageConfigPatch(out);
    const docs: unknown[] = [...out.objects];
    if (patch)
      docs.push({
        apiVersion: 'config.openshift.io/v1',
        kind: 'Image',
        metadata: { name: 'cluster' },
        ...patch,
      });
    const note = patch
      ? '# The Image "cluster" document is a merge patch: oc patch image.config.openshift.io/cluster --type=merge (keep the registries already listed).\n'
      : '';
    return { text: `${note}${writeYamlDocs(docs)}`, diagnostics };
  }
  const wanted = out.objects.filter((o: KubeObject) => o.kind === only);
  const other = out.objects.some((o) => o.kind !== only && o.kind !== 'ConfigMap');
  if (other)
    diagnostics.push({
      severity: 'warning',
      code: `convert.${only === 'ImageDigestMirrorSet' ? 'idms' : 'itms'}.partial`,
      message: `an ${only} holds only the ${only === 'ImageDigestMirrorSet' ? 'digest' : 'tag'} rules; the ${only === 'ImageDigestMirrorSet' ? 'tag (ImageTagMirrorSet)' : 'digest (ImageDigestMirrorSet)'} rules of this spec are left out`,
      hint: 'convert --to openshift writes both objects',
    });
  if (out.insecureRegistries.length > 0 || out.trustedCaConfigMap)
    diagnostics.push({
      severity: 'warning',
      code: 'convert.openshift.image-config',
      message: `insecure registries (${out.insecureRegistries.join(', ') || 'none'}) and mirror CAs live in image.config.openshift.io/cluster, not in ${only}`,
      hint: 'convert --to openshift writes the image config patch too',
    });
  return { text: writeYamlDocs(wanted), diagnostics };
}

export function writeIcsp(set: MirrorSet, assets: SpecAssets, opts: WriteOptions = {}): Written {
  const name = opts.objectName ?? objectName(set);
  const out = specToOpenShift(set, assets, name);
  const diagnostics = [...out.diagnostics];
  const idms = out.objects.find((o) => o.kind === 'ImageDigestMirrorSet');
  const rules =
    (
      idms?.spec as {
        imageDigestMirrors?: { source: string; mirrors: string[]; mirrorSourcePolicy?: string }[];
      }
    )?.imageDigestMirrors ?? [];
  if (rules.some((r) => r.mirrorSourcePolicy))
    diagnostics.push({
      severity: 'warning',
      code: 'convert.icsp.policy',
      message:
        'ImageContentSourcePolicy has no mirrorSourcePolicy: fallback: false is lost (the source stays reachable)',
      hint: 'use ImageDigestMirrorSet (OpenShift 4.13+) to keep it',
    });
  if (out.objects.some((o) => o.kind === 'ImageTagMirrorSet'))
    diagnostics.push({
      severity: 'warning',
      code: 'convert.icsp.tags',
      message:
        'ImageContentSourcePolicy mirrors digests only: mirrors that serve tags are used for digests only',
      hint: 'use ImageTagMirrorSet for tag pulls',
    });
  const icsp = {
    apiVersion: 'operator.openshift.io/v1alpha1',
    kind: 'ImageContentSourcePolicy',
    metadata: { name },
    spec: { repositoryDigestMirrors: rules.map((r) => ({ source: r.source, mirrors: r.mirrors })) },
  };
  return { text: writeYamlDocs([icsp]), diagnostics };
}
