// Starts a real containerd (Debian 1.6 from PATH, or 1.7/2.1 unpacked by scripts/fetch-containerd.sh)
// with a temp root, state and socket and the config file the test names (normally the node path
// /etc/containerd/config.toml inside the private mount namespace), and restarts it like a node's
// service manager would. CRI is reached through src/host/cri-client.ts, the way kubelet does.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { criClient, waitForCri } from '../../../src/host/cri-client.js';
import type { CriClient, CriResult, CriVersion } from '../../../src/host/cri-port.js';
import { type Daemon, startDaemon } from './daemon.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

export interface ContainerdBinary {
  /** Upstream version, e.g. `1.6.20`, `1.7.24`, `2.1.9`. */
  version: string;
  /** Directory with containerd and containerd-shim-runc-v2. */
  binDir: string;
}

/** Debian's system containerd plus every version in .cache/containerd (fetch-containerd.sh). */
export function containerdBinaries(): ContainerdBinary[] {
  const found: ContainerdBinary[] = [];
  const system = '/usr/bin/containerd';
  if (existsSync(system)) found.push({ version: systemVersion(), binDir: '/usr/bin' });
  const cache = process.env.MIRRORCTL_CONTAINERD_CACHE ?? join(repoRoot, '.cache', 'containerd');
  if (existsSync(cache)) {
    for (const entry of readdirSync(cache).sort()) {
      if (/^\d+\.\d+\.\d+$/.test(entry) && existsSync(join(cache, entry, 'bin', 'containerd'))) {
        found.push({ version: entry, binDir: join(cache, entry, 'bin') });
      }
    }
  }
  return found;
}

function systemVersion(): string {
  // dpkg's record avoids running a binary at import time; the daemon's Version RPC is checked later.
  const status = readFileSync('/var/lib/dpkg/status', 'utf8');
  const block = status.split('\n\n').find((b) => /^Package: containerd$/m.test(b));
  const v = block && /^Version: (\d+\.\d+\.\d+)/m.exec(block)?.[1];
  return v || 'system';
}

/** Config major version a node would have for this containerd: 3 on 2.x, 2 on 1.x. */
export const nativeConfigVersion = (version: string): 2 | 3 => (version.startsWith('1.') ? 2 : 3);

// Plugins that cannot work in this VM (no devmapper pool, no btrfs/zfs, AUFS gone from the kernel)
// or would write outside the temp dirs (`opt` installs into /opt/containerd). Listing an id that a
// version does not have is harmless.
const DISABLED_PLUGINS = [
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.zfs',
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.internal.v1.opt',
  'io.containerd.tracing.processor.v1.otlp',
];

/**
 * The part of a node's config.toml that makes containerd runnable here, without any registry
 * setting: tests append their registry table (or let `mirrorctl apply` edit it).
 */
export function baseContainerdConfig(configVersion: 2 | 3): string {
  const disabled = DISABLED_PLUGINS.map((p) => `"${p}"`).join(', ');
  return `version = ${configVersion}\ndisabled_plugins = [${disabled}]\n`;
}

export interface ContainerdOptions {
  binary: ContainerdBinary;
  /** Temp dir for root/, state/, the socket and the log. */
  dir: string;
  /** Config file containerd reads (`--config`). */
  configFile: string;
  logLevel?: 'info' | 'debug';
}

export interface Containerd {
  readonly binary: ContainerdBinary;
  /** `unix:///…/containerd.sock` */
  readonly endpoint: string;
  /** PID of the current process; changes on restart. */
  pid(): number;
  /** All log output since the first start (restarts append). */
  log(): string;
  /** A CRI client bound to this daemon's socket; closed by stop(). */
  cri(): CriClient;
  /** Waits until the CRI answers Version (or answers UNIMPLEMENTED: plugin not loaded). */
  waitForCri(timeoutMs?: number): Promise<CriResult<CriVersion>>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function startContainerd(options: ContainerdOptions): Containerd {
  const root = join(options.dir, 'root');
  const state = join(options.dir, 'state');
  mkdirSync(root, { recursive: true });
  mkdirSync(state, { recursive: true });
  // Unix socket paths are limited to 108 bytes; temp dirs are short enough, checked here anyway.
  const socket = join(options.dir, 'containerd.sock');
  if (socket.length > 100) throw new Error(`socket path too long for a unix socket: ${socket}`);
  const endpoint = `unix://${socket}`;
  const argv = [
    join(options.binary.binDir, 'containerd'),
    '--config',
    options.configFile,
    '--root',
    root,
    '--state',
    state,
    '--address',
    socket,
    '--log-level',
    options.logLevel ?? 'info',
  ];
  const env = { PATH: `${options.binary.binDir}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
  const logFile = join(options.dir, 'containerd.log');
  const start = () => startDaemon(argv, { logFile, env });
  let daemon: Daemon = start();
  const clients: CriClient[] = [];
  return {
    binary: options.binary,
    endpoint,
    pid: () => daemon.pid,
    log: () => daemon.log(),
    cri() {
      const client = criClient(endpoint);
      clients.push(client);
      return client;
    },
    async waitForCri(timeoutMs = 60_000) {
      const result = await waitForCri(endpoint, timeoutMs);
      const exit = daemon.exited();
      if (!result.ok && exit) {
        throw new Error(
          `containerd ${options.binary.version} exited ${JSON.stringify(exit)}:\n${daemon.log()}`,
        );
      }
      return result;
    },
    async restart() {
      await daemon.stop();
      daemon = start();
    },
    async stop() {
      for (const c of clients.splice(0)) c.close();
      await daemon.stop();
    },
  };
}

/** containerd as a node's systemd unit starts it, on the node's own paths (simulated nodes' units). */
export const CONTAINERD_UNIT_ARGV = [
  '/usr/bin/containerd',
  '--config',
  '/etc/containerd/config.toml',
  '--root',
  '/var/lib/containerd',
  '--state',
  '/run/containerd/state',
  '--address',
  '/run/containerd/containerd.sock',
] as const;
