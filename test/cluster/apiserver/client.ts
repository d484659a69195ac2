// The in-process client the simulators (kubelet, DaemonSet / Job / disruption controllers) write
// through: the same create/update/patch/delete rules as HTTP clients get (conflicts, finalizers,
// status subresource), without HTTP cost, each write logged as source 'sim' under the sim's user.
import type { Accounting } from './accounting.js';
import { type DeleteOptionsBody, type DeleteResult, deleteObject } from './deletes.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Store } from './store.js';
import { notFound, type Obj, type ResourceDef } from './types.js';
import { metaFields } from './watch.js';
import { createObject, type PatchType, patchObject, updateObject } from './writes.js';

/** A resource named by plural (core first) or by group and plural. */
export type ResourceRef = string | { group: string; plural: string };

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export class InternalClient {
  constructor(
    private readonly store: Store,
    private readonly accounting: Accounting,
    private readonly gracefulPod: (pod: Obj) => boolean,
    private readonly finalize: (def: ResourceDef, obj: Obj) => void,
    readonly user = 'system:sim',
  ) {}

  /** The same client acting as another user (the write log says who). */
  as(user: string): InternalClient {
    return new InternalClient(this.store, this.accounting, this.gracefulPod, this.finalize, user);
  }

  def(ref: ResourceRef): ResourceDef {
    const d =
      typeof ref === 'string'
        ? this.store.byPlural(ref)
        : this.store.defs().find((x) => x.group === ref.group && x.plural === ref.plural);
    if (!d) throw new Error(`resource ${JSON.stringify(ref)} is not registered`);
    return d;
  }

  /** The stored object (shared: treat it as read-only; clone before changing). */
  get(ref: ResourceRef, ns: string | undefined, name: string): Obj | undefined {
    return this.store.get(this.def(ref), ns, name)?.obj;
  }

  list(ref: ResourceRef, o: ListOptions = {}): Obj[] {
    const def = this.def(ref);
    const label = parseLabelSelector(o.labelSelector);
    const field = parseFieldSelector(o.fieldSelector, metaFields(def));
    return this.store
      .list(def, def.namespaced ? o.namespace : undefined)
      .map((e) => e.obj)
      .filter((x) => label(x.metadata.labels) && field(x));
  }

  private log<T>(
    verb: string,
    def: ResourceDef,
    ns: string | undefined,
    name: string,
    sub: string | undefined,
    fn: () => T,
  ): T {
    const info = {
      method: '',
      path: '',
      verb,
      resource: sub ? `${def.plural}/${sub}` : def.plural,
      ...(ns ? { namespace: ns } : {}),
      name,
    };
    try {
      const out = fn();
      const rv = (out as { obj?: Obj; metadata?: { resourceVersion?: string } } | undefined)?.metadata
        ?.resourceVersion;
      this.accounting.write(info, {
        user: this.user,
        status: verb === 'create' ? 201 : 200,
        source: 'sim',
        dryRun: false,
        ...(rv ? { resourceVersion: rv } : {}),
      });
      return out;
    } catch (e) {
      this.accounting.write(info, {
        user: this.user,
        status: (e as { code?: number }).code ?? 500,
        source: 'sim',
        dryRun: false,
      });
      throw e;
    }
  }

  create(ref: ResourceRef, obj: Obj): Obj {
    const def = this.def(ref);
    const ns = def.namespaced ? obj.metadata.namespace : undefined;
    return this.log('create', def, ns, obj.metadata.name, undefined, () =>
      createObject(this.store, def, ns, obj),
    );
  }

  /** PUT semantics: `obj.metadata.resourceVersion` is the precondition (none = unconditional for built-ins). */
  update(ref: ResourceRef, obj: Obj, subresource?: 'status'): Obj {
    const def = this.def(ref);
    const ns = def.namespaced ? obj.metadata.namespace : undefined;
    return this.log('update', def, ns, obj.metadata.name, subresource, () =>
      updateObject(this.store, def, ns, obj.metadata.name, obj, {
        ...(subresource ? { subresource } : {}),
        finalize: this.finalize,
      }),
    );
  }

  /** Read-modify-write of the latest version (a controller's update loop without the retry). */
  mutate(
    ref: ResourceRef,
    ns: string | undefined,
    name: string,
    change: (draft: Obj) => unknown,
    subresource?: 'status',
  ): Obj | undefined {
    const current = this.get(ref, ns, name);
    if (!current) return undefined;
    const draft = structuredClone(current);
    if (change(draft) === false) return current;
    return this.update(ref, draft, subresource);
  }

  patch(
    ref: ResourceRef,
    ns: string | undefined,
    name: string,
    patch: unknown,
    type: PatchType,
    subresource?: 'status',
  ): Obj {
    const def = this.def(ref);
    return this.log('patch', def, ns, name, subresource, () =>
      patchObject(this.store, def, def.namespaced ? ns : undefined, name, patch, type, {
        ...(subresource ? { subresource } : {}),
        finalize: this.finalize,
      }),
    );
  }

  delete(
    ref: ResourceRef,
    ns: string | undefined,
    name: string,
    options: DeleteOptionsBody = {},
  ): DeleteResult {
    const def = this.def(ref);
    if (!this.store.get(def, ns, name)) throw notFound(def, name);
    return this.log('delete', def, ns, name, undefined, () =>
      deleteObject(this.store, def, def.namespaced ? ns : undefined, name, options, {
        gracefulPod: this.gracefulPod,
      }),
    );
  }
}
