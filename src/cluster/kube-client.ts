// The Kube port (src/host/kube-port.ts) over @kubernetes/client-node 1.4, on a kubeconfig the CLI
// loaded (src/host/pooled-kubeconfig.ts): -n, and every call wrapped in retries for transient
// answers. With pooled-kubeconfig.ts and kube-informer.ts, the only files importing the client
// library's values. Custom resources, /status and events.k8s.io go through CustomObjectsApi, which
// sends and returns plain JSON (the typed serializer would drop fields of kinds it mistakes, such as
// events.k8s.io/v1 Event for core/v1 Event).
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import {
  type Kube,
  KubeError,
  type ListOptions,
  type ObjectRef,
  type PatchType,
  type ResourceType,
} from '../host/kube-port.js';
import { NAMESPACE } from './api/meta.js';
import { createInformer } from './kube-informer.js';
import { DEFAULT_RETRY, type RetryOptions, withRetry } from './retry.js';
import { resumableWatch } from './watch-resume.js';

export interface KubeClientOptions {
  namespace?: string;
  retry?: RetryOptions;
  /** Every request's verb (get, list, watch, create, update, patch, delete) and HTTP status (0: no
   *  answer), retries included: the controller's mirrorctl_api_requests_total. */
  onRequest?: (verb: string, code: number) => void;
}

/** Plain JSON as the API server sends it: the typed client turns timestamps into Dates. */
const toPlain = <T>(obj: T): T => JSON.parse(JSON.stringify(obj)) as T;

const groupVersion = (apiVersion: string): { group: string; version: string } => {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) throw new Error(`bug: ${apiVersion} is the core group, which has no /apis path`);
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
};

/** A loaded kubeconfig with one pooled connection agent and a plain GET for pod logs: the composition
 *  root builds it (src/host/pooled-kubeconfig.ts loadKubeConfig) and passes it in. */
export type PooledConfig = KubeConfig & {
  /** Whether getText can be used (no proxy). */
  readonly direct: boolean;
  getText(path: string): Promise<string>;
};

const PATCH_TYPES: Record<PatchType, string> = {
  merge: PatchStrategy.MergePatch,
  strategic: PatchStrategy.StrategicMergePatch,
  json: PatchStrategy.JsonPatch,
};

