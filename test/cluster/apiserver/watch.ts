// Watch streams as the watch cache serves them (k8s.io/apiserver/pkg/storage/cacher: cache_watcher.go
// convertToWatchEvent, watch_cache.go): no resourceVersion or "0" → synthetic ADDED for the current
// state, a version still in history → replay, an older one → one ERROR 410 Expired event and the end;
// an object that starts / stops matching a label or field selector arrives as ADDED / DELETED;
// BOOKMARKs for clients that allow them; server-initiated ends (timeoutSeconds, configured lifetime).
import type { ServerResponse } from 'node:http';
import { type FieldFilter, type LabelFilter, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { type ResourceState, resKey, type Store, type StoreEvent } from './store.js';
import { ApiError, apiVersionOf, expired, type Obj, type ResourceDef } from './types.js';

export interface WatchHubOptions {
  bookmarkIntervalMs: number;
  /** Each watch is ended by the server after a random time in [min, max] ms (undefined: never). */
  lifetimeMs: [number, number] | undefined;
  random: () => number;
}

interface Watcher {
  def: ResourceDef;
  ns: string | undefined;
  label: LabelFilter;
  field: FieldFilter & { onlyName?: string };
  apiVersion: string;
  res: ServerResponse;
  bookmarks: boolean;
  timers: NodeJS.Timeout[];
  indexKey: string;
}

export const metaFields = (def: ResourceDef): Record<string, (o: Obj) => string> => ({
  'metadata.name': (o) => o.metadata.name,
  ...(def.namespaced ? { 'metadata.namespace': (o: Obj) => o.metadata.namespace ?? '' } : {}),
  ...def.fields,
});

export class WatchHub {
  private readonly byRes = new Map<string, Set<Watcher>>();
  private readonly byName = new Map<string, Set<Watcher>>();
  private readonly bookmarkTimer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly opts: WatchHubOptions,
  ) {
    store.onEvent((def, ev) => this.dispatch(def, ev));
    this.bookmarkTimer = setInterval(() => this.bookmarkAll(), opts.bookmarkIntervalMs);
    this.bookmarkTimer.unref();
  }

  get size(): number {
    let n = 0;
    for (const s of this.byRes.values()) n += s.size;
    for (const s of this.byName.values()) n += s.size;
    return n;
  }

  /** Starts a watch; selector errors throw before anything is written (a plain 400 answer). */
  open(
    def: ResourceDef,
    ns: string | undefined,
    version: string,
    q: URLSearchParams,
    res: ServerResponse,
  ): void {
    const w: Watcher = {
      def,
      ns,
      label: parseLabelSelector(q.get('labelSelector')),
      field: parseFieldSelector(q.get('fieldSelector'), metaFields(def)),
      apiVersion: apiVersionOf(def, version),
      res,
      bookmarks: q.get('allowWatchBookmarks') === 'true',
      timers: [],
      indexKey: '',
    };
    const rvParam = q.get('resourceVersion') ?? '';
    const from = rvParam === '' ? 0 : Number(rvParam);
    if (!Number.isInteger(from) || from < 0)
      throw new ApiError(400, 'BadRequest', `resourceVersion: Invalid value: "${rvParam}": must be a number`);
    const state = this.store.state(def);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // Headers go out now (clients wait for them before reading events), as the real server flushes.
    res.flushHeaders();
    if (from > 0 && from < state.compactedRv) {
      const err = expired(`too old resource version: ${from} (${state.compactedRv})`);
      res.end(`${JSON.stringify({ type: 'ERROR', object: err.body() })}\n`);
      return;
    }
    if (from === 0) {
      for (const e of this.store.candidates(def, def.namespaced ? ns : undefined, w.field.onlyName))
        if (this.passes(w, e.obj)) this.write(w, 'ADDED', e.obj, e.json);
    } else for (const ev of state.history) if (ev.rv > from) this.deliver(w, ev);
    if (w.bookmarks) this.bookmark(w);
    this.add(w);
    const timeout = Number(q.get('timeoutSeconds') ?? '0');
    if (timeout > 0) w.timers.push(setTimeout(() => res.end(), timeout * 1000));
    if (this.opts.lifetimeMs) {
      const [min, max] = this.opts.lifetimeMs;
      w.timers.push(setTimeout(() => res.end(), min + this.opts.random() * (max - min)));
    }
    res.on('close', () => this.remove(w));
  }

  /** Ends every open watch (an API server restart or a load balancer dropping connections). */
  closeAll(filter?: (def: ResourceDef) => boolean): void {
    for (const set of [...this.byRes.values(), ...this.byName.values()])
      for (const w of [...set]) if (!filter || filter(w.def)) w.res.end();
  }

  stop(): void {
    clearInterval(this.bookmarkTimer);
    this.closeAll();
  }

  private add(w: Watcher): void {
    const k = resKey(w.def);
    const [map, key] =
      w.field.onlyName !== undefined ? [this.byName, `${k}/${w.field.onlyName}`] : [this.byRes, k];
    w.indexKey = key;
    let set = map.get(key);
    if (!set) {
      set = new Set();
      map.set(key, set);
    }
    set.add(w);
  }

  private remove(w: Watcher): void {
    for (const t of w.timers) clearTimeout(t);
    const map = w.field.onlyName !== undefined ? this.byName : this.byRes;
    const set = map.get(w.indexKey);
    set?.delete(w);
    if (set?.size === 0) map.delete(w.indexKey);
  }

  private passes(w: Watcher, o: Obj): boolean {
    return (!w.ns || o.metadata.namespace === w.ns) && w.label(o.metadata.labels) && w.field(o);
  }

  private dispatch(def: ResourceDef, ev: StoreEvent): void {
    const k = resKey(def);
    const all = this.byRes.get(k);
    if (all) for (const w of all) this.deliver(w, ev);
    const named = this.byName.get(`${k}/${ev.obj.metadata.name}`);
    if (named) for (const w of named) this.deliver(w, ev);
  }

  private deliver(w: Watcher, ev: StoreEvent): void {
    const cur = ev.type !== 'DELETED' && this.passes(w, ev.obj);
    const old = ev.prev !== undefined && this.passes(w, ev.prev);
    if (cur) this.write(w, old ? 'MODIFIED' : 'ADDED', ev.obj, ev.json);
    else if (old && ev.type === 'DELETED') this.write(w, 'DELETED', ev.obj, ev.json);
    else if (old && ev.prev) {
      // Left the selector: DELETED with the previous content at this event's version.
      const gone = { ...ev.prev, metadata: { ...ev.prev.metadata, resourceVersion: String(ev.rv) } };
      this.write(w, 'DELETED', gone, JSON.stringify(gone));
    }
  }

  private write(w: Watcher, type: string, obj: Obj, json: string): void {
    if (w.res.writableEnded) return;
    const body =
      obj.apiVersion === w.apiVersion ? json : JSON.stringify({ ...obj, apiVersion: w.apiVersion });
    w.res.write(`{"type":"${type}","object":${body}}\n`);
  }

  private bookmark(w: Watcher): void {
    if (w.res.writableEnded) return;
    const object = {
      kind: w.def.kind,
      apiVersion: w.apiVersion,
      metadata: { resourceVersion: String(this.store.rv) },
    };
    w.res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
  }

  private bookmarkAll(): void {
    for (const set of [...this.byRes.values(), ...this.byName.values()])
      for (const w of set) if (w.bookmarks) this.bookmark(w);
  }

  /** Watches whose resource is gone (CRD deleted) end, as the real server ends them. */
  closeResource(state: ResourceState): void {
    this.closeAll((d) => resKey(d) === resKey(state.def));
  }
}
