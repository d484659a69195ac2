// FakeApiServer: the in-process Kubernetes API server stand-in the cluster tests and benchmarks run
// against, over HTTP or HTTPS, driven by the real @kubernetes/client-node (kubeconfig()) or, inside a
// simulated node's pods, by the in-cluster config. test/cluster/README.md says how to use it.
import { randomBytes } from 'node:crypto';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Accounting, type RequestRecord } from './accounting.js';
import { admitPod, bootstrapNamespace } from './admission.js';
import { InternalClient } from './client.js';
import { syncCrd } from './crd-controller.js';
import { type Delay, type Fault, type RequestInfo, seededRandom } from './faults.js';
import { type Core, handleRequest, type Identity } from './handlers.js';
import { Lifecycle } from './lifecycle.js';
import { authorize } from './rbac.js';
import { Store } from './store.js';
import { makeServingPki, type ServingPki } from './tls.js';
import type { Obj, ResourceDef, WatchType } from './types.js';
import { WatchHub } from './watch.js';

export interface FakeApiServerOptions {
  /** Serve HTTPS with a throwaway CA (needed by pods of simulated nodes: the in-cluster config is https). */
  tls?: boolean;
  /** Watch-cache events kept per resource before older versions answer 410 (default 10,000). */
  historyLimit?: number;
  /** BOOKMARK interval for watches that allow them (default 2,000 ms; kube-apiserver: ~1 min). */
  bookmarkIntervalMs?: number;
  /** The server ends every watch after a random time in [min, max] ms (kube-apiserver: 30–60 min). */
  watchLifetimeMs?: [number, number];
  /** Delay of the garbage collector and namespace controller (default 0: next tick). */
  lifecycleDelayMs?: number;
  /** Seed for injected-fault rates and watch lifetimes (default 1). */
  seed?: number;
  /** Keep every request in `requests` (default true; benchmarks turn it off and read the counts). */
  keepRequestLog?: boolean;
  /** Unknown or missing tokens get 401 (default: they act as the cluster admin). */
  strictAuth?: boolean;
  /** Extra resources served from the start (e.g. MIRRORCTL_CRDS). */
  resources?: ResourceDef[];
  /** Create default, kube-system, kube-public and kube-node-lease (default true). */
  systemNamespaces?: boolean;
  /** Every new namespace gets the `default` service account and the kube-root-ca.crt ConfigMap (default true). */
  namespaceBootstrap?: boolean;
  /** 'RBAC': requests are authorized by the stored Roles/ClusterRoles and bindings (default: all allowed). */
  authorization?: 'AlwaysAllow' | 'RBAC';
}

export type ChangeListener = (type: WatchType, plural: string, obj: Obj) => void;

const ADMIN: Identity = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

export class FakeApiServer {
  readonly store = new Store();
  readonly accounting: Accounting;
  readonly hub: WatchHub;
  readonly lifecycle: Lifecycle;
  /** In-process client for simulators (same rules as HTTP, writes logged as source 'sim'). */
  readonly api: InternalClient;
  /** Pod logs by `<namespace>/<pod>` (and `<namespace>/<pod>/<container>`). */
  readonly logs = new Map<string, string>();
  faults: Fault[] = [];
  delays: Delay[] = [];
  readonly identities = new Map<string, Identity>([['fake-token', ADMIN]]);
  /** Nodes whose (simulated) kubelet finishes graceful pod deletion; pods elsewhere go at once. */
  readonly kubeletNodes = new Set<string>();
  readonly random: () => number;
  pki: ServingPki | undefined;
  url = '';
  private server: Server | undefined;
  private readonly strictAuth: boolean;
  private readonly rbac: boolean;

