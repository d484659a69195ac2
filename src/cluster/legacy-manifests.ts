// The pre-controller rollout's objects (spec/bundle ConfigMaps, privileged DaemonSet), in apply order
// (pure), for `rollout` and `rollout --dry-run` until the CLI becomes a client of the controller
// (issue 16). deploy/ and `install` use manifests.ts.
import type { KubernetesObject, V1ConfigMap, V1Secret, V1Toleration } from '@kubernetes/client-node';
import type { Control, SpecHistory } from './agent-protocol.js';
import { buildDaemonSet } from './legacy-daemonset.js';
import {
  AGENT_NAME,
  BUNDLE_KEY,
  bundleConfigMapName,
  LABELS,
  SPEC_CONFIGMAP,
  SPEC_KEYS,
  TLS_SECRET,
} from './names.js';
import type { Requirement } from './selector.js';
import { toSecretData } from './tls-assets.js';

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
  /** TLS files shipped with the spec (tls-assets.ts): certificates in the spec ConfigMap, keys in a Secret. */
  tls?: { configMapData: Record<string, string>; secretData: Record<string, string> };
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
  tlsFiles: Record<string, string> = {},
): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: SPEC_CONFIGMAP, namespace, labels: { ...managed, [LABELS.component]: 'spec' } },
    data: {
      ...tlsFiles,
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

/** Private keys (and PEMs bundling one) of the spec's client certificates; only the agent pods mount it. */
export function buildTlsSecret(namespace: string, files: Record<string, string>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: TLS_SECRET, namespace, labels: { ...managed, [LABELS.component]: 'tls' } },
    type: 'Opaque',
    data: toSecretData(files),
  };
}

/** What `--dry-run` and `-o json` may print: Secret values replaced by their size. */
export function redactSecrets(objs: readonly KubernetesObject[]): KubernetesObject[] {
  return objs.map((o) => {
    if (o.kind !== 'Secret') return o;
    const data = (o as V1Secret).data ?? {};
    const redacted = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, `<redacted: ${Buffer.from(v, 'base64').length} bytes>`]),
    );
    return { ...o, data: redacted } as KubernetesObject;
  });
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
    ...(o.tls && Object.keys(o.tls.secretData).length > 0
      ? [buildTlsSecret(o.namespace, o.tls.secretData)]
      : []),
    buildSpecConfigMap(o.namespace, o.specText, o.control, o.history, o.tls?.configMapData),
    buildDaemonSet({
      namespace: o.namespace,
      image: o.image,
      bundleConfigMap: bundleCm.metadata?.name ?? '',
      requirements: o.requirements,
      gateNewNodes: o.gateNewNodes,
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
    }),
  ];
}
