// Create, update and patch with kube-apiserver's rules (k8s.io/apiserver/pkg/registry/generic/registry/
// store.go and rest/create.go, update.go; the CRD strategy in apiextensions-apiserver/pkg/registry/
// customresource/strategy.go and status_strategy.go): server-owned metadata, generation bumped when
// anything but metadata/status changes, `/status` writes only status, stale resourceVersion → 409,
// no new finalizers once deleting, namespace lifecycle admission, no-op updates keep the version.
import { randomUUID } from 'node:crypto';
import { canonicalJson } from '../../../src/spec/hash.js';
import { applyJsonPatch, mergePatch, strategicMergePatch } from '../patches.js';
import { normalize } from './resources.js';
import type { Store } from './store.js';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  deletionComplete,
  invalid,
  isRecord,
  MODIFIED,
  notFound,
  type Obj,
  type ResourceDef,
  timestamp,
} from './types.js';

export interface WriteOptions {
  dryRun?: boolean;
  /** Called after a committed write that ended a deletion (finalizers gone): the object is removed. */
  finalize?: (def: ResourceDef, obj: Obj) => void;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789'; // k8s.io/apiserver/pkg/storage/names, utilrand
export const randomSuffix = (n = 5): string =>
  Array.from({ length: n }, () => NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)]).join('');

const clone = <T>(v: T): T => structuredClone(v);
const SERVER_META = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'selfLink',
  'managedFields',
];

/** Everything but metadata (and status when it has its own endpoint): a change bumps generation. */
function specPart(def: ResourceDef, o: Obj): string {
  const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = o;
  return JSON.stringify(def.status ? rest : { ...rest, status });
}

/** The stored form without its version, with keys sorted: etcd compares the canonical serialization,
 *  so a client sending the same fields in another order changes nothing (no new version). */
const withoutVersion = (o: Obj): string =>
  canonicalJson({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });

/** NamespaceLifecycle admission (plugin/pkg/admission/namespace/lifecycle/admission.go). */
function admitNamespace(store: Store, def: ResourceDef, ns: string, name: string): void {
  const nsDef = store.byPlural('namespaces');
  const entry = nsDef ? store.get(nsDef, undefined, ns) : undefined;
  if (!entry)
    throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
  if (entry.obj.metadata.deletionTimestamp) {
    const why = `unable to create new content in namespace ${ns} because it is being terminated`;
    throw new ApiError(
      403,
      'Forbidden',
      `${def.group ? `${def.plural}.${def.group}` : def.plural} "${name}" is forbidden: ${why}`,
      {
        name,
        ...(def.group ? { group: def.group } : {}),
        kind: def.plural,
        causes: [{ type: 'NamespaceTerminating', message: why, field: 'metadata.namespace' }],
      },
    );
  }
}

export function createObject(
  store: Store,
  def: ResourceDef,
  ns: string | undefined,
  body: unknown,
  opts: WriteOptions = {},
): Obj {
  if (!isRecord(body) || !isRecord(body.metadata)) throw badRequest('Object has no metadata');
  if (body.kind !== undefined && body.kind !== def.kind)
    throw badRequest(
      `the kind of the provided object (${String(body.kind)}) does not match the resource (${def.kind})`,
    );
  const obj = clone(body) as Obj;
  const meta = obj.metadata;
  if (def.namespaced) {
    if (!ns) throw badRequest('the namespace of the provided object is missing from the request');
    if (meta.namespace && meta.namespace !== ns)
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    meta.namespace = ns;
  } else delete meta.namespace;
  if (!meta.name) {
    if (!meta.generateName)
      throw invalid(def, '', 'metadata.name', 'Required value: name or generateName is required');
    meta.name = `${meta.generateName}${randomSuffix()}`;
  }
  if (def.namespaced && ns) admitNamespace(store, def, ns, meta.name);
  if (store.get(def, ns, meta.name)) throw alreadyExists(def, meta.name);
  for (const k of SERVER_META) delete meta[k];
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp(store.now());
  if (def.generation) meta.generation = 1;
  if (def.dropStatusOnCreate) delete obj.status;
  def.prepareForCreate?.(obj);
  for (const admit of store.admission) admit(def, obj);
  normalize(def, obj);
  if (opts.dryRun) return { ...obj, apiVersion: body.apiVersion as string, kind: def.kind };
  return store.commit(def, obj);
}

export interface UpdateOptions extends WriteOptions {
  subresource?: 'status';
  /** A patch result: the version precondition is the one the patch carried, and CRDs need none. */
  fromPatch?: boolean;
}

