// Create or replace one object over the Kube port, as `kubectl replace` would after a read: a PUT
// carrying the live resourceVersion, so a field dropped from the manifest is dropped from the object
// (a merge patch keeps it: the old DaemonSet affinity defect of issue 16). Metadata others own is
// kept (finalizers, ownerReferences, labels and annotations not in the manifest); a 409 re-reads
// and tries again. The API server leaves an identical object untouched (same resourceVersion).
import { type Kube, KubeError, type KubernetesObject, type ObjectRef } from '../../host/kube-port.js';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export const refOf = (obj: KubernetesObject): ObjectRef => ({
  apiVersion: obj.apiVersion ?? 'v1',
  kind: obj.kind ?? '',
  name: obj.metadata?.name ?? '',
  ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
});

/** `Kind/name` or `Kind namespace/name`, as progress lines name an object. */
export const describeRef = (r: ObjectRef): string =>
  `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

/** The object to PUT over `live`: everything but metadata from `desired`; metadata merged. */
export function replacement(live: KubernetesObject, desired: KubernetesObject): KubernetesObject {
  const lm = live.metadata ?? {};
  const dm = desired.metadata ?? {};
  const labels = { ...(lm.labels ?? {}), ...(dm.labels ?? {}) };
  const annotations = { ...(lm.annotations ?? {}), ...(dm.annotations ?? {}) };
  return {
    ...desired,
    metadata: {
      ...lm,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
  };
}

export interface ApplyResult {
  outcome: ApplyOutcome;
  object: KubernetesObject;
}

/** Creates `desired`, or replaces the live object with it; at most `attempts` conflicts retried. */
export async function applyObject(kube: Kube, desired: KubernetesObject, attempts = 5): Promise<ApplyResult> {
  const ref = refOf(desired);
  for (let attempt = 1; ; attempt++) {
    const live = await kube.get(ref);
    try {
      if (!live) return { outcome: 'created', object: await kube.create(desired) };
      const made = await kube.update(replacement(live, desired));
      const same = made.metadata?.resourceVersion === live.metadata?.resourceVersion;
      return { outcome: same ? 'unchanged' : 'updated', object: made };
    } catch (err) {
      // 409: someone wrote it since our read (update), or created it meanwhile (create).
      if (!(err instanceof KubeError) || err.status !== 409 || attempt >= attempts) throw err;
    }
  }
}

/** Reads, changes and PUTs an existing object (409 → read again); undefined when it does not exist. */
export async function updateExisting(
  kube: Kube,
  ref: ObjectRef,
  change: (live: KubernetesObject) => KubernetesObject | undefined,
  attempts = 5,
): Promise<KubernetesObject | undefined> {
  for (let attempt = 1; ; attempt++) {
    const live = await kube.get(ref);
    if (!live) return undefined;
    const next = change(structuredClone(live));
    if (!next) return live;
    try {
      return await kube.update(next);
    } catch (err) {
      if (!(err instanceof KubeError) || err.status !== 409 || attempt >= attempts) throw err;
    }
  }
}
