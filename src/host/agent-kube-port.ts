// The node agent's Kubernetes port: the few REST calls an agent and its apply Job make (get, put,
// post by API path, and one watch stream), so src/cluster/agent maps MirrorNode, ControllerRevision,
// Secret and Event onto it and src/host/in-cluster-https.ts stays a small adapter (the agent bundles
// no client library). Failures are KubeError (src/host/kube-port.ts) with the HTTP status.
export { KubeError } from './kube-port.js';

/** One raw watch stream: onLine per JSON line (`{type, object}`), then onDone once (null = closed
 *  cleanly by the server). The same shape src/cluster/watch-resume.ts resumes and relists over. */
export type WatchLine = (type: string, object: unknown) => void;

export interface AgentKube {
  /** The object at an API path; undefined on 404; KubeError for any other failure. */
  get(path: string): Promise<unknown>;
  /** PUT (an update with metadata.resourceVersion: a stale one is a KubeError with status 409). */
  put(path: string, body: unknown): Promise<unknown>;
  /** POST (create). */
  post(path: string, body: unknown): Promise<unknown>;
  /** Opens a watch (`path` carries `watch=1`, resourceVersion, selectors). */
  watch(path: string, onLine: WatchLine, onDone: (err: unknown) => void): Promise<{ abort(): void }>;
  /** Requests made so far (metrics, tests). */
  requestCount(): number;
}
