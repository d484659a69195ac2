// The node agent as a REAL child process (the shipped CLI bundle, scripts/build-bundle.mjs) against the
// API server stand-in over TLS, on a temp node root: the pod's service-account dir (token issued by
// the stand-in as system:serviceaccount:mirrorctl:mirrorctl-agent, its CA), KUBERNETES_SERVICE_HOST
// and _PORT, NODE_NAME. The test plays the controller: ControllerRevisions and MirrorNode specs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NAMESPACE } from '../../../src/cluster/api/meta.js';
import { FakeApiServer, MIRRORCTL_CRDS, type Obj } from '../fake-apiserver.js';
import { type Revision, revisionDoc } from './revisions.js';

export type { Revision };

let bundle: Promise<string> | undefined;

/** Builds the image's CLI bundle once per test file (as scripts/build-image.sh ships it). */
export function agentBundle(): Promise<string> {
  bundle ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mirrorctl-agent-bundle-')), 'mirrorctl.mjs');
    const { buildCliBundle } = (await import(
      new URL('../../../scripts/build-bundle.mjs', import.meta.url).href
    )) as {
      buildCliBundle: (o: string) => Promise<unknown>;
    };
    await buildCliBundle(out);
    return out;
  })();
  return bundle;
}

export class AgentWorld {
  readonly server = new FakeApiServer({ tls: true, resources: MIRRORCTL_CRDS, bookmarkIntervalMs: 200 });
  readonly dir = mkdtempSync(join(tmpdir(), 'mirrorctl-agent-'));
  readonly saDir = join(this.dir, 'serviceaccount');
  /** The apply Job's identity (mirrorctl-apply). */
  readonly applySaDir = join(this.dir, 'serviceaccount-apply');
  private readonly agents: ChildProcess[] = [];

  async start(): Promise<void> {
    await this.server.start();
    this.server.api.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NAMESPACE },
    });
    for (const [dir, sa] of [
      [this.saDir, 'mirrorctl-agent'],
      [this.applySaDir, 'mirrorctl-apply'],
    ] as const) {
      mkdirSync(dir, { recursive: true });
      const token = this.server.issueToken({
        username: `system:serviceaccount:mirrorctl:${sa}`,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:mirrorctl', 'system:authenticated'],
      });
      writeFileSync(join(dir, 'token'), token);
      writeFileSync(join(dir, 'ca.crt'), this.server.pki?.ca ?? '');
    }
  }

  /** Stores a spec as the controller does: a ControllerRevision holding the MirrorSet document. */
  revision(specYaml: string): Revision {
    return revisionDoc(this.server, specYaml);
  }

  /** Creates or updates the node's MirrorNode spec (what the controller writes). */
  setNode(node: string, spec: Record<string, unknown>): Obj {
    const cur = this.server.get('mirrornodes', undefined, node);
    if (!cur)
      return this.server.api.create('mirrornodes', {
        apiVersion: 'mirrorctl.io/v1alpha1',
        kind: 'MirrorNode',
        metadata: { name: node },
        spec,
      } as Obj);
    return this.server.api.update('mirrornodes', { ...structuredClone(cur), spec } as Obj);
  }

  nodeSpec(r: Revision, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { mirrorSet: 'lab', revision: r.revision, controllerRevision: r.name, mode: 'apply', ...extra };
  }

  status(node: string): Record<string, unknown> | undefined {
    return this.server.get('mirrornodes', undefined, node)?.status as Record<string, unknown> | undefined;
  }

  events(node: string): Obj[] {
    return this.server.api
      .list({ group: 'events.k8s.io', plural: 'events' }, { namespace: 'default' })
      .filter((e) => (e.regarding as { name?: string } | undefined)?.name === node);
  }

  /** Starts `mirrorctl agent` (the bundle) for `node` on `root`; stdout and stderr are collected.
   *  `wrap` is an argv prefix (e.g. dropping every capability, a read-only root). */
  async spawnAgent(
    node: string,
    root: string,
    args: string[] = [],
    o: SpawnOptions = {},
  ): Promise<AgentProcess> {
    const sa = o.identity === 'apply' ? this.applySaDir : this.saDir;
    const argv = [
      ...(o.wrap ?? []),
      process.execPath,
      await agentBundle(),
      'agent',
      '--root',
      root,
      '--service-account-dir',
      sa,
      '--metrics-port',
      '0',
      ...args,
    ];
    const child = spawn(argv[0] as string, argv.slice(1), {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        NODE_NAME: node,
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: String(this.server.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.agents.push(child);
    return new AgentProcess(child);
  }

  async stop(): Promise<void> {
    for (const a of this.agents) if (a.exitCode === null) a.kill('SIGKILL');
    await this.server.stop();
  }
}

export interface SpawnOptions {
  /** Whose service-account token: the agent's (default) or the apply Job's. */
  identity?: 'agent' | 'apply';
  wrap?: string[];
}

export class AgentProcess {
  log = '';
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (b: Buffer) => {
      this.log += b.toString();
    });
    child.stdout?.on('data', (b: Buffer) => {
      this.log += b.toString();
    });
    this.exited = new Promise((r) => child.on('exit', (code) => r(code)));
  }

  /** SIGTERM to the agent itself: a wrapper (unshare --fork ignores SIGTERM) is looked through to
   *  the node process it started, by pid. */
  terminate(): void {
    const pid = this.innermostPid();
    if (pid !== undefined) process.kill(pid, 'SIGTERM');
  }

  /** The node process itself (through wrappers that each start one child), by pid. */
  innermostPid(): number | undefined {
    const pid = this.child.pid;
    if (pid === undefined) return undefined;
    const children = (p: number): number[] => {
      try {
        return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    };
    let target = pid;
    for (let next = children(target); next.length === 1; next = children(target)) target = next[0] as number;
    return target;
  }

  /** The metrics port the agent printed when it started listening. */
  async port(timeoutMs = 20_000): Promise<number> {
    await until(
      () => /metrics on :(\d+)/.test(this.log),
      timeoutMs,
      () => this.log,
    );
    return Number(/metrics on :(\d+)/.exec(this.log)?.[1]);
  }
}

/** Polls `ok` until true; the error message carries `what()` (the agent's log) for the reader. */
export async function until(
  ok: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what?: () => string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms${what ? `:\n${what()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** containerd's config.toml with config_path already set: a mirror change is hosts.toml only (hot). */
export const CONFIG_PATH_SET = `version = 2

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"
`;

export const HOSTS = 'etc/containerd/certs.d/docker.io/hosts.toml';

export const mirrorSpec = (mirror: string, tls = '') => `apiVersion: mirrorctl.io/v1alpha1
kind: MirrorSet
metadata: { name: lab }
spec:
  registries:
    - source: docker.io
      mirrors: [{ url: "${mirror}"${tls} }]
`;

/** A containerd node root with `configToml` (and os-release), as the pod sees it under /host. */
export function nodeRoot(configToml: string): string {
  const root = mkdtempSync(join(tmpdir(), 'mirrorctl-node-'));
  const put = (p: string, text: string) => {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  };
  put('etc/containerd/config.toml', configToml);
  put('etc/os-release', 'ID=debian\nVERSION_ID="12"\n');
  return root;
}
