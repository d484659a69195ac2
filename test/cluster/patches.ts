// Patch semantics of the fake API server: RFC 7386 merge patch, strategic merge patch and RFC 6902
// JSON patch (add/remove/replace/move/copy/test). Strategic merge follows
// k8s.io/apimachinery/pkg/util/strategicpatch/patch.go for the fields clients patch: lists with a
// patchMergeKey merge by it (containers, env, volumes by name; volumeMounts by mountPath; conditions by
// type; ownerReferences by uid …), metadata.finalizers merges as a set, other lists are replaced;
// directives `$patch: replace|delete`, `$retainKeys`, `$deleteFromPrimitiveList/<f>`,
// `$setElementOrder/<f>` (accepted, order not enforced).
import { isDeepStrictEqual } from 'node:util';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** patchMergeKey per list field name (k8s.io/api/core/v1/types.go struct tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  conditions: 'type',
  addresses: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
};
/** Primitive lists with patchStrategy "merge": the patch's values are added (a set union). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports')
    return items.every((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

function mergeList(field: string, target: unknown, patch: unknown[]): unknown {
  const current = Array.isArray(target) ? target : [];
  if (patch.some((p) => isObject(p) && p.$patch === 'replace'))
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace'));
  if (MERGED_PRIMITIVE_LISTS.has(field) && patch.every((p) => !isObject(p))) {
    const out = [...current];
    for (const p of patch) if (!out.some((c) => isDeepStrictEqual(c, p))) out.push(p);
    return out;
  }
  const key = mergeKeyFor(field, [...current, ...patch]);
  if (!key || !patch.every(isObject)) return patch;
  const out = [...current];
  for (const p of patch as Array<Record<string, unknown>>) {
    const i = out.findIndex((t) => isObject(t) && isDeepStrictEqual(t[key], p[key]));
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], p);
    else out.push(strategicMergePatch(undefined, p));
  }
  return out;
}

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  let out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k === '$patch' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = Array.isArray(v) ? v : [];
      if (Array.isArray(out[f]))
        out[f] = (out[f] as unknown[]).filter((x) => !drop.some((d) => isDeepStrictEqual(d, x)));
      continue;
    }
    if (v === null || (isObject(v) && v.$patch === 'delete')) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, out[k], v);
    else out[k] = strategicMergePatch(out[k], v);
  }
  return out;
}

const pointer = (path: string): string[] =>
  path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

function resolveParent(root: Json, keys: string[]): Json | undefined {
  let parent: Json = root;
  for (const k of keys) {
    const next: Json | undefined = Array.isArray(parent)
      ? parent[Number(k)]
      : isObject(parent)
        ? (parent as Record<string, Json>)[k]
        : undefined;
    if (next === undefined) return undefined;
    parent = next;
  }
  return parent;
}

export function applyJsonPatch(
  doc: unknown,
  ops: Array<Record<string, unknown>>,
): { ok: true; value: unknown } | { ok: false; error: string } {
  let root = structuredClone(doc) as Json;
  const get = (path: string): Json | undefined => {
    const keys = pointer(path);
    const last = keys.pop();
    const parent = resolveParent(root, keys);
    if (last === undefined) return root;
    if (Array.isArray(parent)) return parent[Number(last)];
    return isObject(parent) ? (parent as Record<string, Json>)[last] : undefined;
  };
  for (const op of ops) {
    const path = String(op.path);
    let value = op.value as Json;
    let kind = String(op.op);
    if (kind === 'move' || kind === 'copy') {
      const from = get(String(op.from));
      if (from === undefined) return { ok: false, error: `path ${String(op.from)} does not exist` };
      value = structuredClone(from);
      if (kind === 'move') {
        const r = applyJsonPatch(root, [{ op: 'remove', path: String(op.from) }]);
        if (!r.ok) return r;
        root = r.value as Json;
      }
      kind = 'add';
    }
    const keys = pointer(path);
    const last = keys.pop();
    if (last === undefined) {
      if (kind === 'test') {
        if (!isDeepStrictEqual(root, value)) return { ok: false, error: `test failed at ${path}` };
      } else root = value;
      continue;
    }
    const parent = resolveParent(root, keys);
    if (parent === undefined || parent === null || typeof parent !== 'object')
      return { ok: false, error: `path ${path} does not exist` };
    const container = parent as Record<string, Json>;
    const current = Array.isArray(parent) ? parent[Number(last)] : container[last];
    switch (kind) {
      case 'test':
        if (!isDeepStrictEqual(current ?? null, value ?? null))
          return { ok: false, error: `test failed at ${path}` };
        break;
      case 'remove':
        if (current === undefined) return { ok: false, error: `nothing to remove at ${path}` };
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete container[last];
        break;
      case 'add':
      case 'replace':
        if (kind === 'replace' && current === undefined)
          return { ok: false, error: `nothing to replace at ${path}` };
        if (Array.isArray(parent) && kind === 'add')
          parent.splice(last === '-' ? parent.length : Number(last), 0, value);
        else if (Array.isArray(parent)) parent[Number(last)] = value;
        else container[last] = value;
        break;
      default:
        return { ok: false, error: `unsupported op ${kind}` };
    }
  }
  return { ok: true, value: root };
}
