// A pod's volumes as kubelet prepares them on its node (pkg/volume/*): hostPath with its type checks
// (Directory must exist — nothing is created on a node of another runtime; DirectoryOrCreate creates),
// emptyDir, and configMap / secret / downwardAPI / projected (service-account token) volumes written
// the way AtomicWriter writes them (pkg/volume/util/atomic_writer.go: a timestamped dir, the ..data
// symlink swapped atomically, user-visible names linking into ..data) so updates land atomically.
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { InternalClient } from '../../apiserver/client.js';
import { isRecord, type Obj } from '../../apiserver/types.js';
import { fieldValue } from './env.js';

type Rec = Record<string, unknown>;

export interface VolumeContext {
  api: InternalClient;
  /** This machine's path of the node's root. */
  root: string;
  pod: Obj;
  /** A fresh service-account token for the pod (TokenRequest). */
  token: () => string;
  /** The cluster CA (kube-root-ca.crt). */
  ca: string;
}

export interface PreparedVolume {
  /** Path of the volume inside the node (the bind-mount source). */
  nodePath: string;
  /** API objects the content comes from (`configmaps/<ns>/<name>`, `secrets/<ns>/<name>`). */
  sources: string[];
  /** Rewrites the content from the API (configMap, secret, projected, downwardAPI). */
  refresh?: () => void;
}

export class VolumeError extends Error {}

const podDir = (pod: Obj) => `/var/lib/kubelet/pods/${pod.metadata.uid}`;

/** Resolves symlinks of a node path inside the node root (absolute targets restart at the root). */
export function resolveNodePath(root: string, nodePath: string): string {
  const parts = nodePath.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = 0, hops = 0; i < parts.length; i++) {
    const cur = join(root, ...out, parts[i] as string);
    let isLink = false;
    try {
      isLink = lstatSync(cur).isSymbolicLink();
    } catch {
      out.push(...parts.slice(i));
      break;
    }
    if (!isLink) {
      out.push(parts[i] as string);
      continue;
    }
    if (++hops > 40) throw new VolumeError(`too many levels of symbolic links: ${nodePath}`);
    const target = readlinkSync(cur);
    const rest = parts.slice(i + 1);
    const base = target.startsWith('/') ? [] : out;
    const next = posix
      .normalize(posix.join('/', ...base, target))
      .split('/')
      .filter(Boolean);
    parts.splice(0, parts.length, ...next, ...rest);
    out.length = 0;
    i = -1;
  }
  return `/${out.join('/')}`;
}

function hostPathVolume(root: string, src: Rec): PreparedVolume {
  const path = String(src.path ?? '');
  const type = String(src.type ?? '');
  const resolved = resolveNodePath(root, path);
  const here = join(root, resolved);
  const stat = existsSync(here) ? statSync(here) : undefined;
  const fail = (what: string) => {
    throw new VolumeError(`hostPath type check failed: ${path} is not a ${what}`);
  };
  switch (type) {
    case 'DirectoryOrCreate':
      if (!stat) mkdirSync(here, { recursive: true, mode: 0o755 });
      else if (!stat.isDirectory()) fail('directory');
      break;
    case 'Directory':
      if (!stat?.isDirectory()) fail('directory');
      break;
    case 'FileOrCreate':
      if (!stat) {
        if (!existsSync(dirname(here)))
          throw new VolumeError(`hostPath ${path}: parent directory does not exist`);
        writeFileSync(here, '', { mode: 0o644 });
      } else if (!stat.isFile()) fail('file');
      break;
    case 'File':
      if (!stat?.isFile()) fail('file');
      break;
    case 'Socket':
      if (!stat?.isSocket()) fail('socket');
      break;
    case 'CharDevice':
      if (!stat?.isCharacterDevice()) fail('character device');
      break;
    case 'BlockDevice':
      if (!stat?.isBlockDevice()) fail('block device');
      break;
    default:
      // '' : no check; a missing path is created as a directory by the mount, as runc does.
      if (!stat) mkdirSync(here, { recursive: true, mode: 0o755 });
  }
  return { nodePath: path, sources: [] };
}

