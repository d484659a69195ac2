// Byte-exact picture of a directory tree (type, mode, sha256 of every file) so the demo can prove
// that `mirrorctl uninstall` put every original byte back.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export type TreeSnapshot = Map<string, string>;

export function snapshotDir(root: string): TreeSnapshot {
  const out: TreeSnapshot = new Map();
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = `${rel}/${name}`;
      const st = lstatSync(join(root, path));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out.set(path, `dir ${mode}`);
        walk(path);
      } else if (st.isFile()) {
        const sum = createHash('sha256')
          .update(readFileSync(join(root, path)))
          .digest('hex');
        out.set(path, `file ${mode} ${sum}`);
      } else if (st.isSymbolicLink()) out.set(path, `symlink ${readlinkSync(join(root, path))}`);
      else out.set(path, 'other');
    }
  };
  walk('');
  return out;
}

/** Human-readable differences between two snapshots; empty when byte-identical. */
export function snapshotDiff(before: TreeSnapshot, after: TreeSnapshot): string[] {
  const diffs: string[] = [];
  for (const [path, was] of before) {
    const now = after.get(path);
    if (now === undefined) diffs.push(`missing ${path}`);
    else if (now !== was) diffs.push(`changed ${path}: ${was} → ${now}`);
  }
  for (const path of after.keys()) if (!before.has(path)) diffs.push(`extra ${path}`);
  return diffs;
}
