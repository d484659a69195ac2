// An in-process Kubernetes API server for the resources cluster mode uses, speaking the real wire
// format: discovery, JSON lists with resourceVersion, `?watch=true` streams (bookmarks, ERROR 410 for
// compacted versions, server-side disconnects), create (409), merge / strategic-merge / JSON patch,
// delete (404), pod logs, label selectors, and injected 429/500/503 answers. Driven by the real
// @kubernetes/client-node through a generated kubeconfig.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyJsonPatch, mergePatch, strategicMergePatch } from './patches.js';

export type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown> & {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
} & Record<string, unknown>;

interface ResourceDef {
  group: string; // '' = core
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const RESOURCES: ResourceDef[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  // OpenShift config API (cluster-scoped), for rollout on OpenShift (src/cluster/openshift-apply.ts).
  {
    group: 'config.openshift.io',
    version: 'v1',
    plural: 'imagedigestmirrorsets',
    kind: 'ImageDigestMirrorSet',
    namespaced: false,
  },
  {
    group: 'config.openshift.io',
    version: 'v1',
    plural: 'imagetagmirrorsets',
    kind: 'ImageTagMirrorSet',
    namespaced: false,
  },
  { group: 'config.openshift.io', version: 'v1', plural: 'images', kind: 'Image', namespaced: false },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  },
];

export interface Fault {
  /** e.g. 'GET /api/v1/nodes' (prefix match on method + path without query). */
  match: string;
  status: number;
  times: number;
  retryAfter?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
}

interface WatchStream {
  plural: string;
  namespace?: string;
  selector: string;
  res: ServerResponse;
}

export type ChangeListener = (type: 'ADDED' | 'MODIFIED' | 'DELETED', plural: string, obj: Obj) => void;

const apiVersionOf = (r: ResourceDef): string => (r.group ? `${r.group}/${r.version}` : r.version);
const keyOf = (plural: string, ns: string | undefined, name: string): string =>
  `${plural}/${ns ?? ''}/${name}`;

export function matchesSelector(labels: Record<string, string> | undefined, selector: string): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  return selector.split(',').every((term) => {
    const t = term.trim();
    const ne = /^([^!=]+)!=(.*)$/.exec(t);
    if (ne) return l[ne[1] ?? ''] !== ne[2];
    const eq = /^([^!=]+)==?(.*)$/.exec(t);
    if (eq) return l[eq[1] ?? ''] === eq[2];
    if (t.startsWith('!')) return !(t.slice(1) in l);
    return t in l;
  });
}

