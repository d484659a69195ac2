// The Kube port (src/host/kube-port.ts) over @kubernetes/client-node 1.4, on a kubeconfig the CLI
// loaded (src/host/pooled-kubeconfig.ts): -n, and every call wrapped in retries for transient
// answers. With pooled-kubeconfig.ts, the only file importing the client library's values.
import {
  ApiException,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { type Kube, KubeError, type ListOptions, type ObjectRef, type PatchType } from '../host/kube-port.js';
import { DEFAULT_NAMESPACE } from './names.js';
import { DEFAULT_RETRY, type RetryOptions, withRetry } from './retry.js';
import { resumableWatch } from './watch-resume.js';

export interface KubeClientOptions {
  namespace?: string;
  retry?: RetryOptions;
}

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

/** Normalises the library's errors (ApiException, fetch errors, watch status errors) to KubeError. */
export function toKubeError(err: unknown): KubeError {
  if (err instanceof KubeError) return err;
  if (err instanceof ApiException) {
    const headers = (err.headers ?? {}) as Record<string, string>;
    const ra = Number(headers['retry-after'] ?? headers['Retry-After']);
    const body = typeof err.body === 'string' ? err.body : JSON.stringify(err.body);
    const message = (/"message":"([^"]*)"/.exec(body ?? '')?.[1] ?? body ?? err.message).slice(0, 300);
    return new KubeError(`HTTP ${err.code}: ${message}`, err.code, Number.isFinite(ra) ? ra : undefined);
  }
  const e = err as { statusCode?: unknown; message?: unknown };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 0;
  return new KubeError(typeof e?.message === 'string' ? e.message : String(err), status);
}

export function createKubeClient(kc: PooledConfig, opts: KubeClientOptions = {}): Kube {
  const core = kc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const watcher = new Watch(kc);
  const retry = opts.retry ?? DEFAULT_RETRY;
  const contextNs = kc.getContextObject(kc.getCurrentContext())?.namespace;
  let requests = 0;

  const call = <T>(fn: () => Promise<T>): Promise<T> =>
    withRetry(async () => {
      requests++;
      try {
        return await fn();
      } catch (err) {
        throw toKubeError(err);
      }
    }, retry);

  const specOf = (ref: ObjectRef): KubernetesObject & { metadata: { name: string } } => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  });

  const listPods = (namespace: string, o: ListOptions = {}) =>
    call(async () => {
      const l = await core.listNamespacedPod({ namespace, ...o });
      return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
    });

  return {
    namespace: opts.namespace ?? contextNs ?? DEFAULT_NAMESPACE,
    requestCount: () => requests,
    listNodes: (o: ListOptions = {}) =>
      call(async () => {
        const l = await core.listNode({ ...o });
        return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
      }),
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
      }),
    async get(ref) {
      try {
        return await call(() => objects.read(specOf(ref)));
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
      }),
    create: (obj) => call(() => objects.create(obj)),
    patch(ref, body, type) {
      if (type === 'json') {
        // JSON patches are arrays; the generic object API only sends objects, so use the typed call.
        if (ref.kind !== 'Node') throw new Error(`json patch is only used for nodes, not ${ref.kind}`);
        return call(() =>
          core.patchNode({ name: ref.name, body }, setHeaderOptions('Content-Type', PATCH_TYPES.json)),
        );
      }
      const spec = { ...(body as KubernetesObject), ...specOf(ref) };
      const merged = { ...spec, metadata: { ...(body as KubernetesObject).metadata, ...spec.metadata } };
      return call(() =>
        objects.patch(
          merged,
          undefined,
          undefined,
          'mirrorctl',
          undefined,
          PATCH_TYPES[type] as PatchStrategy,
        ),
      );
    },
    async delete(ref) {
      try {
        await call(() =>
          objects.delete(specOf(ref), undefined, undefined, undefined, undefined, 'Background'),
        );
        return true;
      } catch (err) {
        if (err instanceof KubeError && err.status === 404) return false;
        throw err;
      }
    },
  };
}
