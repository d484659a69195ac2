// The agent's view of the API over the AgentKube port: its MirrorNode (read, watched with resume
// and relist, status written through /status with 409 → re-read → re-apply), the ControllerRevision
// and Secret it reads, and the Events it creates. Transient answers (429, 5xx, no answer) are retried.
import type { AgentKube } from '../../host/agent-kube-port.js';
import { KubeError, type WatchHandle } from '../../host/kube-port.js';
import { API_VERSION, MIRRORNODE } from '../api/group.js';
import { NAMESPACE } from '../api/meta.js';
import { type MirrorNodeObject, type MirrorNodeStatus, mirrorNodeObjectSchema } from '../api/mirrornode.js';
import { DEFAULT_RETRY, type RetryOptions, withRetry } from '../retry.js';
import { resumableWatch } from '../watch-resume.js';
import { EVENTS_NAMESPACE } from './events.js';
import type { SpecApi } from './spec-source.js';

const enc = encodeURIComponent;
const MN = `/apis/${API_VERSION}/${MIRRORNODE.plural}`;

export const AGENT_PATHS = {
  mirrorNode: (name: string) => `${MN}/${enc(name)}`,
  mirrorNodeStatus: (name: string) => `${MN}/${enc(name)}/status`,
  mirrorNodeList: (name: string) => `${MN}?fieldSelector=${enc(`metadata.name=${name}`)}`,
  controllerRevision: (name: string) =>
    `/apis/apps/v1/namespaces/${NAMESPACE}/controllerrevisions/${enc(name)}`,
  secret: (name: string) => `/api/v1/namespaces/${NAMESPACE}/secrets/${enc(name)}`,
  events: () => `/apis/events.k8s.io/v1/namespaces/${EVENTS_NAMESPACE}/events`,
};

/** A MirrorNode as read: the raw object (sent back on /status writes, so no field is lost) and the
 *  parsed one, or why it does not parse (it is input: a newer controller, a hand edit). */
export interface NodeObject {
  raw: Record<string, unknown>;
  node?: MirrorNodeObject;
  problem?: string;
}

export const toNodeObject = (raw: unknown): NodeObject => {
  const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const r = mirrorNodeObjectSchema.safeParse(obj);
  if (r.success) return { raw: obj, node: r.data };
  const issue = r.error.issues[0];
  return {
    raw: obj,
    problem: `MirrorNode does not parse: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
  };
};

export interface AgentApi extends SpecApi {
  readNode(name: string): Promise<NodeObject | undefined>;
  /** Calls onChange with every new version of the node's MirrorNode (undefined: deleted). */
  watchNode(name: string, onChange: (n: NodeObject | undefined) => void): Promise<WatchHandle>;
  /**
   * Writes the status `compute` returns for the freshest object (undefined: nothing to change).
   * On 409 the object is read again and `compute` runs again. Returns the object as written (or
   * read), undefined when the MirrorNode no longer exists.
   */
  writeStatus(
    name: string,
    compute: (n: NodeObject) => MirrorNodeStatus | undefined,
    first?: NodeObject,
  ): Promise<NodeObject | undefined>;
  createEvent(event: Record<string, unknown>): Promise<void>;
  requestCount(): number;
}

const CONFLICT_ATTEMPTS = 10;

export function agentApi(kube: AgentKube, retry: RetryOptions = DEFAULT_RETRY): AgentApi {
  const again = <T>(fn: () => Promise<T>) => withRetry(fn, retry);
  const readNode = async (name: string) => {
    const raw = await again(() => kube.get(AGENT_PATHS.mirrorNode(name)));
    return raw === undefined ? undefined : toNodeObject(raw);
  };
  const listNode = async (name: string) => {
    const list = (await again(() => kube.get(AGENT_PATHS.mirrorNodeList(name)))) as
      | { items?: unknown[]; metadata?: { resourceVersion?: string } }
      | undefined;
    return {
      items: (list?.items ?? []) as Record<string, unknown>[],
      resourceVersion: list?.metadata?.resourceVersion ?? '',
    };
  };
  return {
    readNode,
    async watchNode(name, onChange) {
      const initial = await listNode(name);
      const first = initial.items[0];
      onChange(first ? toNodeObject(first) : undefined);
      return resumableWatch(
        initial,
        {
          list: () => listNode(name),
          open: (rv, onLine, onDone) =>
            kube.watch(
              `${AGENT_PATHS.mirrorNodeList(name)}&watch=1&allowWatchBookmarks=true&resourceVersion=${enc(rv)}` +
                // client-go's reflector: a server-side timeout of 5–10 minutes, then resume.
                `&timeoutSeconds=${300 + Math.floor(Math.random() * 300)}`,
              onLine,
              onDone,
            ),
          retry,
          statusOf: (e) => (e instanceof KubeError ? e.status : 0),
        },
        (e) => onChange(e.type === 'DELETED' ? undefined : toNodeObject(e.object)),
      );
    },
    async writeStatus(name, compute, first) {
      let cur = first ?? (await readNode(name));
      for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
        if (!cur) return undefined;
        const status = compute(cur);
        if (!status) return cur;
        const body = { ...cur.raw, status };
        try {
          return toNodeObject(await again(() => kube.put(AGENT_PATHS.mirrorNodeStatus(name), body)));
        } catch (e) {
          if (!(e instanceof KubeError) || (e.status !== 409 && e.status !== 404)) throw e;
          // 409: someone wrote in between (the controller's spec, the Job's status): recompute.
          cur = await readNode(name);
        }
      }
      throw new KubeError(`MirrorNode ${name}: the status write conflicted ${CONFLICT_ATTEMPTS} times`, 409);
    },
    async createEvent(event) {
      await again(() => kube.post(AGENT_PATHS.events(), event));
    },
    async revisionData(name) {
      const cr = (await again(() => kube.get(AGENT_PATHS.controllerRevision(name)))) as
        | { data?: unknown }
        | undefined;
      return cr === undefined ? undefined : (cr.data ?? null);
    },
    async secretData(name) {
      const s = (await again(() => kube.get(AGENT_PATHS.secret(name)))) as
        | { data?: Record<string, string>; stringData?: Record<string, string> }
        | undefined;
      if (s === undefined) return undefined;
      const data = Object.fromEntries(
        Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
      );
      return data;
    },
    requestCount: () => kube.requestCount(),
  };
}
