// The leader election loop over the Kube port (the decisions are lease.ts): every retryPeriod the
// candidate tries to acquire or renew the Lease; a leader that could not renew for renewDeadline
// stops acting at once (isLeader() turns false even while a request hangs), well before a standby
// may take over (leaseDuration, measured from its last sight of a renewal). On stop() a leader
// releases the Lease so the standby takes over without waiting.
import type { Kube, KubernetesObject } from '../../host/kube-port.js';
import { KubeError } from '../../host/kube-port.js';
import { type LeaseSpec, leaseStep, type Observed, releasedSpec } from './lease.js';

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  now?: () => number;
  log: (msg: string) => void;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

type LeaseObject = KubernetesObject & { spec?: LeaseSpec };

const ref = (o: LeaderElectorOptions) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  name: o.name,
  namespace: o.namespace,
});

export class LeaderElector {
  private observed: Observed = { at: 0 };
  private leading = false;
  private lastRenew = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(
    private readonly kube: Kube,
    private readonly o: LeaderElectorOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  /** Leading, and the Lease was renewed within renewDeadline: only then may the controller write. */
  isLeader(): boolean {
    return this.leading && this.now() - this.lastRenew <= this.o.renewDeadlineMs;
  }

  start(): void {
    this.stopped = false;
    this.loopDone = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const ok = await this.attempt();
      if (this.stopped) break;
      const t = this.now();
      if (ok) {
        this.lastRenew = t;
        if (!this.leading) {
          this.leading = true;
          this.o.log(`leader: acquired Lease ${this.o.namespace}/${this.o.name} as ${this.o.identity}`);
          this.o.onStartedLeading();
        }
      }
      this.checkDeadline();
      await new Promise<void>((r) => {
        this.wake = r;
        this.timer = setTimeout(r, this.o.retryPeriodMs);
      });
    }
  }

  private checkDeadline(): void {
    if (this.leading && !this.isLeader()) {
      this.leading = false;
      this.o.log(`leader: could not renew the Lease within ${this.o.renewDeadlineMs} ms; stepping down`);
      this.o.onStoppedLeading();
    }
  }

  /** One tryAcquireOrRenew, bounded by the renew deadline. */
  private async attempt(): Promise<boolean> {
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((r) => {
      timeout = setTimeout(() => r(false), this.o.renewDeadlineMs);
    });
    try {
      return await Promise.race([this.tryAcquireOrRenew(), deadline]);
    } finally {
      clearTimeout(timeout);
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    try {
      const current = (await this.kube.get(ref(this.o))) as LeaseObject | undefined;
      const spec = current ? { ...(current.spec ?? {}) } : undefined;
      const { step, observed } = leaseStep(
        spec,
        this.observed,
        this.o.identity,
        Math.ceil(this.o.leaseDurationMs / 1000),
        this.now(),
      );
      this.observed = observed;
      if (step.kind === 'held') return false;
      const meta = { name: this.o.name, namespace: this.o.namespace };
      if (step.kind === 'create') {
        await this.kube.create({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: meta,
          spec: step.spec,
        } as LeaseObject);
      } else {
        await this.kube.update({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { ...meta, resourceVersion: current?.metadata?.resourceVersion ?? '' },
          spec: step.spec,
        } as LeaseObject);
      }
      this.observed = { raw: JSON.stringify(step.spec), at: this.now() };
      return true;
    } catch (err) {
      // 409: another candidate wrote first; anything else: try again next period.
      if (!(err instanceof KubeError && err.status === 409)) this.o.log(`leader: ${(err as Error).message}`);
      return false;
    }
  }

  /** Stops campaigning; a leader releases the Lease (best effort) and stops leading. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loopDone;
    if (!this.leading) return;
    this.leading = false;
    this.o.onStoppedLeading();
    try {
      const current = (await this.kube.get(ref(this.o))) as LeaseObject | undefined;
      if (current?.spec?.holderIdentity === this.o.identity) {
        await this.kube.update({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: this.o.name,
            namespace: this.o.namespace,
            resourceVersion: current.metadata?.resourceVersion ?? '',
          },
          spec: releasedSpec(current.spec, this.now()),
        } as LeaseObject);
        this.o.log(`leader: released Lease ${this.o.namespace}/${this.o.name}`);
      }
    } catch (err) {
      this.o.log(`leader: could not release the Lease: ${(err as Error).message}`);
    }
  }

  /** Stops without releasing (what a crash looks like to the others; tests). */
  abandon(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    if (this.leading) {
      this.leading = false;
      this.o.onStoppedLeading();
    }
  }
}
