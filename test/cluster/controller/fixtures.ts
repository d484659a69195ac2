// Builders for the controller's pure tests: MirrorSets with real specs (their revision is the real
// spec hash), Nodes as kubelet reports them, MirrorNodes and Jobs, and a snapshot of them.
import type { KubernetesObject } from '@kubernetes/client-node';
import { UNINSTALL_FINALIZER } from '../../../src/cluster/api/meta.js';
import type { MirrorNodeObject } from '../../../src/cluster/api/mirrornode.js';
import type { MirrorSetObject } from '../../../src/cluster/api/mirrorset.js';
import { nodeFacts } from '../../../src/cluster/controller/facts.js';
import { checkSpec } from '../../../src/cluster/controller/spec-check.js';
import type { NodeFacts } from '../../../src/cluster/controller/types.js';

export const T0 = Date.parse('2025-03-01T10:00:00Z');

export interface SetOptions {
  mirror?: string;
  rollout?: Record<string, unknown>;
  nodeSelector?: Record<string, unknown>;
  generation?: number;
  annotations?: Record<string, string>;
  deleting?: boolean;
  finalizer?: boolean;
}

export function mirrorSet(name: string, o: SetOptions = {}): MirrorSetObject {
  return {
    apiVersion: 'mirrorctl.io/v1alpha1',
    kind: 'MirrorSet',
    metadata: {
      name,
      uid: `uid-${name}`,
      generation: o.generation ?? 1,
      resourceVersion: '1',
      ...(o.finalizer === false ? {} : { finalizers: [UNINSTALL_FINALIZER] }),
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.deleting ? { deletionTimestamp: '2025-03-01T09:00:00Z' } : {}),
    },
    spec: {
      registries: [{ source: 'docker.io', mirrors: [{ url: o.mirror ?? 'https://mirror.example.com' }] }],
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.rollout ? { rollout: o.rollout } : {}),
    },
  };
}

export function revisionOfSet(set: MirrorSetObject): string {
  const c = checkSpec(set);
  if (!c.ok) throw new Error(c.message);
  return c.revision;
}

export interface NodeOptions {
  ready?: boolean;
  labels?: Record<string, string>;
  runtime?: string;
  kubelet?: string;
  os?: string;
  osImage?: string;
  unschedulable?: boolean;
  cordonedByUs?: boolean;
}

export function nodeObject(name: string, o: NodeOptions = {}): KubernetesObject & Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `uid-${name}`,
      labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) },
      ...(o.cordonedByUs ? { annotations: { 'mirrorctl.io/cordoned': 'x' } } : {}),
    },
    spec: o.unschedulable ? { unschedulable: true } : {},
    status: {
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      nodeInfo: {
        containerRuntimeVersion: o.runtime ?? 'containerd://1.7.13',
        kubeletVersion: o.kubelet ?? 'v1.30.2',
        operatingSystem: o.os ?? 'linux',
        osImage: o.osImage ?? 'Debian GNU/Linux 12 (bookworm)',
      },
    },
  };
}

export const node = (name: string, o: NodeOptions = {}): NodeFacts => nodeFacts(nodeObject(name, o));

export function mirrorNode(
  name: string,
  set: string,
  revision: string,
  o: Partial<Pick<MirrorNodeObject, 'status'>> & {
    mode?: 'apply' | 'uninstall';
    permit?: MirrorNodeObject['spec']['permit'];
    generation?: number;
  } = {},
): MirrorNodeObject {
  return {
    apiVersion: 'mirrorctl.io/v1alpha1',
    kind: 'MirrorNode',
    metadata: { name, generation: o.generation ?? 1, resourceVersion: '1' },
    spec: {
      mirrorSet: set,
      revision,
      controllerRevision: `mirrorset-${set}-${revision}`,
      mode: o.mode ?? 'apply',
      target: 'containerd',
      ...(o.permit ? { permit: o.permit } : {}),
    },
    ...(o.status ? { status: o.status } : {}),
  };
}
