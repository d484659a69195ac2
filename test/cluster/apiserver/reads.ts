// Read-only answers: discovery documents (/api, /apis, /version, health) and collection lists with
// label/field selectors and limit/continue pagination (a continue token older than the watch cache's
// history answers 410, as kube-apiserver does), items serialised once at write time.
import { coreVersions, group, groupList, resourceList, VERSION_INFO } from './discovery.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Entry, Store } from './store.js';
import { ApiError, apiVersionOf, badRequest, expired, type Obj, type ResourceDef } from './types.js';
import { metaFields } from './watch.js';

export type Answer =
  | { code: number; body: unknown }
  | { code: number; text: string; type: string }
  | 'streaming';

export function other(store: Store, path: string): Answer {
  const defs = store.defs();
  if (path === '/api') return { code: 200, body: coreVersions };
  if (path === '/apis') return { code: 200, body: groupList(defs) };
  if (path === '/version') return { code: 200, body: VERSION_INFO };
  if (path === '/healthz' || path === '/livez' || path === '/readyz')
    return { code: 200, text: 'ok', type: 'text/plain' };
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts.length === 2) {
    const list = resourceList(defs, '', parts[1] ?? '');
    if (list) return { code: 200, body: list };
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const g = group(defs, parts[1] ?? '');
    if (g) return { code: 200, body: g };
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const list = resourceList(defs, parts[1] ?? '', parts[2] ?? '');
    if (list) return { code: 200, body: list };
  }
  throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

export function list(
  store: Store,
  def: ResourceDef,
  version: string,
  ns: string | undefined,
  q: URLSearchParams,
): Answer {
  const label = parseLabelSelector(q.get('labelSelector'));
  const field = parseFieldSelector(q.get('fieldSelector'), metaFields(def));
  let entries: Entry[] = store
    .candidates(def, def.namespaced ? ns : undefined, field.onlyName)
    .filter((e) => label(e.obj.metadata.labels) && field(e.obj));
  let rv = store.rv;
  const token = q.get('continue');
  if (token) {
    let parsed: { rv: number; after: string };
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: number; after: string };
    } catch {
      throw badRequest('continue key is not valid');
    }
    if (parsed.rv < store.state(def).compactedRv)
      throw expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    rv = parsed.rv;
    entries = entries.filter(
      (e) => `${e.obj.metadata.namespace ?? ''}/${e.obj.metadata.name}` > parsed.after,
    );
  }
  const limit = Number(q.get('limit') ?? '0');
  let cont = '';
  if (limit > 0 && entries.length > limit) {
    const last = entries[limit - 1]?.obj as Obj;
    const next = Buffer.from(
      JSON.stringify({ rv, after: `${last.metadata.namespace ?? ''}/${last.metadata.name}` }),
    ).toString('base64url');
    cont = `,"continue":"${next}","remainingItemCount":${entries.length - limit}`;
    entries = entries.slice(0, limit);
  }
  const apiVersion = apiVersionOf(def, version);
  const items = entries
    .map((e) => (e.obj.apiVersion === apiVersion ? e.json : JSON.stringify({ ...e.obj, apiVersion })))
    .join(',');
  return {
    code: 200,
    body: `{"kind":"${def.kind}List","apiVersion":"${apiVersion}","metadata":{"resourceVersion":"${rv}"${cont}},"items":[${items}]}`,
  };
}
