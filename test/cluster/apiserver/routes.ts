// URL → what is asked: discovery documents, or a resource request with its Kubernetes verb
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go: /api/v1/namespaces/<ns>/<plural>/<name>/<sub>,
// /apis/<group>/<version>/…; GET on a collection is list, or watch with ?watch=true).
import type { RequestInfo } from './faults.js';
import type { Store } from './store.js';
import type { ResourceDef } from './types.js';

export type Route =
  | { kind: 'other'; info: RequestInfo }
  | {
      kind: 'resource';
      info: RequestInfo;
      def: ResourceDef | undefined;
      version: string;
      group: string;
      plural: string;
      ns: string | undefined;
      name: string | undefined;
      sub: string | undefined;
    };

const NAMESPACE_SUBS = new Set(['status', 'finalize']);

export function parseRoute(store: Store, method: string, path: string, q: URLSearchParams): Route {
  const parts = path.split('/').filter(Boolean);
  const other = (): Route => ({
    kind: 'other',
    info: { method, path, verb: method.toLowerCase(), resource: '' },
  });
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return other();
  let ns: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && NAMESPACE_SUBS.has(rest[2] ?? ''))
  ) {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const [plural = '', name, sub] = rest;
  const def = store.find(group, version, plural);
  let verb: string;
  switch (method) {
    case 'GET':
      verb = name ? 'get' : q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = method.toLowerCase();
  }
  const info: RequestInfo = {
    method,
    path,
    verb,
    resource: sub ? `${plural}/${sub}` : plural,
    ...(ns ? { namespace: ns } : {}),
    ...(name ? { name } : {}),
  };
  return { kind: 'resource', info, def, version, group, plural, ns, name, sub };
}
