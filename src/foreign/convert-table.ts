// Every format `mirrorctl convert` speaks, as a table: how to read it into a spec and how to write a
// spec as it. Writers reuse the renderers and distribution emitters, so `convert --to X` prints what
// mirrorctl would put on (or send to) a node; every entry or field a format cannot hold comes back as
// a Diagnostic naming the spec field.
import { stringify as yamlStringify } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { renderDockerDaemon } from '../render/docker-daemon.js';
import type { MirrorSet, SpecAssets } from '../spec/types.js';
import { specToBottlerocket } from './bottlerocket.js';
import { type ReadResult, readDockerDaemon, readK3s, readOpenShift, readTalos } from './foreign-read.js';
import { type RancherFlavor, specTlsPaths, specToK3s } from './k3s-model.js';
import { patchRegistriesYaml } from './k3s-registries-yaml.js';
import { imageConfigPatch, type KubeObject, specToOpenShift } from './openshift.js';
import { docToYaml, specToDoc } from './spec-doc.js';
import { specToTalos, TALOS_PATCH_COMMAND } from './talos.js';

export interface Written {
  text: string;
  diagnostics: Diagnostic[];
}

export interface Format {
  name: string;
  summary: string;
  /** Absent for formats that are only ever written (bottlerocket). `spec` is read by loadSpec. */
  read?: (text: string, file: string) => ReadResult;
  write: (set: MirrorSet, assets: SpecAssets) => Written;
}

const yamlDocs = (docs: unknown[]): string =>
  docs.map((d) => yamlStringify(d, { lineWidth: 0 })).join('---\n');

function writeOpenShift(
  set: MirrorSet,
  assets: SpecAssets,
  only?: 'ImageDigestMirrorSet' | 'ImageTagMirrorSet',
): Written {
  const out = specToOpenShift(set, assets);
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
    return { text: `${note}${yamlDocs(docs)}`, diagnostics };
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
  return { text: yamlDocs(wanted), diagnostics };
}

function writeIcsp(set: MirrorSet, assets: SpecAssets): Written {
  const out = specToOpenShift(set, assets);
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
    metadata: { name: `mirrorctl-${set.name}` },
    spec: { repositoryDigestMirrors: rules.map((r) => ({ source: r.source, mirrors: r.mirrors })) },
  };
  return { text: yamlDocs([icsp]), diagnostics };
}

function writeRancher(set: MirrorSet, flavor: RancherFlavor): Written {
  const model = specToK3s(set, flavor, specTlsPaths);
  const patched = patchRegistriesYaml(
    null,
    model.registries,
    set.name,
    `/etc/rancher/${flavor}/registries.yaml`,
  );
  const diagnostics = [...model.diagnostics, ...patched.diagnostics];
  if (Object.keys(model.registries.configs).length > 0)
    diagnostics.push({
      severity: 'info',
      code: `convert.${flavor}.tls-paths`,
      message: `configs.*.tls name the spec's TLS paths as written; copy the files to those paths on every node (mirrorctl apply does that itself)`,
    });
  return { text: patched.text ?? '', diagnostics };
}

function writeTalos(set: MirrorSet, assets: SpecAssets): Written {
  const r = specToTalos(set, assets);
  const header = `# mirrorctl MirrorSet "${set.name}": Talos machine config patch (mirrorctl does not write files on Talos).\n# Apply: ${TALOS_PATCH_COMMAND}\n`;
  return { text: `${header}${yamlDocs(r.docs)}`, diagnostics: r.diagnostics };
}

function writeDocker(set: MirrorSet, assets: SpecAssets): Written {
  const r = renderDockerDaemon(set, { target: 'docker', assets, paths: DEFAULT_PATHS }, null);
  const daemon = r.files.find((f) => f.path === DEFAULT_PATHS.dockerDaemonJson);
  return { text: daemon?.content ?? '{}\n', diagnostics: r.diagnostics };
}

export const FORMATS: readonly Format[] = [
  {
    name: 'spec',
    summary: 'mirrorctl MirrorSet (mirrors.yaml)',
    write: (s) => ({ text: docToYaml(specToDoc(s)), diagnostics: [] }),
  },
  {
    name: 'openshift',
    summary: 'ImageDigestMirrorSet + ImageTagMirrorSet + CA ConfigMap + image.config patch',
    read: readOpenShift,
    write: (s, a) => writeOpenShift(s, a),
  },
  {
    name: 'idms',
    summary: 'ImageDigestMirrorSet (config.openshift.io/v1)',
    read: readOpenShift,
    write: (s, a) => writeOpenShift(s, a, 'ImageDigestMirrorSet'),
  },
  {
    name: 'itms',
    summary: 'ImageTagMirrorSet (config.openshift.io/v1)',
    read: readOpenShift,
    write: (s, a) => writeOpenShift(s, a, 'ImageTagMirrorSet'),
  },
  {
    name: 'icsp',
    summary: 'ImageContentSourcePolicy (operator.openshift.io/v1alpha1, deprecated)',
    read: readOpenShift,
    write: writeIcsp,
  },
  { name: 'k3s', summary: 'k3s registries.yaml', read: readK3s, write: (s) => writeRancher(s, 'k3s') },
  { name: 'rke2', summary: 'RKE2 registries.yaml', read: readK3s, write: (s) => writeRancher(s, 'rke2') },
  {
    name: 'talos',
    summary: 'Talos RegistryMirrorConfig/RegistryTLSConfig documents (reads machine.registries too)',
    read: readTalos,
    write: writeTalos,
  },
  {
    name: 'bottlerocket',
    summary: 'Bottlerocket settings TOML (write only)',
    write: (s, a) => specToBottlerocket(s, a),
  },
  {
    name: 'docker',
    summary: 'Docker daemon.json (registry-mirrors, insecure-registries)',
    read: readDockerDaemon,
    write: writeDocker,
  },
];

export const FORMAT_NAMES = FORMATS.map((f) => f.name);
export const formatNamed = (name: string): Format | undefined => FORMATS.find((f) => f.name === name);
