// A simulated cluster running mirrorctl for real: the API server stand-in with RBAC enforced (every
// mirrorctl process gets exactly the grants deploy/rbac.yaml ships), two control-plane nodes for the
// controller Deployment's two replicas, worker nodes each with a REAL containerd as its systemd unit,
// and every mirrorctl process — controller, agents, apply Jobs — the CLI bundle run as the pods the
// manifests describe (simulated kubelet, DaemonSet and Job controllers; test/cluster/README.md).
// Installed the GitOps way (gitops.ts: `kubectl apply -k` of a copy of deploy/). Faults: API 429/500
// and 409 at seeded rates, watches dropped every few seconds, history compacted (410 on resume),
// ConfigMap/Secret volumes refreshed only after a propagation delay.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSION } from '../../../src/cli/version.js';
import { IMAGE_PATHS, imageRef } from '../../../src/cluster/api/pod-contract.js';
import type { Fault } from '../../cluster/apiserver/faults.js';
import type { Obj } from '../../cluster/apiserver/types.js';
import { type SimClusterHandle, startCluster } from '../../cluster/sim/cluster.js';
import { DeploymentPods } from './deployment-pods.js';
import { GitOpsRepo, type KubectlResult, kubectl } from './gitops.js';
import { NodeContainerd, OS_RELEASE, pristineNode } from './node-containerd.js';
import { Timeline } from './timeline.js';

const REPO = join(import.meta.dirname, '../../..');
export const IMAGE = imageRef(VERSION);
export const NS = 'mirrorctl';
const RUNTIME = 'containerd://1.6.20';
const CONTROL_PLANE = ['cp-1', 'cp-2'];

/** What a busy API server does to mirrorctl's own requests (kubectl's install stays unharmed). */
export const API_FAULTS: Fault[] = [
  { verb: ['update', 'patch'], resource: 'mirrornodes/status', status: 429, rate: 0.05, retryAfter: 1 },
  { verb: ['update', 'patch'], resource: 'mirrornodes', status: 409, rate: 0.05 },
  { verb: ['update', 'patch'], resource: 'mirrorsets/status', status: 500, rate: 0.05 },
  { verb: 'create', resource: 'jobs', status: 500, rate: 0.1 },
  { verb: 'create', resource: 'controllerrevisions', status: 429, rate: 0.1, retryAfter: 1 },
  { verb: 'list', resource: 'mirrornodes', status: 500, rate: 0.05 },
];

export interface WorkerSpec {
  name: string;
  /** Node files (path on the node → content); default: containerd's config without config_path. */
  files?: Record<string, string>;
}

export class RealCluster {
  readonly containerd = new Map<string, NodeContainerd>();
  readonly timeline: Timeline;
  readonly gitops: GitOpsRepo;
  private readonly deployments: DeploymentPods;
  private compactor: NodeJS.Timeout | undefined;

  private constructor(
    readonly c: SimClusterHandle,
    readonly work: string,
    readonly bundle: string,
  ) {
    this.timeline = new Timeline(c.server);
    this.gitops = new GitOpsRepo(join(REPO, 'deploy'), work, c.kubeconfig);
    this.deployments = new DeploymentPods(c.server, CONTROL_PLANE);
  }

  static async start(bundle: string, workers: WorkerSpec[]): Promise<RealCluster> {
    const work = mkdtempSync(join(tmpdir(), 'mirrorctl-cluster-e2e-'));
    const c = await startCluster({
      server: {
        authorization: 'RBAC',
        bookmarkIntervalMs: 1000,
        watchLifetimeMs: [4_000, 12_000],
        seed: 16,
      },
      kubelets: {
        images: {
          [IMAGE]: {
            binaries: { [IMAGE_PATHS.node]: [process.execPath] },
            files: { [IMAGE_PATHS.bundle]: bundle },
          },
        },
        rootDir: join(work, 'nodes'),
        options: { propagationDelayMs: 3_000, probeScale: 0.5, backoffBaseMs: 1_000, maxGraceMs: 5_000 },
      },
    });
    const rc = new RealCluster(c, work, bundle);
    for (const name of CONTROL_PLANE) {
      const k = await c.addNode({ name, runtime: RUNTIME, roles: ['control-plane'] });
      // The agent DaemonSet lands here too (targets are labelled on every node); no MirrorNode.
      for (const d of ['etc/containerd', 'run/containerd'])
        mkdirSync(join(c.root(name), d), { recursive: true });
      writeFileSync(join(c.root(name), 'etc/os-release'), OS_RELEASE);
      if (!k) throw new Error(`no kubelet for ${name}`);
    }
    for (const w of workers) await rc.addWorker(w);
    return rc;
  }

