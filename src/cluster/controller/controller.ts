// The MirrorSet controller: informers feed a keyed work queue (`set/<name>` per MirrorSet, `node/<name>`
// for a Node's mirrorctl.io/target label); while this replica leads (Lease), workers reconcile keys:
// snapshot → planReconcile (pure) → execute. Everything it needs after a crash is in API objects,
// so a new leader simply starts reconciling. Readiness: the informers have synced.
import type { Kube, KubernetesObject, WatchEventType } from '../../host/kube-port.js';
import { LABELS } from '../api/meta.js';
import { ControllerCache, type Kind } from './cache.js';
import { ConflictError, execute, NotLeaderError } from './execute.js';
import { nodeFacts } from './facts.js';
import { LeaderElector } from './leader-elector.js';
import { type ControllerMetrics, createControllerMetrics, setNodeStates } from './metrics.js';
import { mirrorSetLabel } from './names.js';
import { planReconcile } from './plan.js';
import { WorkQueue } from './work-queue.js';

export interface LeaderElectionOptions {
  leaseName: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface ControllerOptions {
  namespace: string;
  /** This replica's name in the Lease and in Events (the pod name). */
  identity: string;
  /** The image apply Jobs run. */
  image: string;
  /** Without it, this replica acts at once (a single replica, tests). */
  leaderElection?: LeaderElectionOptions;
  workers?: number;
  /** Every MirrorSet is reconciled at least this often (catches anything a watch missed). */
  resyncMs?: number;
  log: (msg: string) => void;
  now?: () => number;
  metrics?: ControllerMetrics;
}

export const DEFAULT_LEADER_ELECTION: Omit<LeaderElectionOptions, 'leaseName'> = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export class Controller {
  readonly metrics: ControllerMetrics;
  private readonly cache: ControllerCache;
  private readonly queue = new WorkQueue({ baseDelayMs: 200, maxDelayMs: 60_000 });
  private elector: LeaderElector | undefined;
  private leading = false;
  private abort: AbortController | undefined;
  private workers: Promise<void> = Promise.resolve();
  private resync: NodeJS.Timeout | undefined;
  private eventSeq = 0;
  private readonly nodeSeen = new Map<string, string>();
  private readonly now: () => number;

  constructor(
    private readonly kube: Kube,
    private readonly o: ControllerOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.metrics = o.metrics ?? createControllerMetrics();
    this.cache = new ControllerCache(kube, o.namespace, (kind, type, obj) => this.onChange(kind, type, obj));
  }

  async start(): Promise<void> {
    await this.cache.start();
    this.o.log(`controller ${this.o.identity}: caches synced`);
    const le = this.o.leaderElection;
    if (le) {
      this.elector = new LeaderElector(this.kube, {
        namespace: this.o.namespace,
        name: le.leaseName,
        identity: this.o.identity,
        leaseDurationMs: le.leaseDurationMs,
        renewDeadlineMs: le.renewDeadlineMs,
        retryPeriodMs: le.retryPeriodMs,
        now: this.now,
        log: this.o.log,
        onStartedLeading: () => this.lead(),
        onStoppedLeading: () => this.unlead(),
      });
      this.elector.start();
    } else this.lead();
    this.resync = setInterval(() => this.enqueueAll(), this.o.resyncMs ?? 60_000);
    this.resync.unref();
  }

  /** Informers synced: /readyz (leader and standby alike). */
  ready(): boolean {
    return this.cache.synced();
  }

  isLeader(): boolean {
    return this.leading && (this.elector ? this.elector.isLeader() : true);
  }

  /** SIGTERM: finish the reconcile in progress, release the Lease, stop watching. */
  async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    if (this.elector) await this.elector.stop();
    else this.unlead();
    await this.workers;
    this.cache.stop();
    this.queue.shutDown();
  }

  /** Stops everything without a word to the API server: what a killed process looks like (tests). */
  crash(): void {
    if (this.resync) clearInterval(this.resync);
    this.elector?.abandon();
    this.unlead();
    this.cache.stop();
    this.queue.shutDown();
  }

  private lead(): void {
    if (this.leading) return;
    this.leading = true;
    this.metrics.leader.set(1);
    this.abort = new AbortController();
    this.enqueueAll();
    this.workers = this.queue.run(this.o.workers ?? 2, (key) => this.handle(key), this.abort.signal);
  }

  private unlead(): void {
    if (!this.leading) return;
    this.leading = false;
    this.metrics.leader.set(0);
    this.abort?.abort();
  }

