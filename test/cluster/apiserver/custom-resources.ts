// Custom resources: a CustomResourceDefinition object turned into what the stand-in serves
// (apiextensions-apiserver: served versions, scope, names, the /status subresource), definitions a
// test registers directly, mirrorctl's own CRDs as issue 16 names them, and short stable hashes.
import { createHash } from 'node:crypto';
import { isRecord, type Obj, type ResourceDef } from './types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : String(v));

/** A CustomResourceDefinition object → the definition of the resource it adds (served versions only). */
export function crdToResource(crd: Obj): ResourceDef | undefined {
  const spec = crd.spec;
  if (!isRecord(spec) || !isRecord(spec.names)) return undefined;
  const names = spec.names;
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).filter(
    (v): v is Record<string, unknown> => isRecord(v) && v.served !== false,
  );
  const storage = versions.find((v) => v.storage === true) ?? versions[0];
  if (!storage) return undefined;
  const ordered = [storage, ...versions.filter((v) => v !== storage)].map((v) => str(v.name));
  const hasStatus = versions.some((v) => isRecord(v.subresources) && isRecord(v.subresources.status));
  return {
    group: str(spec.group),
    versions: ordered,
    plural: str(names.plural),
    singular: str(names.singular) || str(names.kind).toLowerCase(),
    kind: str(names.kind),
    namespaced: spec.scope === 'Namespaced',
    ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames.map(str) } : {}),
    custom: true,
    generation: true,
    status: hasStatus,
    dropStatusOnCreate: hasStatus,
  };
}

/** A definition registered directly (tests): cluster- or namespace-scoped custom resource. */
export function customResource(d: {
  group: string;
  version: string | string[];
  kind: string;
  plural: string;
  namespaced?: boolean;
  status?: boolean;
  shortNames?: string[];
}): ResourceDef {
  const status = d.status ?? true;
  return {
    group: d.group,
    versions: Array.isArray(d.version) ? d.version : [d.version],
    plural: d.plural,
    singular: d.kind.toLowerCase(),
    kind: d.kind,
    namespaced: d.namespaced ?? false,
    ...(d.shortNames ? { shortNames: d.shortNames } : {}),
    custom: true,
    generation: true,
    status,
    dropStatusOnCreate: status,
  };
}

/** mirrorctl's own CRDs as issue 16's design names them (the tests may instead POST deploy/'s CRD objects). */
export const MIRRORCTL_CRDS: ResourceDef[] = [
  customResource({
    group: 'mirrorctl.io',
    version: 'v1alpha1',
    kind: 'MirrorSet',
    plural: 'mirrorsets',
    shortNames: ['mset'],
  }),
  customResource({ group: 'mirrorctl.io', version: 'v1alpha1', kind: 'MirrorNode', plural: 'mirrornodes' }),
];

/** A short stable hash (ControllerRevision / pod-template-hash style names). */
export const shortHash = (v: unknown): string =>
  BigInt(`0x${createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 15)}`)
    .toString(36)
    .slice(0, 10);
