// API objects (plain JSON from the informers) → the facts the decisions read (types.ts). Lenient:
// objects that do not parse are skipped by the caller, with the reason for its log.
import type { KubernetesObject, V1Node } from '@kubernetes/client-node';
import { ANNOTATIONS, LABELS } from '../api/meta.js';
import { type MirrorNodeObject, mirrorNodeObjectSchema } from '../api/mirrornode.js';
import { type MirrorSetObject, mirrorSetObjectSchema, REVISION_PATTERN } from '../api/mirrorset.js';
import { nodeReady } from '../node-runtime.js';
import { CONTROLLER_ANNOTATIONS } from './names.js';
import { nodeTarget } from './node-target.js';
import type { JobFacts, NodeFacts, RevisionFacts } from './types.js';

type Json = Record<string, unknown>;
const rec = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A timestamp as the API sends it (RFC 3339 string; a Date from the typed client) → ms. */
export function millis(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

export function nodeFacts(obj: KubernetesObject): NodeFacts {
  const node = obj as V1Node;
  const meta = node.metadata ?? {};
  return {
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    labels: { ...(meta.labels ?? {}) },
    ready: nodeReady(node),
    unschedulable: node.spec?.unschedulable === true,
    target: nodeTarget(node),
    cordonedByUs: meta.annotations?.[CONTROLLER_ANNOTATIONS.cordoned] !== undefined,
  };
}

export function jobFacts(obj: KubernetesObject): JobFacts | undefined {
  const meta = obj.metadata ?? {};
  const node = meta.annotations?.[ANNOTATIONS.node];
  const mirrorSet = meta.labels?.[LABELS.mirrorSet];
  const name = meta.name;
  if (!node || !mirrorSet || !name) return undefined;
  const status = rec((obj as Json).status);
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(rec) : [];
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  const failed = isTrue('Failed');
  const complete = isTrue('Complete');
  const createdAt = millis(meta.creationTimestamp) ?? 0;
  const facts: JobFacts = {
    name,
    node,
    mirrorSet,
    action: meta.labels?.[CONTROLLER_ANNOTATIONS.action] === 'reload' ? 'reload' : 'restart',
    createdAt,
    phase: failed ? 'Failed' : complete ? 'Succeeded' : 'Active',
  };
  const finished = failed ?? complete;
  const finishedAt = millis(finished?.lastTransitionTime) ?? millis(status.completionTime);
  if (finished && finishedAt !== undefined) facts.finishedAt = finishedAt;
  const reason = str(failed?.reason);
  if (reason) facts.reason = reason;
  return facts;
}

export function revisionFacts(obj: KubernetesObject): RevisionFacts | undefined {
  const meta = obj.metadata ?? {};
  const revision = meta.labels?.[LABELS.revision];
  if (!meta.name || !revision || !REVISION_PATTERN.test(revision)) return undefined;
  const n = (obj as Json).revision;
  return {
    name: meta.name,
    revision,
    number: typeof n === 'number' ? n : 0,
    ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
  };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

export function parseMirrorSet(obj: KubernetesObject): Parsed<MirrorSetObject> {
  const r = mirrorSetObjectSchema.safeParse(obj);
  if (r.success) return { ok: true, value: r.data };
  // A status this controller cannot read (written by another version) must not hide the spec.
  const { status: _ignored, ...rest } = obj as Json;
  const again = mirrorSetObjectSchema.safeParse(rest);
  if (again.success) return { ok: true, value: again.data };
  return { ok: false, why: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

export function parseMirrorNode(obj: KubernetesObject): Parsed<MirrorNodeObject> {
  const r = mirrorNodeObjectSchema.safeParse(obj);
  if (r.success) return { ok: true, value: r.data };
  const { status: _ignored, ...rest } = obj as Json;
  const again = mirrorNodeObjectSchema.safeParse(rest);
  if (again.success) return { ok: true, value: again.data };
  return { ok: false, why: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
