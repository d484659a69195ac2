// Resolves a node path to a symlink-free node path, component by component (lstat each one), the
// way the kernel would inside a chroot at the adapter's root: absolute link targets start again at
// the root, `..` may never climb above it. Shared by nodeFs and memoryFs so both agree exactly.
import { HostFsError } from './fs-error.js';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface LinkLookup {
  /** lstat of a symlink-free node path; null when absent. */
  kind(nodePath: string): Promise<EntryKind | null>;
  readlink(nodePath: string): Promise<string>;
}

/** Linux MAXSYMLINKS: more hops than this is a loop (ELOOP). */
const MAX_HOPS = 40;

/** Splits an absolute node path; refuses relative paths and `..` (callers never need them). */
export function splitNodePath(path: string): string[] {
  if (!path.startsWith('/')) throw new HostFsError('host.fs.escape', path, 'not an absolute node path');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..'))
    throw new HostFsError('host.fs.escape', path, '`..` is not allowed in node paths');
  if (parts.some((p) => p.includes('\0'))) throw new HostFsError('host.fs.escape', path, 'NUL in path');
  return parts;
}

export const joinNodePath = (parts: readonly string[]): string => `/${parts.join('/')}`;

/**
 * @param followFinal follow a symlink in the last component too (read/write), or stop at it (lstat,
 *   unlink). Intermediate links are always followed, and must stay inside the root.
 */
export async function resolveInRoot(path: string, fs: LinkLookup, followFinal: boolean): Promise<string> {
  const queue = splitNodePath(path);
  let resolved: string[] = [];
  let hops = 0;
  // Below an absent entry nothing can be a link: the rest is resolved lexically.
  let absent = false;
  while (queue.length > 0) {
    const c = queue.shift() as string;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (resolved.length === 0)
        throw new HostFsError('host.fs.escape', path, 'a symlink on this path points outside the root');
      resolved.pop();
      continue;
    }
    const candidate = joinNodePath([...resolved, c]);
    if (absent || (queue.length === 0 && !followFinal)) {
      resolved.push(c);
      continue;
    }
    const kind = await fs.kind(candidate);
    if (kind !== 'symlink') {
      resolved.push(c);
      absent = kind === null;
      continue;
    }
    hops += 1;
    if (hops > MAX_HOPS) throw new HostFsError('host.fs.symlink-loop', path, 'too many levels of symlinks');
    const target = await fs.readlink(candidate);
    if (target.includes('\0')) throw new HostFsError('host.fs.escape', path, 'NUL in symlink target');
    if (target.startsWith('/')) resolved = [];
    queue.unshift(...target.split('/'));
  }
  return joinNodePath(resolved);
}