  constructor(opts: FakeApiServerOptions = {}) {
    this.random = seededRandom(opts.seed ?? 1);
    this.accounting = new Accounting(opts.keepRequestLog ?? true);
    this.strictAuth = opts.strictAuth ?? false;
    this.rbac = opts.authorization === 'RBAC';
    if (opts.historyLimit) this.store.historyLimit = opts.historyLimit;
    for (const r of opts.resources ?? []) this.store.register(r);
    this.hub = new WatchHub(this.store, {
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 2000,
      lifetimeMs: opts.watchLifetimeMs,
      random: this.random,
    });
    const gracefulPod = (pod: Obj) =>
      this.kubeletNodes.has(String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? ''));
    this.lifecycle = new Lifecycle(this.store, { delayMs: opts.lifecycleDelayMs ?? 0, gracefulPod });
    this.api = new InternalClient(this.store, this.accounting, gracefulPod, (def, obj) =>
      this.finalize(def, obj),
    );
    if (opts.tls) this.pki = makeServingPki();
    this.store.admission.push((def, obj) => admitPod(this.store, def, obj));
    this.store.onEvent((def, ev) => {
      if (def.group === 'apiextensions.k8s.io' && def.plural === 'customresourcedefinitions')
        syncCrd(this, ev.type, ev.obj);
      if (
        def.group === '' &&
        def.plural === 'namespaces' &&
        ev.type === 'ADDED' &&
        (opts.namespaceBootstrap ?? true)
      )
        queueMicrotask(() => bootstrapNamespace(this.store, ev.obj.metadata.name, this.pki?.ca ?? ''));
    });
    if (opts.systemNamespaces ?? true)
      for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
        this.api.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  async start(port = 0, host = '127.0.0.1'): Promise<void> {
    const core: Core = {
      store: this.store,
      hub: this.hub,
      accounting: this.accounting,
      faults: this.faults,
      delays: this.delays,
      random: this.random,
      logs: this.logs,
      authenticate: (h) => this.authenticate(h),
      gracefulPod: (pod) =>
        this.kubeletNodes.has(String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '')),
      finalize: (def, obj) => this.finalize(def, obj),
      ...(this.rbac
        ? { authorize: (u: Identity, i: RequestInfo, g: string) => authorize(this.store, u, i, g) }
        : {}),
    };
    // faults/delays may be reassigned by tests: read them through the server at request time.
    Object.defineProperty(core, 'faults', { get: () => this.faults });
    Object.defineProperty(core, 'delays', { get: () => this.delays });
    const handler = (req: Parameters<typeof handleRequest>[1], res: Parameters<typeof handleRequest>[2]) => {
      void handleRequest(core, req, res);
    };
    if (this.pki) {
      this.server = createHttps({ key: this.pki.key, cert: this.pki.cert }, handler);
    } else this.server = createHttp(handler);
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server?.listen(port, host, r));
    const addr = this.server.address() as AddressInfo;
    this.url = `${this.pki ? 'https' : 'http'}://${host}:${addr.port}`;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async stop(): Promise<void> {
    this.hub.stop();
    this.lifecycle.stop();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** A kubeconfig for this server (admin token; the CA when serving TLS). */
  kubeconfig(namespace = 'mirrorctl', token = 'fake-token'): string {
    const cluster = this.pki
      ? { server: this.url, 'certificate-authority-data': Buffer.from(this.pki.ca).toString('base64') }
      : { server: this.url, 'insecure-skip-tls-verify': true };
    return JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster }],
      users: [{ name: 'fake', user: { token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace } }],
      'current-context': 'fake',
    });
  }

  /** A bearer token for an identity (service-account tokens of simulated pods). */
  issueToken(identity: Identity): string {
    const token = randomBytes(24).toString('base64url');
    this.identities.set(token, identity);
    return token;
  }

  private authenticate(header: string | undefined): Identity | undefined {
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const known = token ? this.identities.get(token) : undefined;
    if (known) return known;
    return this.strictAuth ? undefined : ADMIN;
  }

  /** Serves a resource (a custom resource without its CRD object, or any other group/kind). */
  register(def: ResourceDef): void {
    this.store.register(def);
  }

  private finalize(def: ResourceDef, obj: Obj): void {
    this.store.drop(def, obj.metadata.namespace, obj.metadata.name);
  }

  // ——— helpers kept for existing tests (control-plane writes, no admission, no request recorded) ———

  get requests(): RequestRecord[] {
    return this.accounting.requests;
  }

  countRequests(filter?: (r: RequestRecord) => boolean): number {
    return filter ? this.accounting.requests.filter(filter).length : this.accounting.count();
  }

  onChange(l: ChangeListener): void {
    this.store.onEvent((def, ev) => l(ev.type, def.plural, ev.obj));
  }

  /** Closes every open watch (an API server restart or a load balancer dropping connections). */
  disconnectWatches(): void {
    this.hub.closeAll();
  }

  /** Forgets history: watches resuming from before now get 410 Gone. */
  compact(): void {
    this.store.compact();
  }

  get(plural: string, ns: string | undefined, name: string): Obj | undefined {
    const def = this.store.byPlural(plural);
    return def ? this.store.get(def, ns, name)?.obj : undefined;
  }

  list(plural: string, ns?: string): Obj[] {
    const def = this.store.byPlural(plural);
    return def ? this.store.list(def, def.namespaced ? ns : undefined).map((e) => e.obj) : [];
  }

  /** Writes an object as the control plane would: as given (metadata kept, new resourceVersion). */
  put(plural: string, obj: Obj): Obj {
    const def = this.store.byPlural(plural);
    if (!def) throw new Error(`unknown resource ${plural}`);
    const next = structuredClone(obj);
    const current = this.store.get(def, next.metadata.namespace, next.metadata.name)?.obj;
    if (current && !next.metadata.uid) next.metadata.uid = current.metadata.uid;
    if (current && !next.metadata.creationTimestamp)
      next.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (!def.namespaced) delete next.metadata.namespace;
    return this.store.commit(def, next);
  }

  /** Removes an object at once (a namespace with everything in it), bypassing finalizers. */
  remove(plural: string, ns: string | undefined, name: string): Obj | undefined {
    const def = this.store.byPlural(plural);
    if (!def) return undefined;
    if (def.plural === 'namespaces' && def.group === '')
      for (const d of this.store.defs())
        if (d.namespaced)
          for (const e of this.store.list(d, name)) this.store.drop(d, name, e.obj.metadata.name);
    return this.store.drop(def, ns, name);
  }
}
