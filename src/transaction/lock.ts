// One transaction at a time per host: `<stateDir>/lock` created with O_EXCL, holding the owner's
// pid and start time. A lock whose owner is gone (SIGKILL, OOM, reboot) is taken over; a live one
// refuses. The lock also carries the state-dir ancestors it created, so a run that ends with no
// state (a failed first apply) can leave the tree exactly as it found it.
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import type { HostFs } from '../host/ports.js';
import type { ProcessIdentity, ProcessProbe } from '../host/runtime-port.js';
import { ancestorsOf, readJsonDoc, removeEmptyDirs, statePaths } from './state-files.js';

const lockSchema = z.object({
  pid: z.number().int(),
  startTime: z.string(),
  at: z.string(),
  createdDirs: z.array(z.string()),
});
type LockDoc = z.infer<typeof lockSchema>;

export interface HeldLock {
  stateDir: string;
  /** State-dir directories that did not exist before the first lock (this run's or a dead one's). */
  createdDirs: string[];
  /** The lock replaced one left by a dead process. */
  tookOverFrom?: ProcessIdentity;
}

export type LockResult = { ok: true; lock: HeldLock } | { ok: false; diagnostic: Diagnostic };

export async function acquireLock(
  fs: HostFs,
  stateDir: string,
  probe: ProcessProbe,
  now: Date,
): Promise<LockResult> {
  const path = statePaths(stateDir).lock;
  const missing: string[] = [];
  for (const d of [...ancestorsOf(stateDir), stateDir]) if ((await fs.stat(d)) === null) missing.push(d);
  // Ancestors like /var/lib get the usual 0755; only the state dir itself is private.
  const parent = stateDir.slice(0, stateDir.lastIndexOf('/'));
  if (parent) await fs.mkdirp(parent, 0o755);
  await fs.mkdirp(stateDir, 0o700);
  const doc = (createdDirs: string[]): string =>
    JSON.stringify({ ...probe.self(), at: now.toISOString(), createdDirs } satisfies LockDoc);

  if (await fs.createExclusive(path, doc(missing), 0o600))
    return { ok: true, lock: { stateDir, createdDirs: missing } };

  const held = await readJsonDoc(fs, path, lockSchema);
  if (held.ok && held.value && probe.isAlive(held.value)) {
    const h = held.value;
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        code: 'agent.lock.held',
        file: path,
        message: `another mirrorctl transaction is running (pid ${h.pid}, since ${h.at})`,
        hint: 'wait for it to finish; the lock is released automatically when that process exits',
      },
    };
  }
  // Owner gone (or the lock is unreadable garbage from a crash mid-write): take it over.
  const inherited = held.ok && held.value ? held.value.createdDirs : [];
  const createdDirs = [...new Set([...inherited, ...missing])];
  await fs.removeFile(path);
  if (!(await fs.createExclusive(path, doc(createdDirs), 0o600)))
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        code: 'agent.lock.held',
        file: path,
        message: 'another mirrorctl process took the stale lock at the same moment',
        hint: 'retry',
      },
    };
  const tookOverFrom =
    held.ok && held.value ? { pid: held.value.pid, startTime: held.value.startTime } : undefined;
  return { ok: true, lock: { stateDir, createdDirs, ...(tookOverFrom ? { tookOverFrom } : {}) } };
}

/**
 * Releases the lock. When no state remains (no state.json, no journal: nothing was ever committed),
 * also removes the empty state dirs this lock created, so a failed first run leaves no trace.
 */
export async function releaseLock(
  fs: HostFs,
  lock: HeldLock,
  extraCreatedDirs: readonly string[] = [],
): Promise<void> {
  const p = statePaths(lock.stateDir);
  await fs.removeFile(p.lock);
  if ((await fs.stat(p.state)) !== null || (await fs.stat(p.journal)) !== null) return;
  await removeEmptyDirs(fs, [p.backups, ...lock.createdDirs, ...extraCreatedDirs]);
}
