// In-memory HostFs with the same semantics as nodeFs (symlinks, atomic writes, size limit, a lock
// held until released or until the "process" crashes), plus fault injection: fail the Nth
// write/rename/fsync with ENOSPC or EROFS, or "crash" after N primitive steps (every later call
// throws, like a SIGKILLed process) to test recovery.
import { HostFsError, MAX_READ_BYTES } from './fs-error.js';
import type { FileStat, HostFs } from './ports.js';
import { type EntryKind, joinNodePath, resolveInRoot, splitNodePath } from './resolve-in-root.js';
import { TEMP_MARKER } from './temp-names.js';

type Entry =
  | { type: 'file'; data: Uint8Array; mode: number }
  | { type: 'dir'; mode: number }
  | { type: 'symlink'; target: string }
  | { type: 'other'; mode: number };

/** Input and snapshot format: path → text/bytes (0644), or an explicit entry. Parents are implied. */
export type MemoryTree = Record<
  string,
  | string
  | Uint8Array
  | { content: string | Uint8Array; mode?: number }
  | { dir: true; mode?: number }
  | { symlink: string }
  | { fifo: true }
>;

export type FaultOp = 'write' | 'rename' | 'fsync';
export type FaultErrno = 'ENOSPC' | 'EROFS';

export interface FaultRule {
  op: FaultOp;
  /** 1-based: the Nth call of `op` fails. */
  nth: number;
  errno: FaultErrno;
  /** Keep failing every later call of `op` too (a disk that stays full or read-only). */
  sticky?: boolean;
}

export interface Faults {
  fail?: FaultRule[];
  /** Complete this many primitive steps (write, fsync, rename, mkdir, unlink, rmdir), then crash. */
  crashAfter?: number;
}

/** Thrown at the crash point and by every call after it: the process is "dead". */
export class SimulatedCrash extends Error {
  constructor(step: number) {
    super(`simulated crash after step ${step}`);
    this.name = 'SimulatedCrash';
  }
}

export interface MemoryFs extends HostFs {
  /** Current tree (for assertions, or to start a fresh "process" after a crash). */
  snapshot(): MemoryTree;
  /** Calls so far per fault op, and primitive steps (what crashAfter counts). */
  counts(): Record<FaultOp | 'steps', number>;
  /** Replace the fault plan and reset the counters. */
  setFaults(faults: Faults): void;
}

const enc = new TextEncoder();
const toBytes = (d: string | Uint8Array): Uint8Array => (typeof d === 'string' ? enc.encode(d) : d.slice());
const parentOf = (p: string): string => joinNodePath(splitNodePath(p).slice(0, -1));
const nameOf = (p: string): string => splitNodePath(p).at(-1) ?? '';

