// A file-change hint for the node agent: inotify (fs.watch, recursive) on the runtime config
// directories the pod mounts, debounced into one callback. Only a hint — events can be lost (a
// full inotify queue, a directory created later) — so the agent's drift interval stays the rule.
import { existsSync, type FSWatcher, watch } from 'node:fs';

export interface DirWatch {
  close(): void;
}

/** Calls `onChange` once per burst of changes under any existing `dirs` (after `quietMs`). */
export function watchDirs(dirs: readonly string[], onChange: () => void, quietMs = 500): DirWatch {
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, quietMs);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    try {
      const w = watch(dir, { recursive: true, persistent: false }, fire);
      // ENOSPC (inotify limits), a directory that went away: the interval still covers it.
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // not watchable here: the interval covers it
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
