// ProcessProbe over /proc: a lock holder is alive when its pid exists with the same start time
// (pids are recycled; the start time in /proc/<pid>/stat is not).
import { readFileSync } from 'node:fs';
import type { ProcessIdentity, ProcessProbe } from './runtime-port.js';

/** Field 22 (starttime) of /proc/<pid>/stat; the comm field (2) may hold spaces and parens. */
export function readStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state), so field 22 is rest[19].
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

export function processProbe(): ProcessProbe {
  return {
    self: () => ({ pid: process.pid, startTime: readStartTime(process.pid) ?? '' }),
    isAlive(p: ProcessIdentity): boolean {
      const start = readStartTime(p.pid);
      if (start === null) return false;
      // A zombie still has its entry but holds nothing: treat it as dead.
      const state = (() => {
        try {
          const s = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
          return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
        } catch {
          return 'X';
        }
      })();
      return state !== 'Z' && state !== 'X' && (p.startTime === '' || start === p.startTime);
    },
  };
}
