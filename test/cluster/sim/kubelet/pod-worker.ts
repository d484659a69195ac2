// One pod on a simulated node, as kubelet's pod worker drives it: volumes first (retried while they
// cannot be mounted: FailedMount), init containers one by one, then the app containers as real
// processes; probes; restarts with kubelet's CrashLoopBackOff (first restart at once, then base × 2ⁿ up
// to the cap, forgotten after a long run); graceful termination (SIGTERM, grace, SIGKILL). In
// status-only mode the containers "run" without processes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InternalClient } from '../../apiserver/client.js';
import { isRecord, type Obj, timestamp } from '../../apiserver/types.js';
import { randomSuffix } from '../../apiserver/writes.js';
import { launchScript, unshareArgv } from './container.js';
import { launchSpecFor } from './container-start.js';
import type { KubeletOptions } from './kubelet.js';
import type { NodeHost } from './node-host.js';
import { type ContainerRun, containerRuns } from './pod-status.js';
import { startProbes } from './probes.js';
import type { NodeProcess } from './process.js';
import { type PreparedVolume, podDir, prepareVolume, VolumeError } from './volumes.js';

type Rec = Record<string, unknown>;

/** What a pod worker needs from its kubelet. */
export interface WorkerHost {
  opts: KubeletOptions;
  api: InternalClient;
  ca: string;
  hostIP(): string;
  running(): boolean;
  token(pod: Obj): string;
  report(w: PodWorker): void;
  event(pod: Obj, type: 'Normal' | 'Warning', reason: string, message: string): void;
  log(pod: Obj, container: string, text: string): void;
}

export class PodWorker {
  containers: ContainerRun[];
  readonly volumes = new Map<string, PreparedVolume>();
  volumesReady = false;
  terminating = false;
  readonly startTime: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private refresh: NodeJS.Timeout | undefined;

  constructor(
    public pod: Obj,
    private readonly k: WorkerHost,
  ) {
    const prev = (isRecord(pod.status) ? pod.status : {}) as Rec;
    this.containers = containerRuns(pod);
    this.startTime = typeof prev.startTime === 'string' ? prev.startTime : timestamp(Date.now());
  }

  private get host(): NodeHost | undefined {
    return this.k.opts.host;
  }

  start(): void {
    this.k.report(this);
    if (this.host) this.mountVolumes();
    else this.simulate();
  }

