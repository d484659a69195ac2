// The mirrorctl resources as the CLI client reads them: REST coordinates for informers and reads,
// and lenient views of MirrorSet and MirrorNode objects (plain JSON from the API; fields a newer
// controller adds are ignored, missing ones are undefined).
import type { KubernetesObject, ObjectRef, ResourceType } from '../../host/kube-port.js';
import type { Condition } from '../api/conditions.js';
import { API_VERSION, crdName, MIRRORNODE, MIRRORSET } from '../api/group.js';
import type { MirrorNodeSpec, MirrorNodeStatus } from '../api/mirrornode.js';
import type { MirrorSetStatus } from '../api/mirrorset.js';

export const MIRRORSETS: ResourceType = {
  apiVersion: API_VERSION,
  kind: MIRRORSET.kind,
  plural: MIRRORSET.plural,
  namespaced: false,
};
export const MIRRORNODES: ResourceType = {
  apiVersion: API_VERSION,
  kind: MIRRORNODE.kind,
  plural: MIRRORNODE.plural,
  namespaced: false,
};

export const mirrorSetRef = (name: string): ObjectRef => ({
  apiVersion: API_VERSION,
  kind: MIRRORSET.kind,
  name,
});

export const MIRRORSET_CRD: ObjectRef = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  name: crdName(MIRRORSET),
};

export type MirrorSetView = KubernetesObject & {
  metadata: {
    name: string;
    generation?: number;
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Partial<MirrorSetStatus> & { conditions?: Condition[] };
};

export type MirrorNodeView = KubernetesObject & {
  metadata: { name: string };
  spec?: Partial<MirrorNodeSpec>;
  status?: Partial<MirrorNodeStatus>;
};

export const asMirrorSet = (o: KubernetesObject | undefined): MirrorSetView | undefined =>
  o?.metadata?.name ? (o as MirrorSetView) : undefined;
export const asMirrorNode = (o: KubernetesObject): MirrorNodeView => o as MirrorNodeView;

export const conditionOf = (set: MirrorSetView | undefined, type: string): Condition | undefined =>
  set?.status?.conditions?.find((c) => c.type === type);
