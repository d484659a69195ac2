// The two controllers every API server user relies on, run inside the stand-in: the namespace
// controller (pkg/controller/namespace/deletion/namespaced_resources_deleter.go: delete everything in a
// Terminating namespace, report what remains in status conditions, remove the `kubernetes` finalizer
// when empty) and the garbage collector (pkg/controller/garbagecollector: dependents of a vanished
// owner are deleted, dangling references removed, `orphan` / `foregroundDeletion` finalizers handled).
import { deleteObject, FOREGROUND, ORPHAN } from './deletes.js';
import type { Store, StoreEvent } from './store.js';
import {
  deletionComplete,
  isRecord,
  type Obj,
  type OwnerReference,
  type ResourceDef,
  timestamp,
} from './types.js';

export interface LifecycleOptions {
  /** Delay before the GC and the namespace controller act on a change (real ones are asynchronous). */
  delayMs: number;
  gracefulPod: (pod: Obj) => boolean;
}

export class Lifecycle {
  private readonly dirtyOwners = new Set<string>();
  private readonly dirtyNamespaces = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly opts: LifecycleOptions,
  ) {
    store.onEvent((def, ev) => this.observe(def, ev));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private observe(def: ResourceDef, ev: StoreEvent): void {
    const m = ev.obj.metadata;
    if (ev.type === 'DELETED') this.dirtyOwners.add(m.uid ?? '');
    else if (m.deletionTimestamp && (m.finalizers ?? []).some((f) => f === ORPHAN || f === FOREGROUND))
      this.dirtyOwners.add(m.uid ?? '');
    // A vanished owner's dependents, and an owner waiting in the foreground for this dependent.
    for (const o of m.ownerReferences ?? [])
      if (ev.type === 'DELETED' || !this.store.byUidLookup(o.uid)) this.dirtyOwners.add(o.uid);
    if (def.group === '' && def.plural === 'namespaces') {
      if (ev.type !== 'DELETED' && m.deletionTimestamp) this.dirtyNamespaces.add(m.name);
    } else if (def.namespaced && m.namespace && this.terminating(m.namespace))
      this.dirtyNamespaces.add(m.namespace);
    if (this.dirtyOwners.size + this.dirtyNamespaces.size > 0) this.schedule();
  }

  private terminating(ns: string): boolean {
    const d = this.store.byPlural('namespaces');
    return !!(d && this.store.get(d, undefined, ns)?.obj.metadata.deletionTimestamp);
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, this.opts.delayMs);
  }

  /** Runs pending GC and namespace work now (also used by tests that want no delay). */
  run(): void {
    const owners = [...this.dirtyOwners];
    this.dirtyOwners.clear();
    for (const uid of owners) this.collect(uid);
    const namespaces = [...this.dirtyNamespaces];
    this.dirtyNamespaces.clear();
    for (const ns of namespaces) this.sweepNamespace(ns);
  }

  private del(def: ResourceDef, o: Obj): void {
    try {
      deleteObject(
        this.store,
        def,
        o.metadata.namespace,
        o.metadata.name,
        { propagationPolicy: 'Background' },
        { gracefulPod: this.opts.gracefulPod },
      );
    } catch {
      // Already gone: another deletion won the race, as with the real controllers.
    }
  }

  /** Rewrites an object through the store (GC and namespace controller writes, no admission). */
  private rewrite(def: ResourceDef, o: Obj, change: (next: Obj) => void): void {
    const next = structuredClone(o);
    change(next);
    const stored = this.store.commit(def, next);
    if (deletionComplete(def, stored)) this.store.drop(def, stored.metadata.namespace, stored.metadata.name);
  }

  private collect(uid: string): void {
    const owner = this.store.byUidLookup(uid);
    const deps = [...(this.store.dependents.get(uid) ?? [])].flatMap((ref) => {
      const r = this.store.resolve(ref);
      return r ? [r] : [];
    });
    const refsOf = (o: Obj): OwnerReference[] => o.metadata.ownerReferences ?? [];
    if (!owner) {
      for (const { def, entry } of deps) {
        const alive = refsOf(entry.obj).filter((r) => r.uid !== uid && this.store.byUidLookup(r.uid));
        if (alive.length > 0)
          this.rewrite(def, entry.obj, (n) => {
            n.metadata.ownerReferences = refsOf(n).filter((r) => r.uid !== uid);
          });
        else if (!entry.obj.metadata.deletionTimestamp) this.del(def, entry.obj);
      }
      return;
    }
    const o = owner.entry.obj;
    const fin = o.metadata.finalizers ?? [];
    if (!o.metadata.deletionTimestamp) return;
    if (fin.includes(ORPHAN)) {
      for (const { def, entry } of deps)
        this.rewrite(def, entry.obj, (n) => {
          n.metadata.ownerReferences = refsOf(n).filter((r) => r.uid !== uid);
        });
      this.rewrite(owner.def, o, (n) => {
        n.metadata.finalizers = (n.metadata.finalizers ?? []).filter((f) => f !== ORPHAN);
      });
    } else if (fin.includes(FOREGROUND)) {
      for (const { def, entry } of deps) if (!entry.obj.metadata.deletionTimestamp) this.del(def, entry.obj);
      if (deps.length === 0)
        this.rewrite(owner.def, o, (n) => {
          n.metadata.finalizers = (n.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
        });
    }
  }

  private sweepNamespace(ns: string): void {
    const nsDef = this.store.byPlural('namespaces');
    const nsEntry = nsDef && this.store.get(nsDef, undefined, ns);
    if (!nsDef || !nsEntry?.obj.metadata.deletionTimestamp) return;
    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    for (const def of this.store.defs()) {
      if (!def.namespaced) continue;
      for (const { obj } of this.store.list(def, ns)) {
        if (!obj.metadata.deletionTimestamp) this.del(def, obj);
        if (!this.store.get(def, ns, obj.metadata.name)) continue;
        const k = def.group ? `${def.plural}.${def.group}` : def.plural;
        remaining.set(k, (remaining.get(k) ?? 0) + 1);
        for (const f of obj.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
      }
    }
    const current = nsEntry.obj;
    if (remaining.size === 0) {
      const spec = isRecord(current.spec) ? current.spec : {};
      if (Array.isArray(spec.finalizers) && spec.finalizers.length > 0)
        this.rewrite(nsDef, current, (n) => {
          n.spec = { ...(isRecord(n.spec) ? n.spec : {}), finalizers: [] };
        });
      const after = this.store.get(nsDef, undefined, ns);
      if (after && (after.obj.metadata.finalizers ?? []).length === 0) this.store.drop(nsDef, undefined, ns);
      return;
    }
    const now = timestamp(this.store.now());
    const describe = (m: Map<string, number>, what: string) =>
      [...m].map(([k, n]) => `${k} ${what} ${n} resource instances`).join(', ');
    const conditions = [
      {
        type: 'NamespaceContentRemaining',
        status: 'True',
        reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${describe(remaining, 'has')}`,
        lastTransitionTime: now,
      },
      ...(finalizers.size > 0
        ? [
            {
              type: 'NamespaceFinalizersRemaining',
              status: 'True',
              reason: 'SomeFinalizersRemain',
              message: `Some content in the namespace has finalizers remaining: ${describe(finalizers, 'in')}`,
              lastTransitionTime: now,
            },
          ]
        : []),
    ];
    const status = isRecord(current.status) ? current.status : {};
    const old = JSON.stringify(
      (status.conditions as unknown[] | undefined)?.map((c) => ({
        ...(c as object),
        lastTransitionTime: '',
      })),
    );
    const fresh = JSON.stringify(conditions.map((c) => ({ ...c, lastTransitionTime: '' })));
    if (old !== fresh)
      this.rewrite(nsDef, current, (n) => {
        n.status = { phase: 'Terminating', conditions };
      });
  }
}