type FileSet = Map<string, { data: Buffer; mode: number; uid?: number; gid?: number }>;

/** AtomicWriter: the new payload appears at once through the ..data symlink swap. */
export function writeAtomic(dir: string, files: FileSet): void {
  mkdirSync(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[-:.TZ]/g, '_')}${Math.random().toString(36).slice(2, 8)}`;
  const tsDir = join(dir, stamp);
  mkdirSync(tsDir);
  for (const [rel, f] of files) {
    mkdirSync(dirname(join(tsDir, rel)), { recursive: true });
    writeFileSync(join(tsDir, rel), f.data);
    chmodSync(join(tsDir, rel), f.mode);
    if (f.uid !== undefined || f.gid !== undefined) chownSync(join(tsDir, rel), f.uid ?? -1, f.gid ?? -1);
  }
  const old = existsSync(join(dir, '..data')) ? readlinkSync(join(dir, '..data')) : undefined;
  rmSync(join(dir, '..data_tmp'), { force: true });
  symlinkSync(stamp, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  const top = new Set([...files.keys()].map((k) => k.split('/')[0] as string));
  for (const name of top)
    if (!existsSync(join(dir, name))) symlinkSync(join('..data', name), join(dir, name));
  for (const name of readdirSync(dir))
    if (!name.startsWith('..') && !top.has(name)) rmSync(join(dir, name), { force: true });
  if (old && old !== stamp) rmSync(join(dir, old), { recursive: true, force: true });
}

interface KeyedSource {
  name?: string;
  items?: Array<{ key: string; path: string; mode?: number }>;
  optional?: boolean;
  defaultMode?: number;
}

function keyedFiles(
  ctx: VolumeContext,
  kind: 'configmaps' | 'secrets',
  src: KeyedSource,
  mode: number,
  into: FileSet,
  sources: string[],
): void {
  const ns = ctx.pod.metadata.namespace ?? 'default';
  const name = src.name ?? '';
  sources.push(`${kind}/${ns}/${name}`);
  const obj = ctx.api.get(kind, ns, name);
  if (!obj) {
    if (src.optional) return;
    throw new VolumeError(`${kind === 'configmaps' ? 'configmap' : 'secret'} "${name}" not found`);
  }
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(isRecord(obj.data) ? obj.data : {}))
    data.set(k, kind === 'secrets' ? Buffer.from(String(v), 'base64') : Buffer.from(String(v)));
  for (const [k, v] of Object.entries(isRecord(obj.binaryData) ? obj.binaryData : {}))
    data.set(k, Buffer.from(String(v), 'base64'));
  const items: Array<{ key: string; path: string; mode?: number }> =
    src.items ?? [...data.keys()].map((key) => ({ key, path: key }));
  for (const it of items) {
    const d = data.get(it.key);
    if (d === undefined) {
      if (src.optional) continue;
      throw new VolumeError(`configmap references non-existent config key: ${it.key}`);
    }
    into.set(it.path, { data: d, mode: it.mode ?? mode });
  }
}

function downwardFiles(
  pod: Obj,
  items: Array<{ path: string; fieldRef?: { fieldPath: string }; mode?: number }>,
  mode: number,
  into: FileSet,
): void {
  for (const it of items)
    if (it.fieldRef)
      into.set(it.path, {
        data: Buffer.from(fieldValue(pod, it.fieldRef.fieldPath, true)),
        mode: it.mode ?? mode,
      });
}

/** Prepares one volume of the pod; throws VolumeError (a FailedMount) when it cannot. */
export function prepareVolume(ctx: VolumeContext, v: Rec): PreparedVolume {
  const name = String(v.name ?? '');
  const pd = podDir(ctx.pod);
  if (isRecord(v.hostPath)) return hostPathVolume(ctx.root, v.hostPath);
  if (isRecord(v.emptyDir)) {
    const p = `${pd}/volumes/kubernetes.io~empty-dir/${name}`;
    mkdirSync(join(ctx.root, p), { recursive: true, mode: 0o777 });
    chmodSync(join(ctx.root, p), 0o777);
    return { nodePath: p, sources: [] };
  }
  const kinds: Array<[string, string]> = [
    ['configMap', 'configmap'],
    ['secret', 'secret'],
    ['downwardAPI', 'downward-api'],
    ['projected', 'projected'],
  ];
  const found = kinds.find(([k]) => isRecord(v[k]));
  if (!found) throw new VolumeError(`volume ${name}: type not supported by the simulated kubelet`);
  const [key, plugin] = found;
  const src = v[key] as Rec;
  const p = `${pd}/volumes/kubernetes.io~${plugin}/${name}`;
  const sources: string[] = [];
  const build = (): FileSet => {
    const files: FileSet = new Map();
    sources.length = 0;
    const mode = typeof src.defaultMode === 'number' ? src.defaultMode : 0o644;
    if (key === 'configMap') keyedFiles(ctx, 'configmaps', src as KeyedSource, mode, files, sources);
    else if (key === 'secret')
      keyedFiles(
        ctx,
        'secrets',
        { ...(src as KeyedSource), name: String(src.secretName ?? '') },
        mode,
        files,
        sources,
      );
    else if (key === 'downwardAPI') downwardFiles(ctx.pod, (src.items as []) ?? [], mode, files);
    else
      for (const s of (src.sources as Rec[] | undefined) ?? []) {
        if (isRecord(s.configMap))
          keyedFiles(ctx, 'configmaps', s.configMap as KeyedSource, mode, files, sources);
        if (isRecord(s.secret)) keyedFiles(ctx, 'secrets', s.secret as KeyedSource, mode, files, sources);
        if (isRecord(s.downwardAPI)) downwardFiles(ctx.pod, (s.downwardAPI.items as []) ?? [], mode, files);
        if (isRecord(s.serviceAccountToken))
          files.set(String(s.serviceAccountToken.path ?? 'token'), {
            data: Buffer.from(ctx.token()),
            ...tokenFileOwner(ctx.pod, mode),
          });
      }
    return files;
  };
  writeAtomic(join(ctx.root, p), build());
  return { nodePath: p, sources, refresh: () => writeAtomic(join(ctx.root, p), build()) };
}

/**
 * kubelet (pkg/volume/projected/projected.go): a projected service-account token keeps the volume's
 * mode, unless the pod has an fsUser — every container (init ones too) runs as one runAsUser
 * (pkg/volume/util FsUserFrom) — or an fsGroup: then 0600, owned by that user and group. So a
 * non-root pod (the controller, uid 65532) can read its own token and no other uid can.
 */
function tokenFileOwner(pod: Obj, mode: number): { mode: number; uid?: number; gid?: number } {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const podCtx = isRecord(spec.securityContext) ? spec.securityContext : {};
  const containers = [
    ...((spec.initContainers as Rec[] | undefined) ?? []),
    ...((spec.containers as Rec[] | undefined) ?? []),
  ];
  const users = new Set(
    containers.map((c) => {
      const own = isRecord(c.securityContext) ? c.securityContext.runAsUser : undefined;
      return typeof own === 'number' ? own : podCtx.runAsUser;
    }),
  );
  const [only] = users;
  const fsUser = users.size === 1 && typeof only === 'number' ? only : undefined;
  const fsGroup = typeof podCtx.fsGroup === 'number' ? podCtx.fsGroup : undefined;
  if (fsUser === undefined && fsGroup === undefined) return { mode };
  return {
    mode: 0o600,
    ...(fsUser !== undefined ? { uid: fsUser } : {}),
    ...(fsGroup !== undefined ? { gid: fsGroup } : {}),
  };
}

/** Removes a pod's kubelet dir (volumes, container roots) once its containers are gone. */
export function removePodDir(root: string, pod: Obj): void {
  rmSync(join(root, podDir(pod)), { recursive: true, force: true });
}

export { podDir };