export function updateObject(
  store: Store,
  def: ResourceDef,
  ns: string | undefined,
  name: string,
  body: unknown,
  opts: UpdateOptions = {},
): Obj {
  if (!isRecord(body) || !isRecord(body.metadata)) throw badRequest('Object has no metadata');
  const entry = store.get(def, ns, name);
  if (!entry) throw notFound(def, name);
  const current = entry.obj;
  const sent = body as Obj;
  if (sent.metadata.name !== undefined && sent.metadata.name !== name)
    throw badRequest(
      `the name of the object (${sent.metadata.name}) does not match the name on the URL (${name})`,
    );
  if (def.namespaced && sent.metadata.namespace && sent.metadata.namespace !== ns)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  const rv = sent.metadata.resourceVersion;
  if (!rv && def.custom && !opts.fromPatch)
    throw invalid(
      def,
      name,
      'metadata.resourceVersion',
      'Invalid value: 0x0: must be specified for an update',
    );
  if (rv && rv !== current.metadata.resourceVersion) throw conflict(def, name, MODIFIED);

  let next: Obj;
  if (opts.subresource === 'status') {
    // status_strategy.go: copy the old object, take only status (metadata too comes from the old one).
    next = clone(current);
    if (sent.status === undefined) delete next.status;
    else next.status = clone(sent.status);
  } else {
    next = clone(sent);
    def.defaultOnUpdate?.(next);
    if (def.status) {
      if (current.status === undefined) delete next.status;
      else next.status = clone(current.status);
    }
    const m = next.metadata;
    for (const k of SERVER_META) delete m[k];
    const c = current.metadata;
    m.name = name;
    if (def.namespaced) m.namespace = ns;
    else delete m.namespace;
    m.uid = c.uid;
    m.creationTimestamp = c.creationTimestamp;
    if (c.deletionTimestamp) {
      m.deletionTimestamp = c.deletionTimestamp;
      m.deletionGracePeriodSeconds = c.deletionGracePeriodSeconds;
      const added = (m.finalizers ?? []).filter((f) => !(c.finalizers ?? []).includes(f));
      if (added.length > 0)
        throw invalid(
          def,
          name,
          'metadata.finalizers',
          `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        );
    }
    if (def.generation)
      m.generation = specPart(def, next) === specPart(def, current) ? c.generation : (c.generation ?? 0) + 1;
    const bad = def.validateUpdate?.(next, current);
    if (bad) throw invalid(def, name, bad.field, `Invalid value: ${bad.message}`);
    normalize(def, next);
  }
  next.apiVersion = current.apiVersion;
  next.kind = current.kind;
  next.metadata.resourceVersion = current.metadata.resourceVersion;
  // etcd3 GuaranteedUpdate: an update that changes nothing is not written (no new version, no event).
  if (withoutVersion(next) === withoutVersion(current)) return current;
  if (opts.dryRun) return next;
  const stored = store.commit(def, next);
  if (deletionComplete(def, stored)) opts.finalize?.(def, stored);
  return stored;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export function patchType(contentType: string): PatchType | undefined {
  const ct = contentType.split(';')[0]?.trim() ?? '';
  if (ct === 'application/json-patch+json') return 'json';
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/strategic-merge-patch+json') return 'strategic';
  if (ct === 'application/apply-patch+yaml' || ct === 'application/apply-patch+cbor') return 'apply';
  return undefined;
}

export function patchObject(
  store: Store,
  def: ResourceDef,
  ns: string | undefined,
  name: string,
  patch: unknown,
  type: PatchType | undefined,
  opts: UpdateOptions = {},
): Obj {
  const accepted = def.custom
    ? 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml'
    : 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml';
  if (!type || (type === 'strategic' && def.custom))
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
    );
  // Server-side apply is not implemented by the stand-in: say so rather than pretend.
  if (type === 'apply')
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      'server-side apply (application/apply-patch+yaml) is not implemented by the test API server',
    );
  const entry = store.get(def, ns, name);
  if (!entry) throw notFound(def, name);
  let next: unknown;
  if (type === 'json') {
    if (!Array.isArray(patch)) throw badRequest('json patch must be a list of operations');
    const r = applyJsonPatch(entry.obj, patch as Array<Record<string, unknown>>);
    if (!r.ok) throw new ApiError(422, 'Invalid', r.error);
    next = r.value;
  } else if (type === 'merge') next = mergePatch(entry.obj, patch);
  else next = strategicMergePatch(entry.obj, patch);
  if (!isRecord(next) || !isRecord(next.metadata)) throw badRequest('patch removed metadata');
  const patched = next as Obj;
  patched.metadata.name = name;
  if (def.namespaced) patched.metadata.namespace = ns;
  return updateObject(store, def, ns, name, patched, { ...opts, fromPatch: true });
}