  /** Status-only: containers "run" at once; `simulate` may end the pod with an exit code. */
  private simulate(): void {
    const now = timestamp(Date.now());
    this.volumesReady = true;
    for (const c of this.containers) {
      c.state = c.init
        ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } }
        : { running: { startedAt: now } };
      c.done = c.init;
      c.ready = !c.init;
    }
    this.k.report(this);
    void this.k.opts.simulate?.(this.pod)?.then((code) => {
      if (this.terminating || !this.k.running()) return;
      const at = timestamp(Date.now());
      for (const c of this.containers.filter((x) => !x.init)) {
        c.state = {
          terminated: {
            exitCode: code,
            reason: code === 0 ? 'Completed' : 'Error',
            startedAt: now,
            finishedAt: at,
          },
        };
        c.ready = false;
        c.done = true;
      }
      this.k.report(this);
    });
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private mountVolumes(): void {
    if (this.terminating || !this.k.running()) return;
    const root = (this.host as NodeHost).opts.root;
    try {
      for (const v of ((this.pod.spec as Rec).volumes as Rec[] | undefined) ?? []) {
        const name = String(v.name);
        if (!this.volumes.has(name))
          this.volumes.set(
            name,
            prepareVolume(
              { api: this.k.api, root, pod: this.pod, ca: this.k.ca, token: () => this.k.token(this.pod) },
              v,
            ),
          );
      }
    } catch (e) {
      if (!(e instanceof VolumeError)) throw e;
      this.k.event(this.pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed: ${e.message}`);
      this.later(() => this.mountVolumes(), this.k.opts.mountRetryMs ?? 1000);
      return;
    }
    const pd = join(root, podDir(this.pod));
    mkdirSync(pd, { recursive: true });
    writeFileSync(
      join(pd, 'etc-hosts'),
      `127.0.0.1\tlocalhost\n::1\tlocalhost\n${this.k.hostIP()}\t${this.pod.metadata.name}\n`,
    );
    writeFileSync(join(pd, 'resolv.conf'), '# simulated node: no cluster DNS\n');
    this.volumesReady = true;
    this.advance();
  }

  /** Init containers one by one (each to success), then every app container. */
  private advance(): void {
    if (this.terminating || !this.k.running()) return;
    for (const c of this.containers.filter((x) => x.init)) {
      if (c.done) continue;
      if (!c.proc?.running && !c.timer) this.startContainer(c);
      this.k.report(this);
      return;
    }
    for (const c of this.containers.filter((x) => !x.init))
      if (!c.done && !c.proc?.running && !c.timer) this.startContainer(c);
    this.k.report(this);
  }

  private wait(c: ContainerRun, reason: string, message: string, ms: number): void {
    c.state = { waiting: { reason, message } };
    c.timer = setTimeout(() => {
      c.timer = undefined;
      this.advance();
    }, ms);
    this.k.report(this);
  }

  private backoff(c: ContainerRun): number {
    const base = this.k.opts.backoffBaseMs ?? 10_000;
    return c.restartCount === 0
      ? 0
      : Math.min(base * 2 ** (c.restartCount - 1), this.k.opts.backoffMaxMs ?? 300_000);
  }

  private startContainer(c: ContainerRun): void {
    const host = this.host as NodeHost;
    const r = launchSpecFor({
      api: this.k.api,
      node: this.k.opts.node,
      root: host.opts.root,
      images: this.k.opts.images ?? {},
      pod: this.pod,
      container: c,
      volumes: this.volumes,
    });
    if ('waiting' in r) {
      if (r.waiting.reason === 'ErrImagePull')
        this.k.event(
          this.pod,
          'Warning',
          'Failed',
          `Failed to pull image "${String(c.spec.image)}": ${r.waiting.message}`,
        );
      this.wait(c, r.waiting.reason, r.waiting.message, r.waiting.retryMs ?? Math.max(this.backoff(c), 1000));
      return;
    }
    const pd = podDir(this.pod);
    const dir = join(host.opts.root, pd, 'containers', c.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'launch.sh'), launchScript(r.launch));
    const proc = host.exec(unshareArgv(r.launch, `${pd}/containers/${c.name}/launch.sh`));
    c.proc = proc;
    c.env = r.launch.env;
    c.containerID = `containerd://${randomSuffix(12)}${Date.now().toString(16)}`;
    c.startedAtMs = Date.now();
    c.state = { running: { startedAt: timestamp(Date.now()) } };
    c.ready = !isRecord(c.spec.readinessProbe);
    const log = (d: Buffer) => this.k.log(this.pod, c.name, d.toString());
    proc.child.stdout?.on('data', log);
    proc.child.stderr?.on('data', log);
    this.k.event(this.pod, 'Normal', 'Started', `Started container ${c.name}`);
    this.startProbes(c);
    void proc.exited.then((exit) => this.onExit(c, proc, exit.code));
  }

  private startProbes(c: ContainerRun): void {
    startProbes(c, this.host as NodeHost, this.k.opts.probeScale ?? 1, {
      readiness: () => this.k.report(this),
      unhealthy: () =>
        this.k.event(
          this.pod,
          'Warning',
          'Unhealthy',
          `Liveness probe failed; container ${c.name} will be restarted`,
        ),
    });
  }

  private onExit(c: ContainerRun, proc: NodeProcess, code: number): void {
    for (const p of c.probes.splice(0)) p.stop();
    if (c.proc !== proc || !this.k.running()) return;
    const at = timestamp(Date.now());
    c.ready = false;
    c.state = {
      terminated: {
        exitCode: code,
        reason: code === 0 ? 'Completed' : 'Error',
        startedAt: c.state.running?.startedAt ?? at,
        finishedAt: at,
      },
    };
    if (this.terminating) return;
    const policy = String((this.pod.spec as Rec).restartPolicy ?? 'Always');
    const restart = c.init
      ? code !== 0 && policy !== 'Never'
      : policy === 'Always' || (policy === 'OnFailure' && code !== 0);
    if (!restart) {
      c.done = true;
      this.advance();
      return;
    }
    // Kubelet forgets the backoff once a container ran long enough (2 × the cap).
    if (Date.now() - (c.startedAtMs ?? 0) > 2 * (this.k.opts.backoffMaxMs ?? 300_000)) c.restartCount = 0;
    c.lastState = { terminated: c.state.terminated as NonNullable<ContainerRun['state']['terminated']> };
    const delay = this.backoff(c);
    c.restartCount++;
    if (delay === 0) {
      this.advance();
      return;
    }
    this.k.event(this.pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    const p = this.pod.metadata;
    this.wait(
      c,
      'CrashLoopBackOff',
      `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.name} pod=${p.name}_${p.namespace}(${p.uid})`,
      delay,
    );
  }

  /** A changed ConfigMap/Secret reaches the volumes after the propagation delay. */
  sourceChanged(key: string): void {
    if (this.refresh || ![...this.volumes.values()].some((v) => v.sources.includes(key))) return;
    this.refresh = setTimeout(() => {
      this.refresh = undefined;
      if (this.terminating || !this.k.running()) return;
      for (const v of this.volumes.values()) {
        try {
          v.refresh?.();
        } catch {
          // a source deleted meanwhile: the old content stays, as kubelet keeps it
        }
      }
    }, this.k.opts.propagationDelayMs ?? 1000);
  }

  /** Stops timers and probes (the kubelet is going away or the pod is ending). */
  quiesce(): void {
    for (const t of this.timers) clearTimeout(t);
    if (this.refresh) clearTimeout(this.refresh);
    for (const c of this.containers) {
      for (const p of c.probes) p.stop();
      if (c.timer) clearTimeout(c.timer);
      c.timer = undefined;
    }
  }

  /** SIGTERM, up to `graceMs`, then SIGKILL; resolves when every container is gone. */
  async kill(graceMs: number): Promise<void> {
    this.terminating = true;
    this.quiesce();
    const live = this.containers.filter((c) => c.proc?.running);
    if (live.length > 0 && graceMs > 0)
      this.k.event(this.pod, 'Normal', 'Killing', `Stopping container ${live.map((c) => c.name).join(', ')}`);
    await Promise.all(
      live.map(async (c) => {
        const p = c.proc as NodeProcess;
        if (graceMs > 0) {
          p.signal('SIGTERM');
          await Promise.race([p.exited, new Promise((r) => setTimeout(r, graceMs))]);
        }
        if (p.running) await p.kill();
      }),
    );
  }
}
