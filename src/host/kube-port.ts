// The Kube port: the few Kubernetes API calls cluster mode makes. Everything in src/cluster takes a
// `Kube` as a parameter; src/cluster/kube-client.ts is the one adapter (over @kubernetes/client-node)
// and the tests drive that same adapter against a fake API server. KubeCall is the agent's tiny one.
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

/** One authenticated request to the API server (src/host/in-cluster-https.ts): what the agent pod
 *  uses, because the full client library is not bundled with it. Rejects when there is no answer. */
export type KubeCall = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; text: string }>;
