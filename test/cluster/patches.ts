// Patch semantics of the fake API server: RFC 7386 merge patch, strategic merge patch (lists of
// objects with a `name` merge by name, as Kubernetes does for containers, volumes, env …; other
// lists replace) and RFC 6902 JSON patch (add/remove/replace/test).
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

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (
    Array.isArray(patch) &&
    Array.isArray(target) &&
    patch.every((p) => isObject(p) && typeof p.name === 'string')
  ) {
    const out = [...target];
    for (const p of patch as Array<Record<string, unknown>>) {
      const i = out.findIndex((t) => isObject(t) && t.name === p.name);
      if (i >= 0) out[i] = strategicMergePatch(out[i], p);
      else out.push(p);
    }
    return out;
  }
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = strategicMergePatch(out[k], v);
  }
  return out;
}

const pointer = (path: string): string[] =>
  path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

export function applyJsonPatch(
  doc: unknown,
  ops: Array<Record<string, unknown>>,
): { ok: true; value: unknown } | { ok: false; error: string } {
  let root = structuredClone(doc) as Json;
  for (const op of ops) {
    const keys = pointer(String(op.path));
    const last = keys.pop();
    let parent: Json = root;
    for (const k of keys) {
      parent = (Array.isArray(parent) ? parent[Number(k)] : isObject(parent) ? parent[k] : undefined) as Json;
      if (parent === undefined) return { ok: false, error: `path ${String(op.path)} does not exist` };
    }
    if (last === undefined) {
      root = op.value as Json;
      continue;
    }
    const container = parent as Record<string, Json>;
    const current = container[last];
    switch (op.op) {
      case 'test':
        if (!isDeepStrictEqual(current ?? null, op.value ?? null))
          return { ok: false, error: `test failed at ${String(op.path)}` };
        break;
      case 'remove':
        if (current === undefined) return { ok: false, error: `nothing to remove at ${String(op.path)}` };
        if (Array.isArray(container)) container.splice(Number(last), 1);
        else delete container[last];
        break;
      case 'add':
      case 'replace':
        if (op.op === 'replace' && current === undefined)
          return { ok: false, error: `nothing to replace at ${String(op.path)}` };
        if (Array.isArray(container) && op.op === 'add')
          container.splice(last === '-' ? container.length : Number(last), 0, op.value as Json);
        else container[last] = op.value as Json;
        break;
      default:
        return { ok: false, error: `unsupported op ${String(op.op)}` };
    }
  }
  return { ok: true, value: root };
}
