// The mirrorctl.io API group: group/version, kinds, resource names. One place, so the CRDs, RBAC,
// the admission policy, the controller, the agent and the CLI name the same resources.

export const GROUP = 'mirrorctl.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

export interface ResourceNames {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
}

export const MIRRORSET: ResourceNames = {
  kind: 'MirrorSet',
  listKind: 'MirrorSetList',
  plural: 'mirrorsets',
  singular: 'mirrorset',
  shortNames: ['mset'],
};

export const MIRRORNODE: ResourceNames = {
  kind: 'MirrorNode',
  listKind: 'MirrorNodeList',
  plural: 'mirrornodes',
  singular: 'mirrornode',
  shortNames: ['mnode'],
};

/** `<plural>.<group>`: the CRD object's name (the API server insists). */
export const crdName = (r: ResourceNames): string => `${r.plural}.${GROUP}`;

/** The categories `kubectl get mirrorctl` lists. */
export const CATEGORIES = ['mirrorctl'];
