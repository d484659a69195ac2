// The apiextensions part of the stand-in: a created CustomResourceDefinition serves its resource at
// once and gets the Established / NamesAccepted conditions plus the cleanup finalizer; deleting it
// deletes every instance first (instances with finalizers hold it), then the resource is no longer served.
import type { InternalClient } from './client.js';
import { crdToResource } from './custom-resources.js';
import type { Store } from './store.js';
import { isRecord, type Obj, type ResourceDef, timestamp, type WatchType } from './types.js';
import type { WatchHub } from './watch.js';

const CRD_CLEANUP = 'customresourcecleanup.apiextensions.k8s.io';

/** apiextensions: a CRD object serves its resource; deleting it deletes every instance first. */
export function syncCrd(
  s: { store: Store; hub: WatchHub; api: InternalClient },
  type: WatchType,
  crd: Obj,
): void {
  const def = crdToResource(crd);
  if (!def) return;
  const crdDef = s.store.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions') as ResourceDef;
  if (type === 'DELETED') {
    const state = s.store.state(def);
    s.hub.closeResource(state);
    s.store.unregister(def);
    return;
  }
  s.store.register(def);
  const m = crd.metadata;
  if (!m.deletionTimestamp) {
    const status = isRecord(crd.status) ? crd.status : {};
    if (Array.isArray(status.conditions) && (m.finalizers ?? []).includes(CRD_CLEANUP)) return;
    queueMicrotask(() => {
      const cur = s.store.get(crdDef, undefined, m.name)?.obj;
      if (!cur || cur.metadata.deletionTimestamp) return;
      const next = structuredClone(cur);
      const now = timestamp(s.store.now());
      next.metadata.finalizers = [...new Set([...(next.metadata.finalizers ?? []), CRD_CLEANUP])];
      next.status = {
        acceptedNames: isRecord(cur.spec) ? cur.spec.names : {},
        storedVersions: [def.versions[0]],
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            reason: 'NoConflicts',
            message: 'no conflicts found',
            lastTransitionTime: now,
          },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
            lastTransitionTime: now,
          },
        ],
      };
      s.store.commit(crdDef, next);
    });
    return;
  }
  queueMicrotask(() => {
    // An earlier pass may have finished the deletion meanwhile (the resource is no longer served).
    if (!s.store.find(def.group, def.versions[0] ?? '', def.plural)) return;
    for (const e of s.store.list(def))
      if (!e.obj.metadata.deletionTimestamp)
        s.api.delete({ group: def.group, plural: def.plural }, e.obj.metadata.namespace, e.obj.metadata.name);
    if (s.store.list(def).length > 0) return; // instances with finalizers: wait for their removal
    const cur = s.store.get(crdDef, undefined, m.name)?.obj;
    if (!cur) return;
    const next = structuredClone(cur);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP);
    const stored = s.store.commit(crdDef, next);
    if ((stored.metadata.finalizers ?? []).length === 0) s.store.drop(crdDef, undefined, m.name);
  });
}
