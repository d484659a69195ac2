// `uninstall --cluster --all`: after every MirrorSet is gone (each node gave its files back), the
// install itself goes — and only what carries `app.kubernetes.io/managed-by: mirrorctl`: workloads
// first (nothing acts while the rest is removed), then identities and RBAC (in every namespace the
// install uses, `default` included for Events), the CRDs only when no MirrorSet is left, and the
// namespace only when mirrorctl created it (labelled; a namespace someone else made keeps its other
// objects). The defect this replaces deleted a namespace mirrorctl did not create.
import { type Kube, KubeError, type KubernetesObject } from '../../host/kube-port.js';
import { APP_LABELS, MANAGED_BY, NAMESPACE } from '../api/meta.js';
import { describeRef, refOf } from './apply-object.js';
import { MIRRORSETS } from './resources.js';

const MANAGED = `${APP_LABELS.managedBy}=${MANAGED_BY}`;

/** Namespaced kinds in deletion order (workloads first), then cluster-scoped ones. */
const NAMESPACED: Array<[string, string]> = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
  ['apps/v1', 'ControllerRevision'],
  ['v1', 'Secret'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['v1', 'ServiceAccount'],
];
const CLUSTER: Array<[string, string]> = [
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding'],
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
];

export interface RemovalStep {
  object: string;
  outcome: 'deleted' | 'kept';
  note?: string;
}

/** Lists a kind; a kind the server does not serve (no ValidatingAdmissionPolicy before 1.30) has nothing. */
async function listManaged(
  kube: Kube,
  apiVersion: string,
  kind: string,
  ns: string,
): Promise<KubernetesObject[]> {
  try {
    return (await kube.list(apiVersion, kind, ns, { labelSelector: MANAGED })).map((o) => ({
      ...o,
      apiVersion,
      kind,
    }));
  } catch (err) {
    if (err instanceof KubeError && err.status === 404) return [];
    throw err;
  }
}

/** `namespaces`: every namespace the install put objects in (mirrorctl and default). */
export async function removeInstall(
  kube: Kube,
  namespaces: readonly string[],
  onStep: (s: RemovalStep) => void = () => {},
): Promise<RemovalStep[]> {
  const steps: RemovalStep[] = [];
  const step = (s: RemovalStep) => {
    steps.push(s);
    onStep(s);
  };
  const del = async (o: KubernetesObject) => {
    await kube.delete(refOf(o));
    step({ object: describeRef(refOf(o)), outcome: 'deleted' });
  };
  for (const [apiVersion, kind] of NAMESPACED)
    for (const ns of namespaces) for (const o of await listManaged(kube, apiVersion, kind, ns)) await del(o);
  for (const [apiVersion, kind] of CLUSTER)
    for (const o of await listManaged(kube, apiVersion, kind, '')) await del(o);
  const crds = await listManaged(kube, 'apiextensions.k8s.io/v1', 'CustomResourceDefinition', '');
  const left = crds.length > 0 ? await kube.list(MIRRORSETS.apiVersion, MIRRORSETS.kind, '') : [];
  for (const crd of crds)
    if (left.length > 0)
      step({
        object: describeRef(refOf(crd)),
        outcome: 'kept',
        note: `MirrorSet ${left.map((s) => s.metadata?.name).join(', ')} still exists`,
      });
    else await del(crd);
  for (const name of namespaces) {
    const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name });
    if (!ns) continue;
    if (ns.metadata?.labels?.[APP_LABELS.managedBy] === MANAGED_BY && name !== 'default')
      await del({ ...ns, apiVersion: 'v1', kind: 'Namespace' });
    else if (name === NAMESPACE)
      step({
        object: `Namespace/${name}`,
        outcome: 'kept',
        note: 'not created by mirrorctl: only its objects labelled managed-by mirrorctl were deleted',
      });
  }
  return steps;
}
