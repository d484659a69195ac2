// ProcessProbe over /proc: who this process is (pid and start time), written into the lock file for
// messages only. Liveness is never judged from it: the kernel drops a dead holder's flock (lock-port.ts).
import { readFileSync } from 'node:fs';
import type { ProcessProbe } from './runtime-port.js';

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
  return { self: () => ({ pid: process.pid, startTime: readStartTime(process.pid) ?? '' }) };
}
