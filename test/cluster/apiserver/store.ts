// The stand-in's storage: one map per resource (shared by its served versions), a global
// resourceVersion counter like etcd's revision, a bounded per-resource event history the watch
// cache replays from (older versions → 410, as the cacher answers), and uid / owner indexes for GC.
import { randomUUID } from 'node:crypto';
import { builtinResources } from './resources.js';
import { apiVersionOf, type Obj, type ResourceDef, timestamp, type WatchType } from './types.js';

export interface Entry {
  obj: Obj;
  json: string;
}

export interface StoreEvent {
  rv: number;
  type: WatchType;
  obj: Obj;
  json: string;
  /** The object before this event (updates and deletes): watches filtered by selectors need it. */
  prev?: Obj;
}

export interface ResourceState {
  def: ResourceDef;
  items: Map<string, Entry>;
  history: StoreEvent[];
  /** Watches from a resourceVersion below this get 410 Gone. */
  compactedRv: number;
}

export type StoreListener = (def: ResourceDef, ev: StoreEvent) => void;

export const resKey = (def: ResourceDef): string => `${def.group}/${def.plural}`;
export const objKey = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;

export class Store {
  rv = 100;
  /** Events kept per resource for watch replay (the watch cache's capacity). */
  historyLimit = 10_000;
  private readonly resources = new Map<string, ResourceState>();
  private readonly byUid = new Map<string, { state: ResourceState; key: string }>();
  /** owner uid → dependents (resource key + object key). */
  readonly dependents = new Map<string, Set<string>>();
  private readonly listeners: StoreListener[] = [];
  /** Admission plugins run on every create after the strategy (they may refuse or mutate). */
  readonly admission: Array<(def: ResourceDef, obj: Obj) => void> = [];
  now: () => number = Date.now;

  constructor() {
    for (const d of builtinResources()) this.register(d);
  }

  register(def: ResourceDef): ResourceState {
    const existing = this.resources.get(resKey(def));
    if (existing) {
      existing.def = def;
      return existing;
    }
    const state: ResourceState = { def, items: new Map(), history: [], compactedRv: 0 };
    this.resources.set(resKey(def), state);
    return state;
  }

  unregister(def: ResourceDef): void {
    this.resources.delete(resKey(def));
  }

  defs(): ResourceDef[] {
    return [...this.resources.values()].map((s) => s.def);
  }

  state(def: ResourceDef): ResourceState {
    const s = this.resources.get(resKey(def));
    if (!s) throw new Error(`resource ${resKey(def)} is not registered`);
    return s;
  }

  /** The served resource for a group, version and plural (routing). */
  find(group: string, version: string, plural: string): ResourceDef | undefined {
    const s = this.resources.get(`${group}/${plural}`);
    return s?.def.versions.includes(version) ? s.def : undefined;
  }

  /** By plural alone, core group first (the legacy helpers name resources that way). */
  byPlural(plural: string): ResourceDef | undefined {
    const core = this.resources.get(`/${plural}`);
    if (core) return core.def;
    for (const s of this.resources.values()) if (s.def.plural === plural) return s.def;
    return undefined;
  }

  onEvent(l: StoreListener): void {
    this.listeners.push(l);
  }

  get(def: ResourceDef, ns: string | undefined, name: string): Entry | undefined {
    return this.state(def).items.get(objKey(def.namespaced ? ns : undefined, name));
  }

  byUidLookup(uid: string): { def: ResourceDef; entry: Entry } | undefined {
    const hit = this.byUid.get(uid);
    if (!hit) return undefined;
    const entry = hit.state.items.get(hit.key);
    return entry ? { def: hit.state.def, entry } : undefined;
  }

  /** Objects of a resource matching a `metadata.name=` selector: one lookup when the scope allows it. */
  candidates(def: ResourceDef, ns: string | undefined, onlyName: string | undefined): Entry[] {
    if (onlyName === undefined || (def.namespaced && ns === undefined)) return this.list(def, ns);
    const e = this.get(def, ns, onlyName);
    return e ? [e] : [];
  }

