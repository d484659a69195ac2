// The writes of a reconcile that need more than one call: the ControllerRevision (create or
// renumber), a MirrorNode (create with its Node as owner, or a conditional update), the status
// (a conflict re-reads and re-applies the computed status) and the finalizer's removal.
import type { Kube, KubernetesObject } from '../../host/kube-port.js';
import { KubeError } from '../../host/kube-port.js';
import { API_VERSION, MIRRORNODE } from '../api/group.js';
import { LABELS, managedLabels, UNINSTALL_FINALIZER } from '../api/meta.js';
import type { ControllerCache } from './cache.js';
import { RESOURCES } from './cache.js';
import type { ControllerMetrics } from './metrics.js';
import type { MirrorNodeWrite, ReconcilePlan, Snapshot } from './types.js';

export class NotLeaderError extends Error {
  constructor() {
    super('not the leader');
  }
}

/** The objects moved on since the decision (409): decide again. */
export class ConflictError extends Error {}

/** What executing a plan needs (execute.ts). */
export interface ExecuteContext {
  kube: Kube;
  cache: ControllerCache;
  namespace: string;
  image: string;
  identity: string;
  /** Throws NotLeaderError when this replica may no longer write. */
  guard: () => void;
  now: () => number;
  log: (msg: string) => void;
  metrics: ControllerMetrics;
  nextEventSeq: () => number;
}

export type Obj = KubernetesObject & Record<string, unknown>;
export type Write = <T>(fn: () => Promise<T>) => Promise<T>;

export const isStatus = (err: unknown, status: number): boolean =>
  err instanceof KubeError && err.status === status;

export async function writeRevision(
  r: NonNullable<ReconcilePlan['revision']>,
  snap: Snapshot,
  label: string,
  ctx: ExecuteContext,
  write: Write,
): Promise<void> {
  const name = snap.set.metadata.name;
  const cr = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: r.name,
      namespace: ctx.namespace,
      labels: { ...managedLabels(), [LABELS.mirrorSet]: label, [LABELS.revision]: r.revision },
      // Garbage-collected with the MirrorSet should its finalizer ever be removed by hand.
      ownerReferences: [
        { apiVersion: API_VERSION, kind: 'MirrorSet', name, uid: snap.set.metadata.uid ?? '' },
      ],
    },
    data: r.data,
    revision: r.number,
  };
  try {
    const made = await write(() => ctx.kube.create(cr));
    ctx.cache.wrote('revisions', r.name, ctx.namespace, undefined, made);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err; // AlreadyExists: made by an earlier pass
  }
}

export async function writeMirrorNode(
  w: MirrorNodeWrite,
  label: string,
  ctx: ExecuteContext,
  write: Write,
): Promise<void> {
  if (w.create) {
    const obj = {
      apiVersion: API_VERSION,
      kind: MIRRORNODE.kind,
      metadata: {
        name: w.name,
        labels: { ...managedLabels(), [LABELS.mirrorSet]: label },
        // Garbage-collected with its Node.
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: w.name, uid: w.nodeUid }],
      },
      spec: w.spec,
    };
    const made = await write(() => ctx.kube.create(obj));
    ctx.cache.wrote('mirrorNodes', w.name, undefined, undefined, made);
    return;
  }
  const cur = ctx.cache.get('mirrorNodes', w.name) as Obj | undefined;
  if (!cur) throw new ConflictError(`MirrorNode ${w.name} is gone`);
  const next = {
    ...cur,
    metadata: {
      ...cur.metadata,
      labels: { ...(cur.metadata?.labels ?? {}), [LABELS.mirrorSet]: label },
      resourceVersion: w.resourceVersion,
    },
    spec: w.spec,
  };
  const made = await write(() => ctx.kube.update(next));
  ctx.cache.wrote('mirrorNodes', w.name, undefined, w.resourceVersion, made);
}

/** PUT /status; on a conflict, the computed status goes onto the latest object (up to 3 times). */
export async function writeStatus(
  setObj: Obj,
  plan: ReconcilePlan,
  ctx: ExecuteContext,
  write: Write,
): Promise<Obj> {
  let cur = setObj;
  for (let attempt = 0; ; attempt++) {
    try {
      const made = (await write(() =>
        ctx.kube.updateStatus(RESOURCES.mirrorSets, { ...cur, status: plan.status } as Obj),
      )) as Obj;
      ctx.cache.wrote('mirrorSets', cur.metadata?.name ?? '', undefined, cur.metadata?.resourceVersion, made);
      return made;
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= 2) throw err;
      const fresh = (await ctx.kube.get({
        apiVersion: API_VERSION,
        kind: 'MirrorSet',
        name: cur.metadata?.name ?? '',
      })) as Obj | undefined;
      if (!fresh) return cur;
      cur = fresh;
    }
  }
}

export async function removeFinalizer(
  name: string,
  setObj: Obj,
  ctx: ExecuteContext,
  write: Write,
): Promise<void> {
  let cur: Obj | undefined = setObj;
  for (let attempt = 0; cur; attempt++) {
    const next = {
      ...cur,
      metadata: {
        ...cur.metadata,
        finalizers: (cur.metadata?.finalizers ?? []).filter((f) => f !== UNINSTALL_FINALIZER),
      },
    };
    try {
      await write(() => ctx.kube.update(next));
      ctx.log(`MirrorSet ${name}: every node uninstalled; finalizer removed`);
      return;
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= 2) throw err;
      cur = (await ctx.kube.get({ apiVersion: API_VERSION, kind: 'MirrorSet', name })) as Obj | undefined;
    }
  }
}
