// HostFs over the real filesystem under a root prefix (`/` on a node, `/host` in the DaemonSet, a
// temp dir in tests). Every path is resolved component by component (resolve-in-root.ts) so no
// symlink can lead out of the root; writes are atomic (O_EXCL temp, fsync, rename, fsync dir).
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { FileType } from '../detect/facts.js';
import { flockNonBlocking } from './flock.js';
import { HostFsError, MAX_READ_BYTES } from './fs-error.js';
import type { FileLock } from './lock-port.js';
import type { FileStat, HostFs } from './ports.js';
import { type EntryKind, type LinkLookup, resolveInRoot, splitNodePath } from './resolve-in-root.js';
import { TEMP_MARKER } from './temp-names.js';

export interface NodeFsOptions {
  /** Absolute directory standing for the node's `/`. */
  root: string;
  /** util-linux `flock`, which takes the lock on our descriptor (default: `flock` on PATH). */
  flockBin?: string;
}

const errnoOf = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

const kindOf = (s: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileType =>
  s.isSymbolicLink() ? 'symlink' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';

export function tempNameFor(path: string): string {
  return `${dirname(path)}/${TEMP_MARKER}${basename(path)}.${randomBytes(6).toString('hex')}`;
}

export function nodeFs(opts: NodeFsOptions): HostFs {
  const root = opts.root.replace(/\/+$/, '');
  const real = (nodePath: string) => `${root}${nodePath === '/' ? '' : nodePath}` || '/';

  const io = (path: string, e: unknown, what: string): HostFsError =>
    e instanceof HostFsError ? e : new HostFsError('host.fs.io', path, `${what} failed`, errnoOf(e) ?? 'EIO');

  const lookup: LinkLookup = {
    async kind(p: string): Promise<EntryKind | null> {
      try {
        return kindOf(await fsp.lstat(real(p)));
      } catch (e) {
        if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') return null;
        throw io(p, e, 'lstat');
      }
    },
    readlink: (p: string) => fsp.readlink(real(p)),
  };
  const resolve = (p: string, followFinal: boolean) => resolveInRoot(p, lookup, followFinal);

  async function fsyncDir(nodeDir: string): Promise<void> {
    const fh = await fsp.open(real(nodeDir), constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async function mkdirp(path: string, mode = 0o755): Promise<void> {
    const target = splitNodePath(await resolve(path, true));
    for (let i = 1; i <= target.length; i++) {
      const p = `/${target.slice(0, i).join('/')}`;
      // Re-resolve each level: a link may sit in the middle of what we create.
      const r = await resolve(p, true);
      const k = await lookup.kind(r);
      if (k === 'dir') continue;
      if (k !== null) throw new HostFsError('host.fs.not-dir', p, 'exists and is not a directory');
      try {
        await fsp.mkdir(real(r), { mode });
        await fsp.chmod(real(r), mode); // umask must not weaken or strengthen the requested mode
      } catch (e) {
        if (errnoOf(e) !== 'EEXIST') throw io(p, e, 'mkdir');
        continue;
      }
      // The new entry lives in the parent: without this a crash could lose the directory (issue 15.4).
      try {
        await fsyncDir(dirname(r));
      } catch (e) {
        throw io(p, e, 'fsync of the parent directory');
      }
    }
  }

  /** O_EXCL create (never through a link), write, chmod past the umask, fsync. */
  async function writeNew(r: string, data: Uint8Array | string, mode: number): Promise<void> {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const fh = await fsp.open(real(r), flags, mode);
    try {
      await fh.writeFile(data);
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  function heldLock(path: string, r: string, fh: fsp.FileHandle): FileLock {
    return {
      async write(data) {
        try {
          await fh.truncate(0);
          await fh.write(data, 0);
          await fh.sync();
        } catch (e) {
          throw io(path, e, 'write of the lock file');
        }
      },
      async release() {
        try {
          await fsp.unlink(real(r));
          await fsyncDir(dirname(r));
        } catch (e) {
          if (errnoOf(e) !== 'ENOENT') throw io(path, e, 'unlink of the lock file');
        } finally {
          await fh.close(); // drops the flock even when the unlink failed
        }
      },
    };
  }

  return {
    async readFile(path) {
      const r = await resolve(path, true);
      let fh: fsp.FileHandle;
      try {
        fh = await fsp.open(real(r), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (e) {
        if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') return null;
        if (errnoOf(e) === 'ELOOP') throw new HostFsError('host.fs.not-regular', path, 'is a symlink');
        throw io(path, e, 'open');
      }
      try {
        const st = await fh.stat();
        if (!st.isFile()) throw new HostFsError('host.fs.not-regular', path, 'is not a regular file');
        if (st.size > MAX_READ_BYTES)
          throw new HostFsError('host.fs.too-large', path, `is ${st.size} bytes (limit ${MAX_READ_BYTES})`);
        return new Uint8Array(await fh.readFile());
      } catch (e) {
        throw io(path, e, 'read');
      } finally {
        await fh.close();
      }
    },

    async stat(path): Promise<FileStat | null> {
      const r = await resolve(path, false);
      try {
        const st = await fsp.lstat(real(r));
        return { type: kindOf(st), mode: st.mode & 0o7777, size: st.size };
      } catch (e) {
        if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') return null;
        throw io(path, e, 'lstat');
      }
    },

    async readDir(path) {
      const r = await resolve(path, true);
      try {
        return (await fsp.readdir(real(r))).sort();
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') return null;
        if (errnoOf(e) === 'ENOTDIR') throw new HostFsError('host.fs.not-dir', path, 'is not a directory');
        throw io(path, e, 'readdir');
      }
    },

    async writeFileAtomic(path, data, mode) {
      const r = await resolve(path, true);
      const dir = dirname(r);
      await mkdirp(dir);
      if ((await lookup.kind(r)) === 'dir')
        throw new HostFsError('host.fs.not-regular', path, 'is a directory');
      const tmp = tempNameFor(r);
      try {
        await writeNew(tmp, data, mode);
        await fsp.rename(real(tmp), real(r));
      } catch (e) {
        await fsp.rm(real(tmp), { force: true }).catch(() => {});
        throw io(path, e, 'write');
      }
      try {
        await fsyncDir(dir);
      } catch (e) {
        throw io(path, e, 'fsync of the directory');
      }
    },

    async lockExclusive(path, mode) {
      const r = await resolve(path, true);
      await mkdirp(dirname(r));
      // A holder releasing unlinks the file: we may lock an inode no longer at `path`, so check
      // that the path still names our inode, and retry on a fresh file otherwise.
      for (let attempt = 0; attempt < 8; attempt++) {
        let fh: fsp.FileHandle;
        try {
          fh = await fsp.open(real(r), constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, mode);
        } catch (e) {
          throw io(path, e, 'open of the lock file');
        }
        let locked = false;
        try {
          locked = await flockNonBlocking(fh.fd, path, opts.flockBin);
          const [ours, named] = [await fh.stat(), await fsp.lstat(real(r)).catch(() => null)];
          if (locked && named && ours.ino === named.ino && ours.dev === named.dev)
            return heldLock(path, r, fh);
        } catch (e) {
          await fh.close();
          throw e instanceof HostFsError ? e : io(path, e, 'lock');
        }
        await fh.close();
        if (!locked) return null;
      }
      throw new HostFsError('host.fs.io', path, 'the lock file was replaced on every attempt to lock it');
    },

    async removeFile(path) {
      const r = await resolve(path, false);
      const k = await lookup.kind(r);
      if (k === null) return;
      if (k === 'dir') throw new HostFsError('host.fs.not-regular', path, 'is a directory, not a file');
      try {
        await fsp.unlink(real(r));
        await fsyncDir(dirname(r));
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') return;
        throw io(path, e, 'unlink');
      }
    },

    mkdirp,

    async removeDirIfEmpty(path) {
      const r = await resolve(path, false);
      if ((await lookup.kind(r)) !== 'dir') return false;
      try {
        await fsp.rmdir(real(r));
        await fsyncDir(dirname(r));
        return true;
      } catch (e) {
        const code = errnoOf(e);
        if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return false;
        throw io(path, e, 'rmdir');
      }
    },
  };
}