/** The `message` of a metav1.Status body (escaped quotes and all). */
function statusMessage(body: string | undefined): string | undefined {
  try {
    const m: unknown = (JSON.parse(body ?? '') as { message?: unknown }).message;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Normalises the library's errors (ApiException, fetch errors, watch status errors) to KubeError. */
export function toKubeError(err: unknown): KubeError {
  if (err instanceof KubeError) return err;
  if (err instanceof ApiException) {
    const headers = (err.headers ?? {}) as Record<string, string>;
    const ra = Number(headers['retry-after'] ?? headers['Retry-After']);
    const body = typeof err.body === 'string' ? err.body : JSON.stringify(err.body);
    const message = (statusMessage(body) ?? body ?? err.message).slice(0, 300);
    return new KubeError(`HTTP ${err.code}: ${message}`, err.code, Number.isFinite(ra) ? ra : undefined);
  }
  const e = err as { statusCode?: unknown; message?: unknown };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 0;
  return new KubeError(typeof e?.message === 'string' ? e.message : String(err), status);
}

export function createKubeClient(kc: PooledConfig, opts: KubeClientOptions = {}): Kube {
  const core = kc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const watcher = new Watch(kc);
  const retry = opts.retry ?? DEFAULT_RETRY;
  const contextNs = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const report = opts.onRequest ?? (() => {});
  let requests = 0;

  /** One request, counted and reported, its failure as a KubeError. */
  const once = async <T>(verb: string, fn: () => Promise<T>): Promise<T> => {
    requests++;
    try {
      const out = await fn();
      report(verb, verb === 'create' ? 201 : 200);
      return out;
    } catch (err) {
      const e = toKubeError(err);
      report(verb, e.status);
      throw e;
    }
  };
  const call = <T>(fn: () => Promise<T>, verb = 'other'): Promise<T> =>
    withRetry(() => once(verb, fn), retry);

  const specOf = (ref: ObjectRef): KubernetesObject & { metadata: { name: string } } => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  });

  const listPods = (namespace: string, o: ListOptions = {}) =>
    call(async () => {
      const l = await core.listNamespacedPod({ namespace, ...o });
      return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
    }, 'list');

  return {
    namespace: opts.namespace ?? contextNs ?? NAMESPACE,
    requestCount: () => requests,
    listNodes: (o: ListOptions = {}) =>
      call(async () => {
        const l = await core.listNode({ ...o });
        return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
      }, 'list'),
    listPods,
    watchPods(namespace, o, onEvent) {
      const { resourceVersion, ...sel } = o;
      return resumableWatch(
        { items: [], resourceVersion },
        {
          list: () => listPods(namespace, sel),
          retry,
          statusOf: (err) => toKubeError(err).status,
          open: (rv, onLine, onDone) => {
            requests++;
            report('watch', 200);
            return watcher.watch(
              `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
              { ...sel, resourceVersion: rv, allowWatchBookmarks: true },
              (type, obj) => onLine(type, obj),
              onDone,
            );
          },
        },
        onEvent,
      );
    },
    readPodLog: (namespace, name, o = {}) =>
      call(() => {
        if (!kc.direct)
          return core.readNamespacedPodLog({
            namespace,
            name,
            ...(o.tailLines ? { tailLines: o.tailLines } : {}),
          });
        const tail = o.tailLines ? `?tailLines=${o.tailLines}` : '';
        return kc.getText(
          `api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log${tail}`,
        );
      }, 'get'),
    async get(ref) {
      try {
        return await call(() => objects.read(specOf(ref)), 'get');
      } catch (err) {
        if (err instanceof KubeError && err.status === 404) return undefined;
        throw err;
      }
    },
    list: (apiVersion, kind, namespace, o = {}) =>
      call(async () => {
        const l = await objects.list(
          apiVersion,
          kind,
          namespace,
          undefined,
          undefined,
          undefined,
          o.fieldSelector,
          o.labelSelector,
        );
        return l.items;
      }, 'list'),
    create: (obj) => call(() => objects.create(obj), 'create'),
    patch(ref, body, type) {
      if (type === 'json') {
        // JSON patches are arrays; the generic object API only sends objects, so use the typed call.
        if (ref.kind !== 'Node') throw new Error(`json patch is only used for nodes, not ${ref.kind}`);
        return call(
          () => core.patchNode({ name: ref.name, body }, setHeaderOptions('Content-Type', PATCH_TYPES.json)),
          'patch',
        );
      }
      const spec = { ...(body as KubernetesObject), ...specOf(ref) };
      const merged = { ...spec, metadata: { ...(body as KubernetesObject).metadata, ...spec.metadata } };
      return call(
        () =>
          objects.patch(
            merged,
            undefined,
            undefined,
            'mirrorctl',
            undefined,
            PATCH_TYPES[type] as PatchStrategy,
          ),
        'patch',
      );
    },
    async delete(ref) {
      try {
        await call(
          () => objects.delete(specOf(ref), undefined, undefined, undefined, undefined, 'Background'),
          'delete',
        );
        return true;
      } catch (err) {
        if (err instanceof KubeError && err.status === 404) return false;
        throw err;
      }
    },
    update: (obj) =>
      call(async () => toPlain(await objects.replace(obj, undefined, undefined, 'mirrorctl')), 'update'),
    updateStatus(type: ResourceType, obj) {
      const { group, version } = groupVersion(type.apiVersion);
      const name = obj.metadata?.name ?? '';
      const namespace = obj.metadata?.namespace;
      const common = { group, version, plural: type.plural, name, body: obj, fieldManager: 'mirrorctl' };
      return call(
        async (): Promise<KubernetesObject> =>
          toPlain(
            type.namespaced && namespace
              ? await custom.replaceNamespacedCustomObjectStatus({ ...common, namespace })
              : await custom.replaceClusterCustomObjectStatus(common),
          ),
        'update',
      );
    },
    informer(type, o = {}) {
      const sel = { ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}) };
      return createInformer(type, o, {
        kc,
        retry,
        onWatch: (code) => {
          requests++;
          report('watch', code);
        },
        list: () =>
          call(async () => {
            const l = await objects.list(
              type.apiVersion,
              type.kind,
              type.namespaced ? o.namespace : undefined,
              undefined,
              undefined,
              undefined,
              o.fieldSelector,
              sel.labelSelector,
            );
            return { items: toPlain(l.items), resourceVersion: l.metadata?.resourceVersion ?? '' };
          }, 'list'),
      });
    },
    evictPod: async (namespace, name) => {
      await once('create', () =>
        core.createNamespacedPodEviction({
          name,
          namespace,
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
        }),
      );
    },
    createEvent: async (event) => {
      await call(
        () =>
          custom.createNamespacedCustomObject({
            group: 'events.k8s.io',
            version: 'v1',
            namespace: event.metadata.namespace,
            plural: 'events',
            body: { apiVersion: 'events.k8s.io/v1', kind: 'Event', ...event },
          }),
        'create',
      );
    },
  };
}
