// A file-change hint for the node agent: inotify (fs.watch) on every directory under the runtime
// config directories the pod mounts, debounced into one callback. Only a hint — events can be lost (a
// full inotify queue, a race with a directory being created) — so the agent's drift interval stays
// the rule. Node 20's `recursive: true` is not used: on Linux it stops reporting a file once that file
// was replaced by a rename (mirrorctl's own atomic writes do exactly that), so after the agent's
// first apply a tampered hosts.toml went unnoticed until the interval. Each directory gets its own
// watch instead (a directory watch reports every entry, whatever its inode), re-armed after each
// burst so new or replaced directories are watched too.
import { existsSync, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';

export interface DirWatch {
  close(): void;
}

/** How deep below each watched dir to look (certs.d/<host>/ is two levels). */
const MAX_DEPTH = 6;

/** Calls `onChange` once per burst of changes under any existing `dirs` (after `quietMs`). */
export function watchDirs(dirs: readonly string[], onChange: () => void, quietMs = 500): DirWatch {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Directory path → its watch and the inode it watches (a replaced directory has a new one). */
  const watched = new Map<string, { w: FSWatcher; ino: number }>();

  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (closed) return;
      arm();
      onChange();
    }, quietMs);
  };

  const unwatch = (dir: string) => {
    watched.get(dir)?.w.close();
    watched.delete(dir);
  };

  const arm = () => {
    const seen = new Set<string>();
    const visit = (dir: string, depth: number) => {
      let ino: number;
      try {
        ino = statSync(dir).ino;
      } catch {
        return;
      }
      seen.add(dir);
      const cur = watched.get(dir);
      if (cur?.ino !== ino) {
        if (cur) unwatch(dir);
        try {
          const w = watch(dir, { persistent: false }, fire);
          // ENOSPC (inotify limits), a directory that went away: the interval still covers it.
          w.on('error', () => unwatch(dir));
          watched.set(dir, { w, ino });
        } catch {
          // not watchable here: the interval covers it
        }
      }
      if (depth >= MAX_DEPTH) return;
      let entries: string[] = [];
      try {
        entries = readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name);
      } catch {
        // unreadable: its own watch (if any) still reports changes in it
      }
      for (const name of entries) visit(join(dir, name), depth + 1);
    };
    for (const d of dirs) if (existsSync(d)) visit(d, 0);
    for (const d of [...watched.keys()]) if (!seen.has(d)) unwatch(d);
  };

  arm();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const d of [...watched.keys()]) unwatch(d);
    },
  };
}