export class FakeApiServer {
  readonly objects = new Map<string, Obj>();
  readonly logs = new Map<string, string>();
  readonly requests: RequestRecord[] = [];
  faults: Fault[] = [];
  private rv = 100;
  /** Watches asking for an older resourceVersion get ERROR 410 Gone. */
  private compactedBefore = 0;
  private history: Array<{ rv: number; type: 'ADDED' | 'MODIFIED' | 'DELETED'; plural: string; obj: Obj }> =
    [];
  private watches = new Set<WatchStream>();
  private listeners: ChangeListener[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  kubeconfig(namespace = 'mirrorctl'): string {
    return JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: { token: 'fake-token' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace } }],
      'current-context': 'fake',
    });
  }

  onChange(l: ChangeListener): void {
    this.listeners.push(l);
  }

  /** Closes every open watch (a load balancer or API server restart). */
  disconnectWatches(): void {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
  }

  /** Forgets history: watches resuming from before now get 410 Gone. */
  compact(): void {
    this.compactedBefore = this.rv;
    this.history = [];
  }

  countRequests(filter?: (r: RequestRecord) => boolean): number {
    return filter ? this.requests.filter(filter).length : this.requests.length;
  }

  get(plural: string, ns: string | undefined, name: string): Obj | undefined {
    return this.objects.get(keyOf(plural, ns, name));
  }

  list(plural: string, ns?: string): Obj[] {
    return [...this.objects.entries()]
      .filter(
        ([k]) => k.startsWith(`${plural}/${ns ?? ''}/`) || (ns === undefined && k.startsWith(`${plural}/`)),
      )
      .map(([, o]) => o);
  }

  /** Writes an object as the control plane would (no request recorded). */
  put(plural: string, obj: Obj): Obj {
    const def = RESOURCES.find((r) => r.plural === plural);
    if (!def) throw new Error(`unknown resource ${plural}`);
    const key = keyOf(plural, def.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const existed = this.objects.has(key);
    const stored: Obj = {
      ...obj,
      apiVersion: apiVersionOf(def),
      kind: def.kind,
      metadata: {
        ...obj.metadata,
        resourceVersion: String(++this.rv),
        uid: obj.metadata.uid ?? `uid-${this.rv}`,
      },
    };
    this.objects.set(key, stored);
    this.emit(existed ? 'MODIFIED' : 'ADDED', plural, stored);
    return stored;
  }

  remove(plural: string, ns: string | undefined, name: string): Obj | undefined {
    const key = keyOf(plural, ns, name);
    const obj = this.objects.get(key);
    if (!obj) return undefined;
    this.objects.delete(key);
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.emit('DELETED', plural, gone);
    if (plural === 'namespaces')
      for (const o of [...this.objects.entries()]) if (o[1].metadata.namespace === name) this.removeKey(o[0]);
    return gone;
  }

  private removeKey(key: string): void {
    const [plural, ns, name] = key.split('/');
    this.remove(plural ?? '', ns || undefined, name ?? '');
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', plural: string, obj: Obj): void {
    this.history.push({ rv: Number(obj.metadata.resourceVersion), type, plural, obj });
    for (const w of this.watches) if (this.watchWants(w, plural, obj)) this.send(w, type, obj);
    for (const l of this.listeners) l(type, plural, obj);
  }

  private watchWants(w: WatchStream, plural: string, obj: Obj): boolean {
    return (
      w.plural === plural &&
      (!w.namespace || w.namespace === obj.metadata.namespace) &&
      matchesSelector(obj.metadata.labels, w.selector)
    );
  }

  private send(w: WatchStream, type: string, object: unknown): void {
    w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  private status(
    res: ServerResponse,
    code: number,
    message: string,
    headers: Record<string, string> = {},
  ): number {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Status',
        status: 'Failure',
        code,
        message,
        reason: String(code),
      }),
    );
    return code;
  }

  private json(res: ServerResponse, code: number, body: unknown): number {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
    return code;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      status: 0,
    };
    this.requests.push(record);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const fault = this.faults.find(
      (f) => f.times > 0 && `${record.method} ${record.path}`.startsWith(f.match),
    );
    if (fault) {
      fault.times--;
      record.status = this.status(
        res,
        fault.status,
        'injected fault',
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
      );
      return;
    }
    record.status = this.route(req.method ?? 'GET', url, body, req.headers['content-type'] ?? '', res);
  }

  private route(method: string, url: URL, body: string, contentType: string, res: ServerResponse): number {
    const parts = url.pathname.split('/').filter(Boolean);
    // discovery
    if (method === 'GET' && (url.pathname === '/api/v1' || /^\/apis\/[^/]+\/[^/]+$/.test(url.pathname))) {
      const gv = url.pathname === '/api/v1' ? 'v1' : parts.slice(1).join('/');
      const resources = RESOURCES.filter((r) => apiVersionOf(r) === gv).map((r) => ({
        name: r.plural,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      }));
      return this.json(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources });
    }
    const rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
    const gv = parts[0] === 'api' ? 'v1' : `${parts[1]}/${parts[2]}`;
    let ns: string | undefined;
    let seg = rest;
    if (seg[0] === 'namespaces' && seg.length >= 3) {
      ns = seg[1];
      seg = seg.slice(2);
    }
    const [plural, name, sub] = seg;
    const def = RESOURCES.find((r) => r.plural === plural && apiVersionOf(r) === gv);
    if (!def) return this.status(res, 404, `no resource ${url.pathname}`);
    const q = url.searchParams;
    if (method === 'GET' && !name) {
      if (q.get('watch') === 'true' || q.get('watch') === '1') return this.watch(def, ns, q, res);
      const items = this.list(def.plural, ns).filter((o) =>
        matchesSelector(o.metadata.labels, q.get('labelSelector') ?? ''),
      );
      return this.json(res, 200, {
        apiVersion: apiVersionOf(def),
        kind: `${def.kind}List`,
        metadata: { resourceVersion: String(this.rv) },
        items,
      });
    }
    if (method === 'POST' && !name) {
      const obj = JSON.parse(body) as Obj;
      const objNs = def.namespaced ? (ns ?? obj.metadata.namespace) : undefined;
      if (this.get(def.plural, objNs, obj.metadata.name))
        return this.status(res, 409, `${def.plural} "${obj.metadata.name}" already exists`);
      return this.json(
        res,
        201,
        this.put(def.plural, {
          ...obj,
          metadata: { ...obj.metadata, ...(objNs ? { namespace: objNs } : {}) },
        }),
      );
    }
    if (!name) return this.status(res, 405, 'method not allowed');
    const current = this.get(def.plural, def.namespaced ? ns : undefined, name);
    if (sub === 'log' && method === 'GET') {
      if (!current) return this.status(res, 404, `pods "${name}" not found`);
      const log = this.logs.get(`${ns}/${name}`) ?? '';
      const tail = Number(q.get('tailLines') ?? '0');
      const lines = log.split('\n').filter((l) => l !== '');
      const text = tail > 0 ? lines.slice(-tail).join('\n') : lines.join('\n');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(text ? `${text}\n` : '');
      return 200;
    }
    if (!current) return this.status(res, 404, `${def.plural} "${name}" not found`);
    if (method === 'GET') return this.json(res, 200, current);
    if (method === 'DELETE')
      return this.json(res, 200, this.remove(def.plural, def.namespaced ? ns : undefined, name));
    if (method === 'PATCH') {
      const patch: unknown = JSON.parse(body);
      let next: unknown;
      if (contentType.startsWith('application/json-patch+json')) {
        const r = applyJsonPatch(current, patch as Array<Record<string, unknown>>);
        if (!r.ok) return this.status(res, 422, r.error);
        next = r.value;
      } else if (contentType.startsWith('application/strategic-merge-patch+json'))
        next = strategicMergePatch(current, patch);
      else if (contentType.startsWith('application/merge-patch+json')) next = mergePatch(current, patch);
      else return this.status(res, 415, `unsupported patch type ${contentType}`);
      const obj = next as Obj;
      return this.json(
        res,
        200,
        this.put(def.plural, {
          ...obj,
          metadata: { ...obj.metadata, name, ...(def.namespaced ? { namespace: ns } : {}) },
        }),
      );
    }
    return this.status(res, 405, 'method not allowed');
  }

  private watch(def: ResourceDef, ns: string | undefined, q: URLSearchParams, res: ServerResponse): number {
    const from = Number(q.get('resourceVersion') ?? '0');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const w: WatchStream = {
      plural: def.plural,
      ...(ns ? { namespace: ns } : {}),
      selector: q.get('labelSelector') ?? '',
      res,
    };
    if (from > 0 && from < this.compactedBefore) {
      this.send(w, 'ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: 410,
        reason: 'Expired',
        message: 'too old resource version',
      });
      res.end();
      return 200;
    }
    for (const h of this.history)
      if (h.rv > from && this.watchWants(w, h.plural, h.obj)) this.send(w, h.type, h.obj);
    if (q.get('allowWatchBookmarks') === 'true')
      this.send(w, 'BOOKMARK', {
        kind: def.kind,
        apiVersion: apiVersionOf(def),
        metadata: { resourceVersion: String(this.rv) },
      });
    this.watches.add(w);
    res.on('close', () => this.watches.delete(w));
    return 200;
  }
}
