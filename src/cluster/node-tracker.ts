// Follows the agent pods through one pod watch and reads a pod's log only when its readiness turns
// true or its container restarts (the agent's two signals), so a rollout costs about one log read per
// node and one more for nodes that wait for a restart wave — never a GET per node per poll.
import type { V1Pod } from '@kubernetes/client-node';
import type { Kube, WatchHandle } from '../host/kube-port.js';
import { mapLimit } from '../util/map-limit.js';
import { type AgentResult, lastResultLine } from './agent-protocol.js';

interface PodView {
  pod: string;
  ready: boolean;
  restarts: number;
}

export class NodeTracker {
  private readonly pods = new Map<string, PodView>();
  private readonly results = new Map<string, AgentResult>();
  private waiters: Array<() => void> = [];
  private watch: WatchHandle | undefined;
  private queue = new Set<string>();
  private reading = 0;

  constructor(
    private readonly kube: Kube,
    private readonly namespace: string,
    /** Results for other revisions/modes are stale answers and are ignored. */
    private readonly accept: (r: AgentResult) => boolean,
    private readonly onResult: (r: AgentResult) => void,
  ) {}

  async start(labelSelector: string): Promise<void> {
    const list = await this.kube.listPods(this.namespace, { labelSelector });
    // Pods already ready before we published are not read: only their next transition matters.
    for (const p of list.items) this.observe(p, false);
    this.watch = this.kube.watchPods(
      this.namespace,
      { labelSelector, resourceVersion: list.resourceVersion },
      (e) => (e.type === 'DELETED' ? this.forget(e.object) : this.observe(e.object, true)),
    );
  }

  stop(): void {
    this.watch?.stop();
  }

  result(node: string): AgentResult | undefined {
    return this.results.get(node);
  }

  hasPod(node: string): boolean {
    return this.pods.has(node);
  }

  /** Resolves at the next change (a result or a pod event). */
  changed(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  /** One log read now (deadline check for a node that sent no signal). */
  async readNow(nodes: readonly string[]): Promise<void> {
    await mapLimit(nodes, 16, (n) => this.read(n));
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private forget(p: V1Pod): void {
    const node = p.spec?.nodeName;
    if (node && this.pods.get(node)?.pod === p.metadata?.name) this.pods.delete(node);
    this.notify();
  }

  private observe(p: V1Pod, signal: boolean): void {
    const node = p.spec?.nodeName;
    if (!node) return;
    const status = p.status?.containerStatuses?.[0];
    const view: PodView = {
      pod: p.metadata?.name ?? '',
      ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      restarts: status?.restartCount ?? 0,
    };
    const before = this.pods.get(node);
    this.pods.set(node, view);
    const samePod = before?.pod === view.pod;
    const becameReady = view.ready && !(samePod && before?.ready);
    const restarted = samePod && view.restarts > (before?.restarts ?? 0);
    if (signal && (becameReady || restarted)) this.enqueue(node);
    this.notify();
  }

  private enqueue(node: string): void {
    this.queue.add(node);
    this.pump();
  }

  private pump(): void {
    while (this.reading < 32 && this.queue.size > 0) {
      const node = this.queue.values().next().value as string;
      this.queue.delete(node);
      this.reading++;
      void this.read(node).finally(() => {
        this.reading--;
        this.pump();
      });
    }
  }

  private async read(node: string): Promise<void> {
    const view = this.pods.get(node);
    if (!view) return;
    try {
      const log = await this.kube.readPodLog(this.namespace, view.pod, { tailLines: 20 });
      const r = lastResultLine(log);
      if (r && this.accept(r)) {
        this.results.set(node, r);
        this.onResult(r);
      }
    } catch {
      // the pod went away between the event and the read; its replacement will signal again
    }
    this.notify();
  }
}
