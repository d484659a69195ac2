// DELETE with kube-apiserver's rules (k8s.io/apiserver/pkg/registry/generic/registry/store.go Delete,
// updateForGracefulDeletionAndFinalizers, markAsDeleting; rest/delete.go BeforeDelete): preconditions,
// propagation policy → orphan / foregroundDeletion finalizers, objects with finalizers get a
// deletionTimestamp and stay, pods on a node with a kubelet are deleted gracefully, namespaces go
// Terminating (the namespace controller in lifecycle.ts empties them), everything else goes now.
import type { Store } from './store.js';
import { conflict, isRecord, notFound, type Obj, type ResourceDef, timestamp } from './types.js';

export interface DeleteOptionsBody {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export interface DeleteResult {
  obj: Obj;
  /** Gone from storage now (false: marked for deletion, still there). */
  deleted: boolean;
}

export interface DeleteContext {
  dryRun?: boolean;
  /** Whether a pod is deleted gracefully (bound to a node whose kubelet will finish the deletion). */
  gracefulPod?: (pod: Obj) => boolean;
}

export const ORPHAN = 'orphan';
export const FOREGROUND = 'foregroundDeletion';

export function parseDeleteOptions(body: string, query: URLSearchParams): DeleteOptionsBody {
  let o: DeleteOptionsBody = {};
  if (body.trim()) {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) o = parsed as DeleteOptionsBody;
  }
  const pp = query.get('propagationPolicy');
  if (pp) o.propagationPolicy = pp as DeleteOptionsBody['propagationPolicy'];
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) o.gracePeriodSeconds = Number(grace);
  if (query.get('dryRun') === 'All') o.dryRun = ['All'];
  return o;
}

const clone = <T>(v: T): T => structuredClone(v);

export function deleteObject(
  store: Store,
  def: ResourceDef,
  ns: string | undefined,
  name: string,
  options: DeleteOptionsBody,
  ctx: DeleteContext = {},
): DeleteResult {
  const entry = store.get(def, ns, name);
  if (!entry) throw notFound(def, name);
  const current = entry.obj;
  const pre = options.preconditions ?? {};
  if (pre.uid && pre.uid !== current.metadata.uid)
    throw conflict(
      def,
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
    );
  if (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
    throw conflict(
      def,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
    );
  const dryRun = ctx.dryRun || (options.dryRun ?? []).includes('All');
  const now = timestamp(store.now());

  if (def.group === '' && def.plural === 'namespaces') {
    if (current.metadata.deletionTimestamp) return { obj: current, deleted: false };
    const next = clone(current);
    next.metadata.deletionTimestamp = now;
    next.status = { ...(isRecord(next.status) ? next.status : {}), phase: 'Terminating' };
    return { obj: dryRun ? next : store.commit(def, next), deleted: false };
  }

  if (def.group === '' && def.plural === 'pods') {
    const graceful = gracefulPodDelete(store, def, current, options, ctx, dryRun);
    if (graceful) return graceful;
  }

  const policy =
    options.propagationPolicy ??
    (options.orphanDependents === true
      ? 'Orphan'
      : options.orphanDependents === false
        ? 'Background'
        : undefined) ??
    def.defaultPropagation ??
    'Background';
  const had = current.metadata.finalizers ?? [];
  let finalizers = had.filter((f) => f !== ORPHAN && f !== FOREGROUND);
  // An explicit policy replaces the GC finalizers; none keeps what the object already asked for.
  if (
    options.propagationPolicy === undefined &&
    options.orphanDependents === undefined &&
    def.defaultPropagation === undefined
  )
    finalizers = had;
  else if (policy === 'Orphan') finalizers = [...finalizers, ORPHAN];
  else if (policy === 'Foreground') finalizers = [...finalizers, FOREGROUND];
  if (finalizers.length > 0) {
    if (current.metadata.deletionTimestamp && sameSet(finalizers, had))
      return { obj: current, deleted: false };
    const next = clone(current);
    markAsDeleting(next, now);
    next.metadata.finalizers = finalizers;
    return { obj: dryRun ? next : store.commit(def, next), deleted: false };
  }
  if (dryRun) return { obj: current, deleted: true };
  const gone = store.drop(def, ns, name);
  if (!gone) throw notFound(def, name);
  return { obj: gone, deleted: true };
}

function gracefulPodDelete(
  store: Store,
  def: ResourceDef,
  pod: Obj,
  options: DeleteOptionsBody,
  ctx: DeleteContext,
  dryRun: boolean,
): DeleteResult | undefined {
  // pkg/registry/core/pod/strategy.go CheckGracefulDelete: unbound or terminal pods go at once.
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const phase = isRecord(pod.status) ? pod.status.phase : undefined;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed' || !ctx.gracefulPod?.(pod))
    return undefined;
  const grace =
    options.gracePeriodSeconds ??
    (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30);
  if (grace === 0) return undefined;
  const prior = pod.metadata.deletionGracePeriodSeconds;
  if (pod.metadata.deletionTimestamp && prior !== undefined && prior <= grace)
    return { obj: pod, deleted: false };
  const next = clone(pod);
  if (!next.metadata.deletionTimestamp && (next.metadata.generation ?? 0) > 0)
    next.metadata.generation = (next.metadata.generation ?? 0) + 1;
  next.metadata.deletionTimestamp = timestamp(store.now() + grace * 1000);
  next.metadata.deletionGracePeriodSeconds = grace;
  return { obj: dryRun ? next : store.commit(def, next), deleted: false };
}

/** store.go markAsDeleting: generation bump (when kept), deletionTimestamp now, grace 0. */
export function markAsDeleting(o: Obj, now: string): void {
  const m = o.metadata;
  if (!m.deletionTimestamp && (m.generation ?? 0) > 0) m.generation = (m.generation ?? 0) + 1;
  if (!m.deletionTimestamp) m.deletionTimestamp = now;
  m.deletionGracePeriodSeconds = 0;
}

const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** The Status body a DELETE answers with when the resource does not return the deleted object. */
export function deletedStatus(def: ResourceDef, obj: Obj): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: obj.metadata.name,
      ...(def.group ? { group: def.group } : {}),
      kind: def.plural,
      uid: obj.metadata.uid,
    },
  };
}
