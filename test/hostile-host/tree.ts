// Temp-dir node roots for hostile-host tests, and byte-exact snapshots of a whole tree (symlinks as
// their target text, never followed) so a test can prove that NOTHING was written.
import {
  cpSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;

export const SPEC = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: dpod }
spec:
  registries:
    - source: docker.io
      mirrors:
        - url: https://cache.example.com
`;

export interface TempNode {
  /** Parent temp dir: holds root/, mirrors.yaml and outside/ (a dir beside the root for escaping links). */
  dir: string;
  root: string;
  spec: string;
  outside: string;
}

const made: string[] = [];

export function tempNode(fixture: string): TempNode {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-hostile-'));
  made.push(dir);
  cpSync(join(FIXTURES, fixture, 'tree'), join(dir, 'root'), { recursive: true });
  cpSync(
    join(FIXTURES, 'debian12-containerd16', 'tree', 'etc', 'os-release'),
    join(dir, 'outside', 'os-release'),
  );
  writeFileSync(join(dir, 'mirrors.yaml'), SPEC);
  return { dir, root: join(dir, 'root'), spec: join(dir, 'mirrors.yaml'), outside: join(dir, 'outside') };
}

export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** path → `type mode content` for every entry under `dir` (lstat; link targets, not link contents). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    const abs = join(dir, rel);
    const st = lstatSync(abs);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out[rel] = `link ${mode} ${readlinkSync(abs)}`;
    else if (st.isDirectory()) {
      out[rel] = `dir ${mode}`;
      for (const name of readdirSync(abs).sort()) walk(rel === '' ? name : `${rel}/${name}`);
    } else if (st.isFile()) out[rel] = `file ${mode} ${readFileSync(abs).toString('base64')}`;
    else out[rel] = `other ${mode}`;
  };
  walk('');
  return out;
}
