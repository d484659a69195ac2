// The controller's view of the cluster: one informer per resource it reads (MirrorSets, MirrorNodes,
// Nodes, its Jobs and ControllerRevisions), plus its own recent writes until the informer has seen
// them, so the next reconcile does not decide again on an older copy (and get a 409 for it). A write
// is remembered only if the informer still holds the version it was based on.
import type { Informer, Kube, KubernetesObject, ResourceType, WatchEventType } from '../../host/kube-port.js';
import { API_VERSION, MIRRORNODE, MIRRORSET } from '../api/group.js';
import { APP_LABELS, LABELS, MANAGED_BY } from '../api/meta.js';
import { jobFacts, nodeFacts, parseMirrorNode, parseMirrorSet, revisionFacts } from './facts.js';
import { mirrorSetLabel } from './names.js';
import type { Snapshot } from './types.js';

export const RESOURCES = {
  mirrorSets: { apiVersion: API_VERSION, kind: MIRRORSET.kind, plural: MIRRORSET.plural, namespaced: false },
  mirrorNodes: {
    apiVersion: API_VERSION,
    kind: MIRRORNODE.kind,
    plural: MIRRORNODE.plural,
    namespaced: false,
  },
  nodes: { apiVersion: 'v1', kind: 'Node', plural: 'nodes', namespaced: false },
  jobs: { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs', namespaced: true },
  revisions: {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    plural: 'controllerrevisions',
    namespaced: true,
  },
} as const satisfies Record<string, ResourceType>;

export type Kind = keyof typeof RESOURCES;

const keyOf = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export class ControllerCache {
  private readonly informers: Record<Kind, Informer<KubernetesObject>>;
  /** Our writes the informers have not delivered yet (null: deleted by us). */
  private readonly overlay = new Map<Kind, Map<string, KubernetesObject | null>>();

  constructor(
    kube: Kube,
    namespace: string,
    onChange: (kind: Kind, type: WatchEventType, obj: KubernetesObject) => void,
  ) {
    const managed = `${APP_LABELS.managedBy}=${MANAGED_BY}`;
    this.informers = {
      mirrorSets: kube.informer(RESOURCES.mirrorSets),
      mirrorNodes: kube.informer(RESOURCES.mirrorNodes),
      nodes: kube.informer(RESOURCES.nodes),
      jobs: kube.informer(RESOURCES.jobs, {
        namespace,
        labelSelector: `${managed},${APP_LABELS.component}=apply-job`,
      }),
      revisions: kube.informer(RESOURCES.revisions, {
        namespace,
        labelSelector: `${managed},${LABELS.mirrorSet}`,
      }),
    };
    for (const kind of Object.keys(this.informers) as Kind[]) {
      this.overlay.set(kind, new Map());
      this.informers[kind].onChange((type, obj) => {
        this.overlay.get(kind)?.delete(keyOf(obj));
        onChange(kind, type, obj);
      });
    }
  }

  async start(): Promise<void> {
    await Promise.all(Object.values(this.informers).map((i) => i.start()));
  }

  stop(): void {
    for (const i of Object.values(this.informers)) i.stop();
  }

  synced(): boolean {
    return Object.values(this.informers).every((i) => i.synced());
  }

  /** Remember a write (`obj` as the server returned it; null for a delete) made on `basedOn`'s version. */
  wrote(
    kind: Kind,
    name: string,
    namespace: string | undefined,
    basedOnRv: string | undefined,
    obj: KubernetesObject | null,
  ): void {
    const key = `${namespace ?? ''}/${name}`;
    const seen = this.informers[kind].get(name, namespace);
    if ((seen?.metadata?.resourceVersion ?? undefined) === basedOnRv) this.overlay.get(kind)?.set(key, obj);
  }

  get(kind: Kind, name: string, namespace?: string): KubernetesObject | undefined {
    const o = this.overlay.get(kind)?.get(`${namespace ?? ''}/${name}`);
    if (o !== undefined) return o ?? undefined;
    return this.informers[kind].get(name, namespace);
  }

  list(kind: Kind): KubernetesObject[] {
    const overlay = this.overlay.get(kind) ?? new Map<string, KubernetesObject | null>();
    const out = new Map(this.informers[kind].list().map((o) => [keyOf(o), o]));
    for (const [k, o] of overlay) {
      if (o === null) out.delete(k);
      else out.set(k, o);
    }
    return [...out.values()];
  }

  /** Everything one reconcile of `name` reads; undefined when the MirrorSet is gone. */
  snapshot(name: string, now: number, log: (msg: string) => void): Snapshot | undefined {
    const sets = this.list('mirrorSets').flatMap((o) => {
      const p = parseMirrorSet(o);
      if (!p.ok) log(`MirrorSet ${o.metadata?.name}: cannot read it: ${p.why}`);
      return p.ok ? [p.value] : [];
    });
    const set = sets.find((s) => s.metadata.name === name);
    if (!set) return undefined;
    const label = mirrorSetLabel(name);
    return {
      now,
      set,
      others: sets.filter((s) => s !== set),
      nodes: this.list('nodes').map(nodeFacts),
      mirrorNodes: this.list('mirrorNodes').flatMap((o) => {
        const p = parseMirrorNode(o);
        return p.ok ? [p.value] : [];
      }),
      jobs: this.list('jobs').flatMap((o) => {
        const j = jobFacts(o);
        return j && j.mirrorSet === label ? [j] : [];
      }),
      revisions: this.list('revisions').flatMap((o) => {
        if (o.metadata?.labels?.[LABELS.mirrorSet] !== label) return [];
        const r = revisionFacts(o);
        return r ? [r] : [];
      }),
    };
  }
}