  /** Objects of a resource (in one namespace, or all), in etcd key order. */
  list(def: ResourceDef, ns?: string): Entry[] {
    const out: Entry[] = [];
    for (const [k, e] of this.state(def).items) if (ns === undefined || k.startsWith(`${ns}/`)) out.push(e);
    return out.sort((a, b) => cmp(a.obj, b.obj));
  }

  /** Stores `obj` as the new state (stamps resourceVersion, uid, creationTimestamp) and emits. */
  commit(def: ResourceDef, obj: Obj): Obj {
    const state = this.state(def);
    const key = objKey(def.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const prev = state.items.get(key);
    const rv = ++this.rv;
    const meta = obj.metadata;
    meta.resourceVersion = String(rv);
    if (!meta.uid) meta.uid = randomUUID();
    if (!meta.creationTimestamp) meta.creationTimestamp = timestamp(this.now());
    if (def.generation && meta.generation === undefined) meta.generation = 1;
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    const stored: Obj = { apiVersion: apiVersionOf(def), kind: def.kind, ...rest };
    const json = JSON.stringify(stored);
    state.items.set(key, { obj: stored, json });
    if (prev && prev.obj.metadata.uid !== meta.uid) this.unindex(prev.obj);
    this.index(state, key, stored, prev?.obj);
    this.emit(state, {
      rv,
      type: prev ? 'MODIFIED' : 'ADDED',
      obj: stored,
      json,
      ...(prev ? { prev: prev.obj } : {}),
    });
    return stored;
  }

  /** Removes an object for good (a DELETED event at a new resourceVersion). */
  drop(def: ResourceDef, ns: string | undefined, name: string): Obj | undefined {
    const state = this.state(def);
    const key = objKey(def.namespaced ? ns : undefined, name);
    const entry = state.items.get(key);
    if (!entry) return undefined;
    state.items.delete(key);
    this.unindex(entry.obj);
    const rv = ++this.rv;
    const gone: Obj = { ...entry.obj, metadata: { ...entry.obj.metadata, resourceVersion: String(rv) } };
    this.emit(state, { rv, type: 'DELETED', obj: gone, json: JSON.stringify(gone), prev: entry.obj });
    return gone;
  }

  /** Forgets all history: watches resuming from before now get 410 Gone. */
  compact(): void {
    for (const s of this.resources.values()) {
      s.history = [];
      s.compactedRv = this.rv;
    }
  }

  private emit(state: ResourceState, ev: StoreEvent): void {
    state.history.push(ev);
    // Trimmed in chunks: the cost stays amortised O(1) per event.
    if (state.history.length > this.historyLimit * 1.25) {
      const cut = state.history.length - this.historyLimit;
      state.compactedRv = state.history[cut - 1]?.rv ?? state.compactedRv;
      state.history = state.history.slice(cut);
    }
    for (const l of this.listeners) l(state.def, ev);
  }

  private index(state: ResourceState, key: string, obj: Obj, prev: Obj | undefined): void {
    const uid = obj.metadata.uid ?? '';
    this.byUid.set(uid, { state, key });
    const ref = `${resKey(state.def)}|${key}`;
    for (const o of prev?.metadata.ownerReferences ?? []) this.dependents.get(o.uid)?.delete(ref);
    for (const o of obj.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(o.uid);
      if (!set) {
        set = new Set();
        this.dependents.set(o.uid, set);
      }
      set.add(ref);
    }
  }

  private unindex(obj: Obj): void {
    const uid = obj.metadata.uid ?? '';
    const hit = this.byUid.get(uid);
    if (!hit) return;
    this.byUid.delete(uid);
    const ref = `${resKey(hit.state.def)}|${hit.key}`;
    for (const o of obj.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(o.uid);
      set?.delete(ref);
      if (set && set.size === 0) this.dependents.delete(o.uid);
    }
  }

  /** Resolves a dependents-index reference back to its definition and entry. */
  resolve(ref: string): { def: ResourceDef; entry: Entry } | undefined {
    const bar = ref.indexOf('|');
    const state = this.resources.get(ref.slice(0, bar));
    const entry = state?.items.get(ref.slice(bar + 1));
    return state && entry ? { def: state.def, entry } : undefined;
  }
}

function cmp(a: Obj, b: Obj): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
