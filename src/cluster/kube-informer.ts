// Informers (src/host/kube-port.ts Informer) over @kubernetes/client-node 1.4's ListWatch: its cache,
// its relist on 410 Gone and its resume-from-resourceVersion when a watch ends cleanly. What it lacks
// is added here: ListWatch stops for good after any other error (a failed list, a dropped stream, a
// 500 on the watch), so it is restarted after a backoff; watches ask for bookmarks (fewer 410s after
// a reconnect); and "synced" means the first list is in the cache. The list goes through the
// adapter's retrying call (kube-client.ts), so its requests are counted like every other.
import { type KubeConfig, type KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node';
import type { Informer, InformerOptions, ResourceType, WatchEventType } from '../host/kube-port.js';
import { backoffMs, type RetryOptions } from './retry.js';

export interface InformerDeps {
  kc: KubeConfig;
  /** Lists the collection (items as plain JSON) with the informer's selectors. */
  list: () => Promise<{ items: KubernetesObject[]; resourceVersion: string }>;
  retry: RetryOptions;
  /** Called once per watch request with its outcome (200, the HTTP status, or 0 for no answer). */
  onWatch?: (code: number) => void;
}

/** `/api/v1/nodes`, `/apis/batch/v1/namespaces/mirrorctl/jobs`: the collection a watch opens. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const base = type.apiVersion.includes('/') ? `/apis/${type.apiVersion}` : `/api/${type.apiVersion}`;
  const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${type.plural}`;
}

/** Watch with bookmarks and a report of how each stream ended. */
class ReportingWatch extends Watch {
  constructor(
    kc: KubeConfig,
    private readonly report: (code: number) => void,
  ) {
    super(kc);
  }

  override watch(
    path: string,
    params: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    let reported = false;
    return super.watch(path, { ...params, allowWatchBookmarks: true }, callback, (err: unknown) => {
      if (!reported) {
        reported = true;
        const status = (err as { statusCode?: unknown } | null)?.statusCode;
        this.report(err ? (typeof status === 'number' ? status : 0) : 200);
      }
      done(err);
    });
  }
}

const TYPES: Record<'add' | 'update' | 'delete', WatchEventType> = {
  add: 'ADDED',
  update: 'MODIFIED',
  delete: 'DELETED',
};

export function createInformer(
  type: ResourceType,
  opts: InformerOptions,
  deps: InformerDeps,
): Informer<KubernetesObject> {
  const watch = new ReportingWatch(deps.kc, deps.onWatch ?? (() => {}));
  const lw = new ListWatch<KubernetesObject>(
    collectionPath(type, opts.namespace),
    watch,
    async () => {
      const l = await deps.list();
      return {
        apiVersion: 'v1',
        kind: 'List',
        metadata: { resourceVersion: l.resourceVersion },
        items: l.items,
      };
    },
    false,
    opts.labelSelector,
    opts.fieldSelector,
  );
  let synced = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let firstSync: (() => void) | undefined;
  const firstSynced = new Promise<void>((resolve) => {
    firstSync = resolve;
  });

  const run = async (): Promise<void> => {
    timer = undefined;
    if (stopped) return;
    await lw.start();
    // start() resolves after the list and the watch request; an empty resourceVersion means the
    // list failed (reported through 'error', which scheduled the next attempt).
    if (!stopped && lw.latestResourceVersion() !== '') {
      failures = 0;
      if (!synced) {
        synced = true;
        firstSync?.();
      }
    }
  };
  lw.on('error', () => {
    if (stopped || timer) return;
    timer = setTimeout(() => void run(), backoffMs(failures++, deps.retry));
  });

  return {
    async start() {
      stopped = false;
      void run();
      await firstSynced;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      void lw.stop();
      firstSync?.();
    },
    synced: () => synced,
    list: () => [...lw.list()],
    get: (name, namespace) => lw.get(name, namespace),
    onChange(handler) {
      for (const verb of ['add', 'update', 'delete'] as const)
        lw.on(verb, (obj: KubernetesObject) => handler(TYPES[verb], obj));
    },
  };
}
