// Gives a test its own node: temp dirs bind-mounted over the real node paths (/etc/containerd,
// /etc/containers, /etc/docker, /etc/cni, /var/lib/mirrorctl), /var/lib behind an overlay and a
// fresh /run, so runtimes and `mirrorctl apply --root /` use the real paths while this machine's own
// /etc and /var/lib stay untouched. Only valid inside the private mount namespace that
// scripts/run-e2e.sh creates; it refuses to mount anywhere else.
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runOk } from './exec.js';

/** Node directories replaced by empty temp dirs (they exist once setup-e2e.sh installed the packages). */
export const BOUND_NODE_DIRS = ['/etc/containerd', '/etc/containers', '/etc/docker', '/etc/cni'] as const;

export interface NodeMounts {
  /** Temp dir holding the backing dirs: `<root>/etc/containerd` backs `/etc/containerd`. */
  readonly root: string;
  /** Backing path of a node path under one of the mounted dirs. */
  backing(nodePath: string): string;
  /** Unmounts everything this call mounted, in reverse order. */
  unmount(): Promise<void>;
}

/** Throws unless this process runs in a mount namespace other than the host's, with private propagation. */
export function assertPrivateMountNamespace(): void {
  const self = readlinkSync('/proc/self/ns/mnt');
  let host: string | undefined;
  try {
    host = readlinkSync('/proc/1/ns/mnt');
  } catch {
    // Some sandboxes hide PID 1's namespace link; run-e2e.sh records the host's before unsharing.
    host = process.env.MIRRORCTL_E2E_HOST_MNTNS;
  }
  if (!host) {
    throw new Error('cannot tell the host mount namespace: run the e2e suite through scripts/run-e2e.sh');
  }
  if (self === host) {
    throw new Error(`refusing to mount: ${self} is the host mount namespace (use npm run test:e2e)`);
  }
  // A shared "/" would propagate our mounts back to the host even from a private namespace.
  const rootLine = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((l) => l.split(' ')[4] === '/');
  if (rootLine && / shared:\d+/.test(rootLine.split(' - ')[0] ?? '')) {
    throw new Error('refusing to mount: / has shared propagation (unshare --propagation private)');
  }
}

/** Mounts a fresh node view; call `unmount()` in afterAll. */
export async function mountNodeDirs(root: string): Promise<NodeMounts> {
  assertPrivateMountNamespace();
  const mounted: string[] = [];
  const mount = async (args: string[], target: string) => {
    await runOk(['mount', ...args, target]);
    mounted.push(target);
  };
  try {
    for (const dir of BOUND_NODE_DIRS) {
      if (!existsSync(dir)) throw new Error(`${dir} is missing: run scripts/setup-e2e.sh first`);
      const backing = join(root, dir);
      mkdirSync(backing, { recursive: true });
      await mount(['--bind', backing], dir);
    }
    // /var/lib/mirrorctl does not exist on this machine and must not be created on it: an overlay
    // catches every write under /var/lib (skopeo's blob-info cache too) in the temp dir.
    const upper = join(root, '.overlay', 'var-lib-upper');
    const work = join(root, '.overlay', 'var-lib-work');
    mkdirSync(upper, { recursive: true });
    mkdirSync(work, { recursive: true });
    await mount(
      ['-t', 'overlay', 'overlay', '-o', `lowerdir=/var/lib,upperdir=${upper},workdir=${work}`],
      '/var/lib',
    );
    mkdirSync('/var/lib/mirrorctl', { recursive: true });
    mkdirSync(join(root, 'var/lib/mirrorctl'), { recursive: true });
    await mount(['--bind', join(root, 'var/lib/mirrorctl')], '/var/lib/mirrorctl');
    // podman and dockerd drop state in /run (networks, plugins, locks): a tmpfs keeps it private.
    await mount(['-t', 'tmpfs', '-o', 'mode=755', 'tmpfs'], '/run');
  } catch (e) {
    await unmountAll(mounted);
    throw e;
  }
  return {
    root,
    backing(nodePath: string) {
      const under = [...BOUND_NODE_DIRS, '/var/lib/mirrorctl'].find(
        (d) => nodePath === d || nodePath.startsWith(`${d}/`),
      );
      if (!under) throw new Error(`${nodePath} is not under a mounted node dir`);
      return join(root, nodePath);
    },
    unmount: () => unmountAll(mounted),
  };
}

async function unmountAll(mounted: string[]): Promise<void> {
  for (const target of mounted.splice(0).reverse()) {
    // Lazy: a daemon killed a moment ago may still hold a file open under the mount.
    await runOk(['umount', '-l', target]);
  }
}

/** Lazily unmounts every mount point below `dir` (deepest first), e.g. what a crashed daemon left. */
export async function unmountUnder(dir: string): Promise<void> {
  const targets = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((target) => target.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const target of targets) await runOk(['umount', '-l', target]);
}

/** Removes what is inside a mounted node dir (the mount point itself stays), between cases. */
export function emptyDir(dir: string): void {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * An overlay over /etc (upper layer in `root`), for runtimes whose config dir does not exist on this
 * machine (/etc/crio): writes land in the temp dir, the host's /etc stays untouched. Mount it before
 * mountNodeDirs (whose binds then sit on top) and unmount it after them.
 */
export async function mountEtcOverlay(root: string): Promise<{ unmount(): Promise<void> }> {
  assertPrivateMountNamespace();
  const upper = join(root, '.overlay', 'etc-upper');
  const work = join(root, '.overlay', 'etc-work');
  mkdirSync(upper, { recursive: true });
  mkdirSync(work, { recursive: true });
  await runOk([
    'mount',
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=/etc,upperdir=${upper},workdir=${work}`,
    '/etc',
  ]);
  return { unmount: () => runOk(['umount', '-l', '/etc']).then(() => undefined) };
}
