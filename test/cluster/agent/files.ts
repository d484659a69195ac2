// A directory's files as { relative path: content } (what "nothing written" and "byte-identical"
// compare), skipping nothing: every file under the dir, sorted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const st = statSync(join(dir, p));
      if (st.isDirectory()) {
        out[`${p}/`] = `dir ${(st.mode & 0o777).toString(8)}`;
        walk(p);
      } else out[p] = `${(st.mode & 0o777).toString(8)} ${readFileSync(join(dir, p), 'base64')}`;
    }
  };
  walk('');
  return out;
}
