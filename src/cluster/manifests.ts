// Every object cluster mode creates, in apply order (pure). The same function feeds `rollout`,
// `rollout --dry-run` and the kustomize base under deploy/ (scripts/gen-deploy.ts).
import type { KubernetesObject, V1ConfigMap, V1Toleration } from '@kubernetes/client-node';
import type { Control, SpecHistory } from './agent-protocol.js';
import { buildDaemonSet, type SocketRuntime } from './daemonset.js';
import { AGENT_NAME, BUNDLE_KEY, bundleConfigMapName, LABELS, SPEC_CONFIGMAP, SPEC_KEYS } from './names.js';
import type { Requirement } from './selector.js';

export interface ManifestOptions {
  namespace: string;
  image: string;
  specText: string;
  control: Control;
  history: SpecHistory;
  /** The agent bundle (dist/agent/mirrorctl-agent.mjs). */
  bundle: string;
  requirements: Requirement[];
  tolerations?: V1Toleration[];
  gateNewNodes: boolean;
  socketRuntimes?: SocketRuntime[];
}

const managed = { [LABELS.managedBy]: 'mirrorctl' };

export function buildNamespace(namespace: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    // Pod Security Admission would reject the privileged agent under "baseline"/"restricted".
    metadata: { name: namespace, labels: { ...managed, 'pod-security.kubernetes.io/enforce': 'privileged' } },
  };
}

export function buildSpecConfigMap(
  namespace: string,
  specText: string,
  control: Control,
  history: SpecHistory,
): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: SPEC_CONFIGMAP, namespace, labels: { ...managed, [LABELS.component]: 'spec' } },
    data: {
      [SPEC_KEYS.spec]: specText,
      [SPEC_KEYS.control]: `${JSON.stringify(control)}\n`,
      [SPEC_KEYS.history]: `${JSON.stringify(history)}\n`,
    },
  };
}

export function buildBundleConfigMap(namespace: string, bundle: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: bundleConfigMapName(bundle),
      namespace,
      labels: { ...managed, [LABELS.component]: 'agent-bundle' },
    },
    // Immutable: the name carries the content hash, and kubelet stops watching immutable ConfigMaps.
    immutable: true,
    data: { [BUNDLE_KEY]: bundle },
  };
}

/** Only with --gate-new-nodes: the agent removes its node's startup taint, so it may get and patch
 *  nodes. Kubernetes RBAC cannot scope this to "its own node" (resourceNames are static); the
 *  agent only ever sends a JSON patch with a `test` of the taint list it read. */
export function buildGateRbac(namespace: string): KubernetesObject[] {
  const name = `${AGENT_NAME}-gate`;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: AGENT_NAME, namespace, labels: managed } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels: managed },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }],
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels: managed },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: AGENT_NAME, namespace }],
    } as KubernetesObject,
  ];
}

export function buildManifests(o: ManifestOptions): KubernetesObject[] {
  const bundleCm = buildBundleConfigMap(o.namespace, o.bundle);
  return [
    buildNamespace(o.namespace),
    ...(o.gateNewNodes ? buildGateRbac(o.namespace) : []),
    bundleCm,
    buildSpecConfigMap(o.namespace, o.specText, o.control, o.history),
    buildDaemonSet({
      namespace: o.namespace,
      image: o.image,
      bundleConfigMap: bundleCm.metadata?.name ?? '',
      requirements: o.requirements,
      gateNewNodes: o.gateNewNodes,
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.socketRuntimes ? { socketRuntimes: o.socketRuntimes } : {}),
    }),
  ];
}
