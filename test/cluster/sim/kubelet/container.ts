// One container start, as runc would set it up, done by a generated shell script run inside the node:
// a private mount namespace (own PID namespace unless hostPID, own UTS unless hostNetwork), a tmpfs
// root with the machine's /usr read-only as the image, the image's files, the pod's volume mounts at
// their mountPaths, kubelet's /etc/hosts, then chroot + setpriv (capabilities — containerd's default set
// unless privileged, `drop: [ALL]` drops them all — no_new_privs, uid/gid) and the image entrypoint.
import { existsSync, statSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { isRecord } from '../../apiserver/types.js';
import { expand } from './env.js';

type Rec = Record<string, unknown>;

/** What a test maps an image reference to: a local command standing in for the image's content. */
export interface ImageDef {
  /** ENTRYPOINT (run when the pod gives no command). */
  entrypoint?: string[];
  /** CMD (arguments when the pod gives neither command nor args). */
  cmd?: string[];
  env?: Record<string, string>;
  workingDir?: string;
  /** Image content: container path → this machine's path (bound read-only). Absolute paths in the
   *  final argv that exist on this machine have their directory bound at the same path automatically. */
  files?: Record<string, string>;
  /** Commands of the image: a pod command naming one (path or base name) runs this argv instead. */
  binaries?: Record<string, string[]>;
}

export interface Mount {
  /** Source path inside the node. */
  source: string;
  target: string;
  readOnly: boolean;
  /** The source is a file (the target is created as a file). */
  file: boolean;
}

export interface LaunchSpec {
  rootfs: string;
  argv: string[];
  env: Record<string, string>;
  workingDir: string;
  mounts: Mount[];
  imageFiles: Record<string, string>;
  hostPID: boolean;
  hostname: string | undefined;
  privileged: boolean;
  readOnlyRoot: boolean;
  noNewPrivs: boolean;
  caps: string[] | 'all';
  runAsUser?: number;
  runAsGroup?: number;
}

/** containerd's default capability set (pkg/oci/spec.go defaultUnixCaps). */
export const DEFAULT_CAPS = [
  'chown',
  'dac_override',
  'fsetid',
  'fowner',
  'mknod',
  'net_raw',
  'setgid',
  'setuid',
  'setfcap',
  'setpcap',
  'net_bind_service',
  'sys_chroot',
  'kill',
  'audit_write',
];

export function capabilities(sc: Rec): string[] | 'all' {
  if (sc.privileged === true) return 'all';
  const caps = (isRecord(sc.capabilities) ? sc.capabilities : {}) as { add?: string[]; drop?: string[] };
  const norm = (c: string) => c.toLowerCase().replace(/^cap_/, '');
  const drop = (caps.drop ?? []).map(norm);
  const add = (caps.add ?? []).map(norm);
  if (add.includes('all')) return 'all';
  const base = drop.includes('all') ? [] : DEFAULT_CAPS.filter((c) => !drop.includes(c));
  return [...new Set([...base, ...add])];
}

/** Kubernetes command/args over the image's ENTRYPOINT/CMD, $(VAR)-expanded, image binaries mapped. */
export function containerArgv(image: ImageDef, c: Rec, vars: Map<string, string>): string[] {
  const command = Array.isArray(c.command) ? (c.command as string[]) : undefined;
  const args = Array.isArray(c.args) ? (c.args as string[]) : undefined;
  const argv = [...(command ?? image.entrypoint ?? []), ...(args ?? (command ? [] : (image.cmd ?? [])))].map(
    (a) => expand(a, vars),
  );
  const first = argv[0] ?? '';
  const mapped = image.binaries?.[first] ?? image.binaries?.[posix.basename(first)];
  return mapped ? [...mapped, ...argv.slice(1)] : argv;
}

/** Directories of absolute argv paths that exist here (outside /usr): the image's stand-in content. */
export function impliedFiles(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of argv)
    if (a.startsWith('/') && !a.startsWith('/usr/') && existsSync(a)) {
      const d = statSync(a).isDirectory() ? a : dirname(a);
      out[d] = d;
    }
  return out;
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function launchScript(s: LaunchSpec): string {
  const R = q(s.rootfs);
  const at = (p: string) => q(posix.join(s.rootfs, p));
  const L: string[] = ['set -eu', `mkdir -p ${R}`, `mount -t tmpfs -o mode=755 tmpfs ${R}`];
  L.push(
    `mkdir -p ${['usr', 'etc', 'proc', 'dev', 'sys', 'var', 'run', 'root', 'tmp'].map(at).join(' ')}`,
    `chmod 1777 ${at('tmp')}`,
  );
  L.push(`mount --bind /usr ${at('usr')}`, `mount -o remount,bind,ro ${at('usr')}`);
  for (const l of ['bin', 'lib', 'lib64', 'sbin']) L.push(`ln -s usr/${l} ${at(l)}`);
  L.push(
    `printf 'root:x:0:0:root:/root:/bin/sh\\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\\n' > ${at('etc/passwd')}`,
  );
  L.push(
    `printf 'root:x:0:\\nnogroup:x:65534:\\n' > ${at('etc/group')}`,
    `ln -s ../usr/lib/os-release ${at('etc/os-release')}`,
  );
  if (s.hostname !== undefined) L.push(`hostname ${q(s.hostname)}`);
  L.push(s.hostPID ? `mount --rbind /proc ${at('proc')}` : `mount -t proc proc ${at('proc')}`);
  if (s.privileged) L.push(`mount --rbind /dev ${at('dev')}`, `mount --rbind /sys ${at('sys')}`);
  else {
    L.push(`mount -t tmpfs -o mode=755 tmpfs ${at('dev')}`);
    for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty'])
      L.push(`touch ${at(`dev/${d}`)}`, `mount --bind /dev/${d} ${at(`dev/${d}`)}`);
    L.push(`mkdir ${at('dev/shm')}`, `mount -t tmpfs -o mode=1777 shm ${at('dev/shm')}`);
    for (const [n, t] of [
      ['fd', '/proc/self/fd'],
      ['stdin', '/proc/self/fd/0'],
      ['stdout', '/proc/self/fd/1'],
      ['stderr', '/proc/self/fd/2'],
    ])
      L.push(`ln -s ${t} ${at(`dev/${n}`)}`);
    L.push(`mount --rbind /sys ${at('sys')}`, `mount -o remount,bind,ro ${at('sys')}`);
  }
  for (const [target, host] of Object.entries(s.imageFiles)) {
    const src = q(`/.sim/host${host}`);
    L.push(
      `if [ -d ${src} ]; then mkdir -p ${at(target)}; else mkdir -p "$(dirname ${at(target)})"; touch ${at(target)}; fi`,
    );
    L.push(`mount --bind ${src} ${at(target)}`, `mount -o remount,bind,ro ${at(target)}`);
  }
  for (const m of [...s.mounts].sort((a, b) => a.target.split('/').length - b.target.split('/').length)) {
    L.push(
      m.file ? `mkdir -p "$(dirname ${at(m.target)})"; touch ${at(m.target)}` : `mkdir -p ${at(m.target)}`,
    );
    L.push(`mount --rbind ${q(m.source)} ${at(m.target)}`);
    if (m.readOnly) L.push(`mount -o remount,bind,ro ${at(m.target)}`);
  }
  L.push(`mkdir -p ${at(s.workingDir)}`);
  if (s.readOnlyRoot) L.push(`mount -o remount,ro ${R}`);
  const priv: string[] = [];
  if (s.runAsGroup !== undefined || s.runAsUser !== undefined)
    priv.push('--regid', String(s.runAsGroup ?? s.runAsUser ?? 0), '--clear-groups');
  if (s.runAsUser !== undefined) priv.push('--reuid', String(s.runAsUser));
  if (s.noNewPrivs) priv.push('--no-new-privs');
  if (s.caps !== 'all') {
    const set = ['-all', ...s.caps.map((c) => `+${c}`)].join(',');
    priv.push('--bounding-set', set, '--inh-caps', '-all');
  }
  const env = Object.entries(s.env).map(([k, v]) => q(`${k}=${v}`));
  const setpriv = priv.length > 0 ? ['/usr/bin/setpriv', ...priv.map(q), '--'] : [];
  L.push(
    `exec chroot ${R} ${[...setpriv, '/usr/bin/env', '-i', '-C', q(s.workingDir), ...env, ...s.argv.map(q)].join(' ')}`,
  );
  return `${L.join('\n')}\n`;
}

/** The unshare arguments a container's script runs under (inside the node's namespaces). */
export function unshareArgv(s: LaunchSpec, scriptNodePath: string): string[] {
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    ...(s.hostname !== undefined ? ['--uts'] : []),
    '--ipc',
    ...(s.hostPID ? [] : ['--pid', '--fork', '--kill-child']),
    '--',
    '/bin/sh',
    scriptNodePath,
  ];
}
