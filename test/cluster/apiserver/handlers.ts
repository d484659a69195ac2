// One HTTP request from start to answer: authentication, accounting, injected faults and delays,
// then the verb — discovery, get, list (label/field selectors, limit/continue), watch, create,
// update, patch, delete, deletecollection, pods/log, pods/eviction — answered in the wire format.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Accounting } from './accounting.js';
import { deletedStatus, deleteObject, parseDeleteOptions } from './deletes.js';
import { evict } from './eviction.js';
import { type Delay, delayFor, type Fault, pickFault, type RequestInfo } from './faults.js';
import { type Answer, list, other } from './reads.js';
import { parseRoute, type Route } from './routes.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Store } from './store.js';
import { ApiError, apiVersionOf, badRequest, notFound, type Obj, type ResourceDef } from './types.js';
import { metaFields, type WatchHub } from './watch.js';
import { createObject, patchObject, patchType, updateObject } from './writes.js';

export interface Identity {
  username: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface Core {
  store: Store;
  hub: WatchHub;
  accounting: Accounting;
  faults: Fault[];
  delays: Delay[];
  random: () => number;
  logs: Map<string, string>;
  authenticate(authorization: string | undefined): Identity | undefined;
  gracefulPod(pod: Obj): boolean;
  finalize(def: ResourceDef, obj: Obj): void;
  /** Throws 403 when the user may not (RBAC mode); absent: everything is allowed. */
  authorize?: (user: Identity, info: RequestInfo, group: string) => void;
}

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
};

export async function handleRequest(core: Core, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = req.url ?? '/';
  const qi = raw.indexOf('?');
  const path = qi < 0 ? raw : raw.slice(0, qi);
  const query = qi < 0 ? '' : raw.slice(qi);
  const q = new URLSearchParams(query);
  const method = req.method ?? 'GET';
  const route = parseRoute(core.store, method, path, q);
  const body = method === 'GET' ? '' : await readBody(req);
  const identity = core.authenticate(req.headers.authorization);
  const user = identity?.username ?? 'system:anonymous';
  const info = route.info;
  let status = 0;
  let resourceVersion: string | undefined;
  let created: string | undefined;
  try {
    if (!identity) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    if (route.kind === 'resource') core.authorize?.(identity, info, route.group);
    const fault = pickFault(core.faults, info, core.random);
    if (fault) throw fault;
    const delay = delayFor(core.delays, info, core.random);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const answer = dispatch(core, route, q, body, req.headers['content-type'] ?? '', res);
    if (answer === 'streaming') status = 200;
    else if ('text' in answer) {
      status = answer.code;
      res.writeHead(answer.code, { 'content-type': answer.type });
      res.end(answer.text);
    } else {
      status = answer.code;
      const meta = (answer.body as { metadata?: { resourceVersion?: string; name?: string } } | undefined)
        ?.metadata;
      resourceVersion = meta?.resourceVersion;
      // A create names its object in the body, not the URL: the write log wants the name.
      if (info.verb === 'create' && !info.name && meta?.name) created = meta.name;
      send(res, answer.code, answer.body);
    }
  } catch (e) {
    const err =
      e instanceof ApiError
        ? e
        : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
    status = err.code;
    const retry = err.details?.retryAfterSeconds;
    if (!res.headersSent)
      send(res, err.code, err.body(), retry !== undefined ? { 'retry-after': String(retry) } : {});
    else res.end();
  }
  core.accounting.request({
    method,
    path,
    query,
    status,
    verb: info.verb,
    resource: info.resource,
    ...(info.namespace ? { namespace: info.namespace } : {}),
    ...(info.name ? { name: info.name } : {}),
    user,
  });
  core.accounting.write(created ? { ...info, name: created } : info, {
    user,
    status,
    source: 'http',
    dryRun: q.get('dryRun') === 'All',
    ...(status < 300 && resourceVersion ? { resourceVersion } : {}),
  });
}

