// Everything `kubectl apply -k deploy/` (and `mirrorctl install`) creates, in apply order (pure):
// namespace, CRDs, identities and RBAC, the controller, the agent DaemonSets. The image comes from
// one place (imageRef of the package version) and every builder takes it as an option, so an
// air-gapped cluster overrides it (kustomize `images:` or `install --image`).
import type { KubernetesObject } from '@kubernetes/client-node';
import { buildCrds } from './api/crds.js';
import { NAMESPACE } from './api/meta.js';
import { buildAgentDaemonSet } from './manifests-agent.js';
import { componentLabels } from './manifests-common.js';
import { buildControllerDeployment } from './manifests-controller.js';
import { buildRbac, buildServiceAccounts } from './manifests-rbac.js';
import { MOUNT_PROFILES } from './mount-profiles.js';

export interface InstallOptions {
  /** A full reference: `ghcr.io/mirrorctl/mirrorctl:<version>` (imageRef) or a mirror of it, ideally by digest. */
  image: string;
  namespace?: string;
}

/**
 * Pod Security Admission for the namespace. `enforce: privileged` only because of the apply Job,
 * the one privileged, hostPID pod (created on a node only while it restarts/reloads its runtime);
 * the agents need `privileged` only for their hostPath volumes and uid 0, the controller meets
 * `restricted`. `warn`/`audit: restricted` keep every deviation visible on apply and in the audit log.
 */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'privileged',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/audit-version': 'latest',
} as const;

export function buildNamespace(namespace = NAMESPACE): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: { ...componentLabels('namespace', namespace), ...POD_SECURITY_LABELS },
    },
  };
}

export function buildInstallManifests(o: InstallOptions): KubernetesObject[] {
  const namespace = o.namespace ?? NAMESPACE;
  return [
    buildNamespace(namespace),
    ...(buildCrds() as KubernetesObject[]),
    ...buildServiceAccounts(namespace),
    ...buildRbac(namespace),
    { ...buildControllerDeployment(o.image, namespace) },
    ...MOUNT_PROFILES.map((p) => {
      const ds = buildAgentDaemonSet(p, o.image);
      return { ...ds, metadata: { ...ds.metadata, namespace } };
    }),
  ] as KubernetesObject[];
}

/** The sample MirrorSet of deploy/ (the user's file: written only when missing). */
export const SAMPLE_MIRRORSET = `# A sample MirrorSet: edit it (https://github.com/mirrorctl/mirrorctl/blob/main/docs/spec.md),
# commit, and let GitOps apply it (or: kubectl apply -k deploy/). Hot changes (hosts.toml) reach
# every node at once; a change that needs a runtime restart goes in waves (spec.rollout).
apiVersion: mirrorctl.io/v1alpha1
kind: MirrorSet
metadata:
  name: example
spec:
  registries:
    - source: docker.io
      mirrors:
        - url: https://mirror.example.com
  rollout:
    maxUnavailable: 1
    canary: 1
    soakSeconds: 60
`;
