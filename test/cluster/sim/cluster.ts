// A whole simulated cluster in one call: the API server stand-in, Nodes, the controllers a test wants
// (DaemonSet, Job, disruption, scheduler) and a kubelet per node — running pods as real processes on
// per-node namespaces (root), or status-only (benchmarks). Nodes can join, leave, reboot later.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeApiServer, type FakeApiServerOptions } from '../apiserver/server.js';
import { DaemonSetController } from './daemonset-controller.js';
import { DisruptionController } from './disruption-controller.js';
import { JobController, type JobControllerOptions } from './job-controller.js';
import type { ImageDef } from './kubelet/container.js';
import { Kubelet, type KubeletOptions } from './kubelet/kubelet.js';
import { NodeHost } from './kubelet/node-host.js';
import { Nodes, type SimNodeSpec } from './nodes.js';
import { Scheduler } from './scheduler.js';

export interface ProcessKubelets {
  images: Record<string, ImageDef>;
  /** Parent of the node roots (default: a temp dir); node `n` lives in `<rootDir>/<n>`. */
  rootDir?: string;
  forwardPorts?: number[];
  options?: Omit<KubeletOptions, 'node' | 'host' | 'images' | 'register'>;
}

export interface ClusterOptions {
  nodes?: SimNodeSpec[];
  server?: FakeApiServerOptions;
  daemonSets?: boolean;
  jobs?: boolean | JobControllerOptions;
  disruption?: boolean;
  scheduler?: boolean;
  /** 'status-only': pods go Running/Ready without processes; an object: real processes per node. */
  kubelets?: 'status-only' | ProcessKubelets | false;
}

export interface SimClusterHandle {
  server: FakeApiServer;
  nodes: Nodes;
  kubelets: Map<string, Kubelet>;
  /** Path of an admin kubeconfig file for this cluster. */
  kubeconfig: string;
  /** The node's root dir on this machine (process kubelets only). */
  root(node: string): string;
  addNode(spec: SimNodeSpec): Promise<Kubelet | undefined>;
  /** Powers a node off (its processes die, Ready → Unknown) / on again (pods restart). */
  stopNode(name: string): Promise<void>;
  startNode(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startCluster(o: ClusterOptions = {}): Promise<SimClusterHandle> {
  const processes = typeof o.kubelets === 'object' ? o.kubelets : undefined;
  const server = new FakeApiServer({ ...(processes ? { tls: true } : {}), ...o.server });
  await server.start();
  const stops: Array<() => void> = [];
  if (o.daemonSets ?? true)
    stops.push(
      (
        (c) => () =>
          c.stop()
      )(new DaemonSetController(server)),
    );
  if (o.jobs ?? true)
    stops.push(
      (
        (c) => () =>
          c.stop()
      )(new JobController(server, typeof o.jobs === 'object' ? o.jobs : {})),
    );
  if (o.disruption ?? true)
    stops.push(
      (
        (c) => () =>
          c.stop()
      )(new DisruptionController(server)),
    );
  if (o.scheduler ?? true)
    stops.push(
      (
        (c) => () =>
          c.stop()
      )(new Scheduler(server)),
    );
  const nodes = new Nodes(server);
  const kubelets = new Map<string, Kubelet>();
  const base = mkdtempSync(join(tmpdir(), 'mirrorctl-cluster-'));
  const rootDir = processes?.rootDir ?? join(base, 'nodes');
  const root = (n: string) => join(rootDir, n);

  const addNode = async (spec: SimNodeSpec): Promise<Kubelet | undefined> => {
    if (!o.kubelets) {
      nodes.add(spec);
      return undefined;
    }
    const { name, ...register } = spec;
    let host: NodeHost | undefined;
    if (processes) {
      mkdirSync(root(name), { recursive: true });
      host = new NodeHost({
        name,
        root: root(name),
        apiServer: { host: '127.0.0.1', port: server.port },
        ...(processes.forwardPorts ? { forwardPorts: processes.forwardPorts } : {}),
      });
    }
    const k = new Kubelet(server, {
      ...processes?.options,
      node: name,
      register,
      ...(host ? { host } : {}),
      ...(processes ? { images: processes.images } : {}),
    });
    kubelets.set(name, k);
    await k.start();
    return k;
  };
  for (const n of o.nodes ?? []) await addNode(n);
  const kubeconfig = join(base, 'kubeconfig');
  writeFileSync(kubeconfig, server.kubeconfig());
  return {
    server,
    nodes,
    kubelets,
    kubeconfig,
    root,
    addNode,
    async stopNode(name) {
      await kubelets.get(name)?.stop();
    },
    async startNode(name) {
      await kubelets.get(name)?.start();
    },
    async close() {
      for (const s of stops) s();
      nodes.stop();
      await Promise.all([...kubelets.values()].map((k) => k.stop()));
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