function dispatch(
  core: Core,
  route: Route,
  q: URLSearchParams,
  body: string,
  contentType: string,
  res: ServerResponse,
): Answer {
  if (route.kind === 'other') return other(core.store, route.info.path);
  const { def, ns, name, sub, version } = route;
  if (!def || (ns !== undefined && !def.namespaced))
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const dryRunParam = q.get('dryRun');
  if (dryRunParam !== null && dryRunParam !== 'All')
    throw badRequest(`dryRun: Unsupported value: "${dryRunParam}": supported values: "All"`);
  const dryRun = dryRunParam === 'All';
  const s = core.store;
  const verb = route.info.verb;
  const out = (o: Obj, code = 200): Answer => ({
    code,
    body: o.apiVersion === apiVersionOf(def, version) ? o : { ...o, apiVersion: apiVersionOf(def, version) },
  });
  if (
    sub &&
    !(sub === 'status' && def.status) &&
    !(def.plural === 'pods' && (sub === 'log' || sub === 'eviction')) &&
    !(def.plural === 'namespaces' && sub === 'finalize')
  )
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (verb === 'watch') {
    core.hub.open(def, ns, version, q, res);
    return 'streaming';
  }
  if (verb === 'list') return list(core.store, def, version, ns, q);
  if (verb === 'deletecollection') {
    const label = parseLabelSelector(q.get('labelSelector'));
    const field = parseFieldSelector(q.get('fieldSelector'), metaFields(def));
    const options = parseDeleteOptions(body, q);
    const gone = s
      .list(def, def.namespaced ? ns : undefined)
      .filter((e) => label(e.obj.metadata.labels) && field(e.obj))
      .map(
        (e) =>
          deleteObject(s, def, ns, e.obj.metadata.name, options, { dryRun, gracefulPod: core.gracefulPod })
            .obj,
      );
    return {
      code: 200,
      body: {
        kind: `${def.kind}List`,
        apiVersion: apiVersionOf(def, version),
        metadata: { resourceVersion: String(s.rv) },
        items: gone,
      },
    };
  }
  if (verb === 'create' && !name) return out(createObject(s, def, ns, parseJson(body), { dryRun }), 201);
  if (!name)
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource`,
    );
  if (sub === 'eviction' && verb === 'create')
    return {
      code: 201,
      body: evict(s, ns ?? '', name, parseJson(body), { dryRun, gracefulPod: core.gracefulPod }),
    };
  const entry = s.get(def, ns, name);
  if (sub === 'log' && verb === 'get') {
    if (!entry) throw notFound(def, name);
    const container = q.get('container');
    const log =
      (container && core.logs.get(`${ns}/${name}/${container}`)) ?? core.logs.get(`${ns}/${name}`) ?? '';
    const tail = Number(q.get('tailLines') ?? '0');
    const lines = log.split('\n').filter((l) => l !== '');
    const text = tail > 0 ? lines.slice(-tail).join('\n') : lines.join('\n');
    return { code: 200, text: text ? `${text}\n` : '', type: 'text/plain' };
  }
  const subresource = sub === 'status' ? ('status' as const) : undefined;
  const writeOpts = { dryRun, finalize: core.finalize, ...(subresource ? { subresource } : {}) };
  switch (verb) {
    case 'get':
      if (!entry) throw notFound(def, name);
      // The JSON serialised at write time goes out as is (the common case: the storage version).
      return entry.obj.apiVersion === apiVersionOf(def, version)
        ? { code: 200, body: entry.json }
        : out(entry.obj);
    case 'update':
      if (sub === 'finalize') {
        const sent = parseJson(body) as Obj;
        const fin = (sent.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
        if (!entry) throw notFound(def, name);
        const next = structuredClone(entry.obj);
        next.spec = { ...(next.spec as object), finalizers: fin };
        return out(updateObject(s, def, ns, name, next, { dryRun }));
      }
      return out(updateObject(s, def, ns, name, parseJson(body), writeOpts));
    case 'patch':
      return out(patchObject(s, def, ns, name, parseJson(body), patchType(contentType), writeOpts));
    case 'delete': {
      const r = deleteObject(s, def, ns, name, parseDeleteOptions(body, q), {
        dryRun,
        gracefulPod: core.gracefulPod,
      });
      if (!r.deleted || def.returnsDeletedObject) return out(r.obj);
      return { code: 200, body: deletedStatus(def, r.obj) };
    }
    default:
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
  }
}

export type { RequestInfo };
