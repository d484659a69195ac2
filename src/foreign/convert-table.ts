// Every format `mirrorctl convert` speaks, as a table: how to read it into a spec and how to write a
// spec as it. Each format's own file reads and writes it (the writers reuse the renderers and
// distribution emitters, so `convert --to X` prints what mirrorctl would put on, or send to, a
// node); every entry or field a format cannot hold comes back as a Diagnostic naming the spec field.
import type { MirrorSet, SpecAssets } from '../spec/types.js';
import { readBottlerocket, specToBottlerocket } from './bottlerocket.js';
import { readDockerDaemon, writeDocker } from './docker.js';
import { FORMAT_NAMES, type FormatName } from './format-names.js';
import { readK3s, writeK3s } from './k3s.js';
import { readOpenShift } from './openshift.js';
import { writeIcsp, writeOpenShift } from './openshift-documents.js';
import { docToYaml, type ReadResult, specToDoc, type WriteOptions, type Written } from './spec-doc.js';
import { readTalos, writeTalos } from './talos.js';

export interface Format {
  name: FormatName;
  summary: string;
  /** How FILE is read into spec entries; `spec` itself is read by loadSpec. */
  read?: (text: string, file: string) => ReadResult;
  /** `opts.objectName` names written objects (the formats that have names: OpenShift's). */
  write: (set: MirrorSet, assets: SpecAssets, opts?: WriteOptions) => Written;
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
    write: (s, a, o) => writeOpenShift(s, a, undefined, o),
  },
  {
    name: 'idms',
    summary: 'ImageDigestMirrorSet (config.openshift.io/v1)',
    read: readOpenShift,
    write: (s, a, o) => writeOpenShift(s, a, 'ImageDigestMirrorSet', o),
  },
  {
    name: 'itms',
    summary: 'ImageTagMirrorSet (config.openshift.io/v1)',
    read: readOpenShift,
    write: (s, a, o) => writeOpenShift(s, a, 'ImageTagMirrorSet', o),
  },
  {
    name: 'icsp',
    summary: 'ImageContentSourcePolicy (operator.openshift.io/v1alpha1, deprecated)',
    read: readOpenShift,
    write: writeIcsp,
  },
  {
    name: 'k3s',
    summary: 'k3s registries.yaml',
    read: readK3s,
    write: (s, a, o) => writeK3s(s, 'k3s', a, o),
  },
  {
    name: 'rke2',
    summary: 'RKE2 registries.yaml',
    read: readK3s,
    write: (s, a, o) => writeK3s(s, 'rke2', a, o),
  },
  {
    name: 'talos',
    summary: 'Talos RegistryMirrorConfig/RegistryTLSConfig documents (reads machine.registries too)',
    read: readTalos,
    write: writeTalos,
  },
  {
    name: 'bottlerocket',
    summary: 'Bottlerocket settings (settings.container-registry.mirrors, settings.pki), TOML or JSON',
    read: readBottlerocket,
    write: (s, a, o) => specToBottlerocket(s, a, o?.withCredentials === true),
  },
  {
    name: 'docker',
    summary: 'Docker daemon.json (registry-mirrors, insecure-registries)',
    read: readDockerDaemon,
    write: writeDocker,
  },
];

// (the names, in this order, are format-names.ts's list: the CLI reads them without loading FORMATS)
export { FORMAT_NAMES };
export const formatNamed = (name: string): Format | undefined => FORMATS.find((f) => f.name === name);