  private enqueueAll(): void {
    for (const s of this.cache.list('mirrorSets')) this.queue.add(`set/${s.metadata?.name ?? ''}`);
    for (const n of this.cache.list('nodes')) this.queue.add(`node/${n.metadata?.name ?? ''}`);
  }

  private setsLabelled(label: string | undefined): string[] {
    if (!label) return [];
    return this.cache
      .list('mirrorSets')
      .map((s) => s.metadata?.name ?? '')
      .filter((n) => mirrorSetLabel(n) === label);
  }

  private onChange(kind: Kind, _type: WatchEventType, obj: KubernetesObject): void {
    const name = obj.metadata?.name ?? '';
    switch (kind) {
      case 'mirrorSets':
        this.queue.add(`set/${name}`);
        return;
      case 'mirrorNodes': {
        const owner = (obj as { spec?: { mirrorSet?: unknown } }).spec?.mirrorSet;
        if (typeof owner === 'string') this.queue.add(`set/${owner}`);
        return;
      }
      case 'jobs':
      case 'revisions':
        for (const s of this.setsLabelled(obj.metadata?.labels?.[LABELS.mirrorSet]))
          this.queue.add(`set/${s}`);
        return;
      case 'nodes': {
        // Heartbeats change nothing the controller reads: only a change of its facts wakes every set.
        const facts = JSON.stringify(nodeFacts(obj));
        if (this.nodeSeen.get(name) === facts) return;
        this.nodeSeen.set(name, facts);
        this.queue.add(`node/${name}`);
        for (const s of this.cache.list('mirrorSets')) this.queue.add(`set/${s.metadata?.name ?? ''}`);
        return;
      }
    }
  }

  private async handle(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const kind = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const started = performance.now();
    let result = 'ok';
    try {
      const after = kind === 'node' ? await this.labelNode(name) : await this.reconcileSet(name);
      this.queue.forget(key);
      if (after !== undefined) this.queue.addAfter(key, after);
    } catch (err) {
      if (err instanceof NotLeaderError) result = 'not-leader';
      else if (err instanceof ConflictError) {
        result = 'conflict';
        this.queue.addAfter(key, 250);
      } else {
        result = 'error';
        const delay = this.queue.addRateLimited(key);
        this.o.log(`${key}: ${(err as Error).message} (again in ${delay} ms)`);
      }
    } finally {
      if (kind === 'set')
        this.metrics.reconcileDuration.observe({ result }, (performance.now() - started) / 1000);
    }
  }

  private guard = (): void => {
    if (!this.isLeader()) throw new NotLeaderError();
  };

  /** The Node's mirrorctl.io/target label, from its nodeInfo. */
  private async labelNode(name: string): Promise<undefined> {
    const obj = this.cache.get('nodes', name);
    if (!obj) return undefined;
    const facts = nodeFacts(obj);
    if (facts.labels[LABELS.target] === facts.target) return undefined;
    this.guard();
    const made = await this.kube.patch(
      { apiVersion: 'v1', kind: 'Node', name },
      { metadata: { labels: { [LABELS.target]: facts.target } } },
      'merge',
    );
    this.cache.wrote(
      'nodes',
      name,
      undefined,
      obj.metadata?.resourceVersion,
      JSON.parse(JSON.stringify(made)),
    );
    return undefined;
  }

  private async reconcileSet(name: string): Promise<number | undefined> {
    const snap = this.cache.snapshot(name, this.now(), this.o.log);
    if (!snap) {
      setNodeStates(this.metrics, name, new Map());
      return undefined;
    }
    const plan = planReconcile(snap);
    const out = await execute(plan, snap, {
      kube: this.kube,
      cache: this.cache,
      namespace: this.o.namespace,
      image: this.o.image,
      identity: this.o.identity,
      guard: this.guard,
      now: this.now,
      log: this.o.log,
      metrics: this.metrics,
      nextEventSeq: () => this.eventSeq++,
    });
    const counts = new Map<string, number>();
    for (const m of snap.mirrorNodes)
      if (m.spec.mirrorSet === name) {
        const state = m.status?.state ?? 'Unknown';
        counts.set(state, (counts.get(state) ?? 0) + 1);
      }
    setNodeStates(this.metrics, name, plan.removeFinalizer ? new Map() : counts);
    const waits = [plan.requeueAfterMs, out.requeueAfterMs].filter((x): x is number => x !== undefined);
    return waits.length > 0 ? Math.min(...waits) : undefined;
  }
}
