// The Kube port: the few Kubernetes API calls cluster mode makes. Everything in src/cluster takes a
// `Kube` as a parameter; src/cluster/kube-client.ts is the one adapter (over @kubernetes/client-node)
// and the tests drive that same adapter against a fake API server.
// The node agent's own small client is src/host/agent-kube-port.ts.
import type { KubernetesObject, V1Node, V1Pod } from '@kubernetes/client-node';

export type { KubernetesObject, V1Node, V1Pod };

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface WatchHandle {
  stop(): void;
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

/** A resource's REST coordinates: informers and /status writes need the URL's plural. */
export interface ResourceType {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export interface InformerOptions extends ListOptions {
  /** Only this namespace (namespaced resources); all namespaces when unset. */
  namespace?: string;
}

/** A list+watch cache of one resource, as client-go's informers keep one: objects are plain JSON (as
 *  the API server sends them), a dropped watch resumes, a 410 Gone relists and reports the difference. */
export interface Informer<T> {
  /** Lists, then watches; resolves once the first list is in the cache (retrying until it is). */
  start(): Promise<void>;
  stop(): void;
  /** The first list has been stored (what /readyz waits for). */
  synced(): boolean;
  list(): T[];
  get(name: string, namespace?: string): T | undefined;
  /** Called after each change of the cache (relists included). */
  onChange(handler: (type: WatchEventType, obj: T) => void): void;
}

/** An events.k8s.io/v1 Event (the adapter posts it as is; eventTime in RFC 3339 with microseconds). */
export interface KubeEvent {
  metadata: { name: string; namespace: string };
  eventTime: string;
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
  regarding: { apiVersion: string; kind: string; name: string; namespace?: string; uid?: string };
  reportingController: string;
  reportingInstance: string;
}

export interface Kube {
  /** Namespace from `-n`, else the kubeconfig context's, else `mirrorctl`. */
  readonly namespace: string;
  listNodes(opts?: ListOptions): Promise<ListResult<V1Node>>;
  listPods(namespace: string, opts?: ListOptions): Promise<ListResult<V1Pod>>;
  /** Calls onEvent for every change after `resourceVersion`, never skipping one: a dropped connection
   *  resumes from the last seen version, a 410 Gone relists and replays the differences. */
  watchPods(
    namespace: string,
    opts: ListOptions & { resourceVersion: string },
    onEvent: (e: WatchEvent<V1Pod>) => void,
  ): WatchHandle;
  readPodLog(namespace: string, pod: string, opts?: { tailLines?: number }): Promise<string>;
  /** undefined when the object does not exist (404). */
  get(ref: ObjectRef): Promise<KubernetesObject | undefined>;
  list(apiVersion: string, kind: string, namespace: string, opts?: ListOptions): Promise<KubernetesObject[]>;
  create(obj: KubernetesObject): Promise<KubernetesObject>;
  patch(ref: ObjectRef, body: unknown, type: PatchType): Promise<KubernetesObject>;
  /** false when it was already gone. */
  delete(ref: ObjectRef): Promise<boolean>;
  /** PUT: the object's metadata.resourceVersion is the precondition (KubeError 409 when stale). */
  update(obj: KubernetesObject): Promise<KubernetesObject>;
  /** PUT …/status of a resource of an API group with a status subresource (409 when stale). */
  updateStatus(type: ResourceType, obj: KubernetesObject): Promise<KubernetesObject>;
  /** A cache of `type` kept current by list+watch (controllers read from it, not from the server). */
  informer(type: ResourceType, opts?: InformerOptions): Informer<KubernetesObject>;
  /** POST pods/<name>/eviction. A 429 (a PodDisruptionBudget allows no disruption now) comes back
   *  as KubeError 429 at once: the drain loop decides how long to keep trying. */
  evictPod(namespace: string, name: string): Promise<void>;
  createEvent(event: KubeEvent): Promise<void>;
  /** Requests made so far (the rollout reports it; the benchmark divides it by the node count). */
  requestCount(): number;
}

/** An API failure with its HTTP status (0 = no answer), as the adapter reports it. */
export class KubeError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}