  /** A worker joins: its kubelet registers the Node, its containerd runs before anything else. */
  async addWorker(w: WorkerSpec): Promise<NodeContainerd> {
    const k = await this.c.addNode({ name: w.name, runtime: RUNTIME });
    if (!k) throw new Error(`no kubelet for ${w.name}`);
    const ctr = await NodeContainerd.start(k, w.files ?? pristineNode());
    this.containerd.set(w.name, ctr);
    return ctr;
  }

  get server() {
    return this.c.server;
  }

  root(node: string): string {
    return this.c.root(node);
  }

  /** mirrorctl's own requests meet API_FAULTS from now on, watches drop, history compacts. */
  injectFaults(): void {
    this.server.faults.push(...structuredClone(API_FAULTS));
    this.compactor = setInterval(() => this.server.compact(), 7_000);
  }

  clearFaults(): void {
    this.server.faults.length = 0;
    if (this.compactor) clearInterval(this.compactor);
  }

  kubectl(args: readonly string[]): Promise<KubectlResult> {
    return kubectl(this.c.kubeconfig, args);
  }

  /** Set-up steps by kubectl, in order; any failure throws with kubectl's output. */
  async kubectlSteps(steps: readonly (readonly string[])[]): Promise<void> {
    for (const args of steps) {
      const r = await this.kubectl(args);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    }
  }

  /** The CLI as a user runs it on their workstation: the same bundle, the admin kubeconfig. */
  mirrorctl(args: readonly string[], timeoutMs = 300_000): Promise<KubectlResult> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [this.bundle, ...args],
        {
          timeout: timeoutMs,
          maxBuffer: 16 * 1024 * 1024,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', KUBECONFIG: this.c.kubeconfig, NO_COLOR: '1' },
          cwd: this.work,
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  mirrorSet(name: string): Obj | undefined {
    return this.server.get('mirrorsets', undefined, name);
  }

  mirrorNode(node: string): Obj | undefined {
    return this.server.get('mirrornodes', undefined, node);
  }

  /** events.k8s.io/v1 Events regarding a MirrorNode or MirrorSet (kept in `default`). */
  events(regarding: string): Obj[] {
    return this.server.api
      .list({ group: 'events.k8s.io', plural: 'events' }, { namespace: 'default' })
      .filter((e) => (e.regarding as { name?: string } | undefined)?.name === regarding);
  }

  /** The replica holding the Lease (its pod name). */
  leader(): string | undefined {
    const lease = this.server.get('leases', NS, 'mirrorctl-controller');
    return (lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
  }

  controllerPods(): Obj[] {
    return this.server
      .list('pods', NS)
      .filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'mirrorctl-controller');
  }

  /** SIGKILL to every process of a pod's container, as the OOM killer or a node crash would. */
  killPod(podName: string): void {
    const pod = this.server.get('pods', NS, podName);
    const node = (pod?.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const worker = this.c.kubelets.get(node)?.workers.get(pod?.metadata.uid ?? '');
    const pids = worker?.containers.flatMap((r) => r.proc?.workers() ?? []) ?? [];
    if (pids.length === 0) throw new Error(`no process for pod ${podName}`);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
  }

  /** Logs of the mirrorctl pods whose names start with `prefix` (for failure messages). */
  logs(prefix = 'mirrorctl-'): string {
    return [...this.server.logs.entries()]
      .filter(([k]) => k.split('/').length === 2 && k.split('/')[1]?.startsWith(prefix))
      .map(([k, v]) => `--- ${k}\n${v.slice(-4000)}`)
      .join('\n');
  }

  async close(): Promise<void> {
    this.clearFaults();
    this.deployments.stop();
    await this.c.close();
    rmSync(this.work, { recursive: true, force: true });
  }
}
