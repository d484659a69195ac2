// Object helpers over the Kube port (src/host/kube-port.ts): the reference of an object, and an
// idempotent create-or-merge-patch used by rollout and the OpenShift apply.
import { type Kube, KubeError, type KubernetesObject, type ObjectRef } from '../host/kube-port.js';

export const refOf = (obj: KubernetesObject): ObjectRef => ({
  apiVersion: obj.apiVersion ?? 'v1',
  kind: obj.kind ?? '',
  name: obj.metadata?.name ?? '',
  ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
});

/** Create, or merge-patch when it already exists: idempotent "apply" without server-side apply. */
export async function upsert(kube: Kube, obj: KubernetesObject): Promise<'created' | 'updated'> {
  try {
    await kube.create(obj);
    return 'created';
  } catch (err) {
    if (!(err instanceof KubeError) || err.status !== 409) throw err;
  }
  await kube.patch(refOf(obj), obj, 'merge');
  return 'updated';
}
