// Admission and namespace bootstrap that pods depend on in every cluster: the ServiceAccount admission
// plugin (plugin/pkg/admission/serviceaccount/admission.go: a pod's service account must exist; unless
// automountServiceAccountToken is false, a projected `kube-api-access-*` volume — token, kube-root-ca.crt,
// namespace — is mounted at /var/run/secrets/kubernetes.io/serviceaccount in every container), the
// service-account controller's `default` account and the root-CA publisher's kube-root-ca.crt ConfigMap.
import type { Store } from './store.js';
import { ApiError, isRecord, type Obj, type ResourceDef } from './types.js';
import { randomSuffix } from './writes.js';

export const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
type Rec = Record<string, unknown>;

export function admitPod(store: Store, def: ResourceDef, pod: Obj): void {
  if (def.group !== '' || def.plural !== 'pods') return;
  const spec = (isRecord(pod.spec) ? pod.spec : {}) as Rec;
  const ns = pod.metadata.namespace ?? 'default';
  const sa = String(spec.serviceAccountName ?? 'default');
  const saDef = store.byPlural('serviceaccounts') as ResourceDef;
  const account = store.get(saDef, ns, sa)?.obj;
  if (!account)
    throw new ApiError(
      403,
      'Forbidden',
      `pods "${pod.metadata.name}" is forbidden: error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`,
      {
        name: pod.metadata.name,
        kind: 'pods',
      },
    );
  const automount = spec.automountServiceAccountToken ?? account.automountServiceAccountToken ?? true;
  if (automount === false) return;
  const containers = [
    ...((spec.initContainers as Rec[] | undefined) ?? []),
    ...((spec.containers as Rec[] | undefined) ?? []),
  ];
  if (
    containers.every((c) =>
      ((c.volumeMounts as Rec[] | undefined) ?? []).some((m) => m.mountPath === SA_MOUNT),
    )
  )
    return;
  const name = `kube-api-access-${randomSuffix()}`;
  spec.volumes = [
    ...((spec.volumes as Rec[] | undefined) ?? []),
    {
      name,
      projected: {
        defaultMode: 0o644,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          {
            downwardAPI: {
              items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
            },
          },
        ],
      },
    },
  ];
  for (const c of containers) {
    const mounts = (c.volumeMounts as Rec[] | undefined) ?? [];
    if (!mounts.some((m) => m.mountPath === SA_MOUNT))
      c.volumeMounts = [...mounts, { name, readOnly: true, mountPath: SA_MOUNT }];
  }
  pod.spec = spec;
}

/** What the controllers put into every new namespace (the `default` account, the cluster CA). */
export function bootstrapNamespace(store: Store, ns: string, ca: string): void {
  const sa = store.byPlural('serviceaccounts') as ResourceDef;
  const cm = store.byPlural('configmaps') as ResourceDef;
  const nsDef = store.byPlural('namespaces') as ResourceDef;
  if (store.get(nsDef, undefined, ns)?.obj.metadata.deletionTimestamp) return;
  if (!store.get(sa, ns, 'default'))
    store.commit(sa, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns },
    });
  if (!store.get(cm, ns, 'kube-root-ca.crt'))
    store.commit(cm, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'kube-root-ca.crt',
        namespace: ns,
        annotations: {
          'kubernetes.io/description':
            'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
        },
      },
      data: { 'ca.crt': ca },
    });
}
