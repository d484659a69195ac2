// A watch that never skips a change: the API server closes watches at will (timeouts, restarts,
// load balancers), so on every close we reconnect from the last resourceVersion seen (bookmarks
// included), and when that version is too old (410 Gone) we relist and replay the difference as
// events — the same contract client-go's reflector gives informers.
import type { ListResult, WatchEvent, WatchHandle } from '../host/kube-port.js';
import { backoffMs, type RetryOptions } from './retry.js';

export interface Versioned {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** One raw watch stream: calls onLine per JSON line, then onDone once (null = closed cleanly). */
export type OpenWatch = (
  resourceVersion: string,
  onLine: (type: string, object: unknown) => void,
  onDone: (err: unknown) => void,
) => Promise<{ abort(): void }>;

export interface ResumableWatchDeps<T> {
  list: () => Promise<ListResult<T>>;
  open: OpenWatch;
  retry: RetryOptions;
  /** Status of a failed stream (HTTP status, 0 if none). */
  statusOf: (err: unknown) => number;
}

const keyOf = (o: Versioned): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const rvOf = (o: Versioned): string => o.metadata?.resourceVersion ?? '';

export function resumableWatch<T extends Versioned>(
  initial: ListResult<T>,
  deps: ResumableWatchDeps<T>,
  onEvent: (e: WatchEvent<T>) => void,
): WatchHandle {
  const known = new Map(initial.items.map((o) => [keyOf(o), o]));
  let rv = initial.resourceVersion;
  let stopped = false;
  let current: { abort(): void } | undefined;

  const emit = (type: WatchEvent<T>['type'], object: T): void => {
    if (type === 'DELETED') known.delete(keyOf(object));
    else known.set(keyOf(object), object);
    onEvent({ type, object });
  };

  const relist = async (): Promise<void> => {
    const fresh = await deps.list();
    const seen = new Set<string>();
    for (const o of fresh.items) {
      const k = keyOf(o);
      seen.add(k);
      const before = known.get(k);
      if (!before) emit('ADDED', o);
      else if (rvOf(before) !== rvOf(o)) emit('MODIFIED', o);
    }
    for (const [k, o] of [...known]) if (!seen.has(k)) emit('DELETED', o);
    rv = fresh.resourceVersion;
  };

  const streamOnce = (): Promise<{ err: unknown; gone: boolean; progressed: boolean }> =>
    new Promise((resolve) => {
      let gone = false;
      let progressed = false;
      const onLine = (type: string, object: unknown): void => {
        if (stopped) return;
        const o = object as T & { code?: number };
        if (type === 'ERROR') {
          if (o.code === 410) gone = true;
          return;
        }
        progressed = true;
        if (rvOf(o)) rv = rvOf(o);
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') emit(type, o);
      };
      deps
        .open(rv, onLine, (err) => resolve({ err, gone, progressed }))
        .then((c) => {
          current = c;
          if (stopped) c.abort();
        })
        .catch((err: unknown) => resolve({ err, gone: false, progressed }));
    });

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!stopped) {
      const { err, gone, progressed } = await streamOnce();
      if (stopped) return;
      if (progressed) failures = 0;
      try {
        if (gone || (err && deps.statusOf(err) === 410)) {
          await relist();
          failures = 0;
        } else if (err) {
          await deps.retry.sleep(backoffMs(failures++, deps.retry));
        }
      } catch {
        await deps.retry.sleep(backoffMs(failures++, deps.retry));
      }
    }
  };
  void loop();
  return {
    stop: () => {
      stopped = true;
      current?.abort();
    },
  };
}