export function memoryFs(tree: MemoryTree = {}, initialFaults: Faults = {}): MemoryFs {
  const entries = new Map<string, Entry>([['/', { type: 'dir', mode: 0o755 }]]);
  let faults = initialFaults;
  let counters = { write: 0, rename: 0, fsync: 0, steps: 0 };
  let crashed = false;
  let tempSeq = 0;
  /** Paths locked by a "process" using this fs; a crashed one's locks go with it (setFaults). */
  const held = new Set<string>();

  const ensureParents = (p: string) => {
    const parts = splitNodePath(p);
    for (let i = 1; i < parts.length; i++) {
      const d = joinNodePath(parts.slice(0, i));
      if (!entries.has(d)) entries.set(d, { type: 'dir', mode: 0o755 });
    }
  };
  for (const [path, v] of Object.entries(tree)) {
    const p = joinNodePath(splitNodePath(path));
    ensureParents(p);
    if (typeof v === 'string' || v instanceof Uint8Array)
      entries.set(p, { type: 'file', data: toBytes(v), mode: 0o644 });
    else if ('symlink' in v) entries.set(p, { type: 'symlink', target: v.symlink });
    else if ('dir' in v) entries.set(p, { type: 'dir', mode: v.mode ?? 0o755 });
    else if ('fifo' in v) entries.set(p, { type: 'other', mode: 0o644 });
    else entries.set(p, { type: 'file', data: toBytes(v.content), mode: v.mode ?? 0o644 });
  }

  const alive = () => {
    if (crashed) throw new SimulatedCrash(counters.steps);
  };
  /** One primitive step: crash point, then the fault rule for `op`, then the mutation. */
  const step = (path: string, op: FaultOp | null, apply: () => void) => {
    alive();
    if (faults.crashAfter !== undefined && counters.steps >= faults.crashAfter) {
      crashed = true;
      throw new SimulatedCrash(counters.steps);
    }
    if (op) {
      counters[op] += 1;
      const rule = faults.fail?.find(
        (r) => r.op === op && (r.sticky ? counters[op] >= r.nth : counters[op] === r.nth),
      );
      if (rule) throw new HostFsError('host.fs.io', path, `${op} failed (injected)`, rule.errno);
    }
    counters.steps += 1;
    apply();
  };

  const lookup = {
    kind: async (p: string): Promise<EntryKind | null> => entries.get(p)?.type ?? null,
    readlink: async (p: string): Promise<string> => {
      const e = entries.get(p);
      return e?.type === 'symlink' ? e.target : '';
    },
  };
  const resolve = (p: string, followFinal: boolean) => {
    alive();
    return resolveInRoot(p, lookup, followFinal);
  };

  async function mkdirp(path: string, mode = 0o755): Promise<void> {
    const target = splitNodePath(await resolve(path, true));
    for (let i = 1; i <= target.length; i++) {
      const p = await resolve(joinNodePath(target.slice(0, i)), true);
      const e = entries.get(p);
      if (e?.type === 'dir') continue;
      if (e) throw new HostFsError('host.fs.not-dir', p, 'exists and is not a directory');
      step(p, null, () => entries.set(p, { type: 'dir', mode }));
    }
  }

  const requireDirParent = (path: string, r: string) => {
    const parent = entries.get(parentOf(r));
    if (parent?.type !== 'dir') throw new HostFsError('host.fs.not-dir', path, 'parent is not a directory');
  };

  return {
    async readFile(path) {
      const r = await resolve(path, true);
      const e = entries.get(r);
      if (!e) return null;
      if (e.type !== 'file') throw new HostFsError('host.fs.not-regular', path, 'is not a regular file');
      if (e.data.length > MAX_READ_BYTES)
        throw new HostFsError(
          'host.fs.too-large',
          path,
          `is ${e.data.length} bytes (limit ${MAX_READ_BYTES})`,
        );
      return e.data.slice();
    },

    async stat(path): Promise<FileStat | null> {
      const e = entries.get(await resolve(path, false));
      if (!e) return null;
      if (e.type === 'symlink') return { type: 'symlink', mode: 0o777, size: e.target.length };
      return { type: e.type, mode: e.mode, size: e.type === 'file' ? e.data.length : 0 };
    },

    async readDir(path) {
      const r = await resolve(path, true);
      const e = entries.get(r);
      if (!e) return null;
      if (e.type !== 'dir') throw new HostFsError('host.fs.not-dir', path, 'is not a directory');
      const prefix = r === '/' ? '/' : `${r}/`;
      return [...entries.keys()]
        .filter((k) => k !== r && k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
        .map((k) => k.slice(prefix.length))
        .sort();
    },

    async writeFileAtomic(path, data, mode) {
      const r = await resolve(path, true);
      await mkdirp(parentOf(r));
      if (entries.get(r)?.type === 'dir')
        throw new HostFsError('host.fs.not-regular', path, 'is a directory');
      const tmp = `${parentOf(r) === '/' ? '' : parentOf(r)}/${TEMP_MARKER}${nameOf(r)}.${++tempSeq}`;
      const bytes = toBytes(data);
      try {
        step(path, 'write', () => entries.set(tmp, { type: 'file', data: bytes, mode }));
        step(path, 'fsync', () => {});
        step(path, 'rename', () => {
          entries.delete(tmp);
          entries.set(r, { type: 'file', data: bytes, mode });
        });
      } catch (e) {
        // Like nodeFs: an I/O error cleans the temp file up; a crash leaves it behind.
        if (!(e instanceof SimulatedCrash)) entries.delete(tmp);
        throw e;
      }
      step(path, 'fsync', () => {});
    },

    async lockExclusive(path, mode) {
      const r = await resolve(path, true);
      await mkdirp(parentOf(r));
      if (held.has(r)) return null;
      const e = entries.get(r);
      if (e && e.type !== 'file') throw new HostFsError('host.fs.not-regular', path, 'is not a regular file');
      if (!e) step(path, null, () => entries.set(r, { type: 'file', data: new Uint8Array(), mode }));
      held.add(r);
      return {
        write: async (data) => {
          step(path, 'write', () => entries.set(r, { type: 'file', data: toBytes(data), mode }));
          step(path, 'fsync', () => {});
        },
        release: async () => {
          try {
            if (entries.has(r)) {
              step(path, null, () => entries.delete(r));
              step(path, 'fsync', () => {});
            }
          } finally {
            held.delete(r); // like close(2): the lock goes even when the unlink failed
          }
        },
      };
    },

    async removeFile(path) {
      const r = await resolve(path, false);
      const e = entries.get(r);
      if (!e) return;
      if (e.type === 'dir') throw new HostFsError('host.fs.not-regular', path, 'is a directory, not a file');
      requireDirParent(path, r);
      step(path, null, () => entries.delete(r));
      step(path, 'fsync', () => {});
    },

    mkdirp,

    async removeDirIfEmpty(path) {
      const r = await resolve(path, false);
      if (entries.get(r)?.type !== 'dir' || r === '/') return false;
      const prefix = `${r}/`;
      if ([...entries.keys()].some((k) => k.startsWith(prefix))) return false;
      step(path, null, () => entries.delete(r));
      step(path, 'fsync', () => {});
      return true;
    },

    snapshot() {
      const out: MemoryTree = {};
      for (const [p, e] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (p === '/') continue;
        if (e.type === 'file') out[p] = { content: e.data.slice(), mode: e.mode };
        else if (e.type === 'dir') out[p] = { dir: true, mode: e.mode };
        else if (e.type === 'symlink') out[p] = { symlink: e.target };
        else out[p] = { fifo: true };
      }
      return out;
    },

    counts: () => ({ ...counters }),

    setFaults(next) {
      faults = next;
      counters = { write: 0, rename: 0, fsync: 0, steps: 0 };
      // A crashed "process" is gone, and the kernel drops its locks with it.
      if (crashed) held.clear();
      crashed = false;
    },
  };
}
