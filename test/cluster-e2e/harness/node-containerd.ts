// A REAL containerd (Debian's 1.6) as a simulated node's `containerd` unit: it runs inside the node's
// namespaces on the node's own paths (/etc/containerd/config.toml, /run/containerd/containerd.sock,
// /var/lib/containerd), and `systemctl restart containerd` — what the apply Job runs through
// `nsenter -t 1` — restarts it the way systemd does for a Type=notify unit: stop, start, and return
// once the daemon answers again. Every restart is recorded with the PIDs before and after, so a test
// can tell from the daemons themselves how many runtimes were down at once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { waitForCri } from '../../../src/host/cri-client.js';
import type { Kubelet } from '../../cluster/sim/kubelet/kubelet.js';
import type { NodeHost } from '../../cluster/sim/kubelet/node-host.js';
import { CONTAINERD_UNIT_ARGV } from '../../e2e/harness/containerd.js';

export interface Restart {
  node: string;
  /** When `systemctl restart` was called, and when CRI answered again (ms since the epoch). */
  at: number;
  upAt: number;
  pidBefore: number;
  pidAfter: number;
  ok: boolean;
}

const UNIT = 'containerd';

export class NodeContainerd {
  readonly restarts: Restart[] = [];
  readonly endpoint: string;

  private constructor(
    readonly node: string,
    readonly host: NodeHost,
  ) {
    this.endpoint = `unix://${host.path('/run/containerd/containerd.sock')}`;
  }

  /** Writes the node's files (path on the node → content), defines the unit, starts containerd. */
  static async start(kubelet: Kubelet, files: Record<string, string>): Promise<NodeContainerd> {
    const host = kubelet.opts.host;
    if (!host) throw new Error(`node ${kubelet.node} has no process host`);
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(host.path(p)), { recursive: true });
      writeFileSync(host.path(p), text);
    }
    mkdirSync(host.path('/run/containerd'), { recursive: true });
    host.services.define(UNIT, {
      command: [...CONTAINERD_UNIT_ARGV],
    });
    const c = new NodeContainerd(kubelet.node, host);
    host.services.override = (argv) => c.onSystemctl(argv);
    await host.services.startUnit(UNIT);
    await c.waitUp();
    return c;
  }

  /** PID (this machine's view) of the running containerd, 0 when it is down. */
  pid(): number {
    const p = this.host.services.process(UNIT);
    if (!p?.running) return 0;
    return p.workers()[0] ?? p.pid;
  }

  log(): string {
    return this.host.services.logs.get(UNIT) ?? '';
  }

  async waitUp(timeoutMs = 60_000): Promise<void> {
    const r = await waitForCri(this.endpoint, timeoutMs);
    if (!r.ok) throw new Error(`containerd on ${this.node} does not answer CRI:\n${this.log().slice(-2000)}`);
  }

  /** `systemctl restart containerd` inside the node (the Job's nsenter + systemctl lands here). */
  private async onSystemctl(argv: string[]) {
    const words = argv.filter((a) => !a.startsWith('-'));
    if (words[0] !== 'restart' || words[1]?.replace(/\.service$/, '') !== UNIT) return undefined;
    const at = Date.now();
    const pidBefore = this.pid();
    await this.host.services.stopUnit(UNIT);
    await this.host.services.startUnit(UNIT);
    const up = await waitForCri(this.endpoint, 60_000);
    this.restarts.push({ node: this.node, at, upAt: Date.now(), pidBefore, pidAfter: this.pid(), ok: up.ok });
    return up.ok
      ? { code: 0, stdout: '', stderr: '' }
      : {
          code: 1,
          stdout: '',
          stderr: 'Job for containerd.service failed because a timeout was exceeded.\n',
        };
  }
}

/** containerd 1.6's config for this machine (no devmapper/btrfs/zfs/aufs; no /opt install). */
export const BASE_CONFIG = `version = 2
disabled_plugins = ["io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp"]
`;

export const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';

/** The files of a worker before mirrorctl: containerd's config without config_path. */
export const pristineNode = (configToml = BASE_CONFIG): Record<string, string> => ({
  '/etc/containerd/config.toml': configToml,
  '/etc/os-release': OS_RELEASE,
});

export const nodePath = (root: string, p: string): string => join(root, p);
