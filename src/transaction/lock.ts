// One transaction at a time per host: an exclusive lock on `<stateDir>/lock` that the kernel releases
// when its holder dies (HostFs.lockExclusive: flock(2) on nodeFs), so a dead holder's lock is simply
// free — no PID liveness check, which would be wrong across PID namespaces (agent pod vs host). The
// file's content (pid, start time, since when) is only for messages; it also carries the state-dir
// ancestors the first lock created, so a run that ends with no state leaves the tree as it found it.
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import type { FileLock } from '../host/lock-port.js';
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
  /** The lock file a holder left behind when it died (it never released): information only. */
  tookOverFrom?: ProcessIdentity;
  file: FileLock;
}

export type LockResult = { ok: true; lock: HeldLock } | { ok: false; diagnostic: Diagnostic };

export async function acquireLock(
  fs: HostFs,
  stateDir: string,
  probe: Pick<ProcessProbe, 'self'>,
  now: Date,
): Promise<LockResult> {
  const path = statePaths(stateDir).lock;
  const missing: string[] = [];
  for (const d of [...ancestorsOf(stateDir), stateDir]) if ((await fs.stat(d)) === null) missing.push(d);
  // Ancestors like /var/lib get the usual 0755; only the state dir itself is private.
  const parent = stateDir.slice(0, stateDir.lastIndexOf('/'));
  if (parent) await fs.mkdirp(parent, 0o755);
  await fs.mkdirp(stateDir, 0o700);

  const file = await fs.lockExclusive(path, 0o600);
  if (!file) {
    const held = await readJsonDoc(fs, path, lockSchema).catch(() => null);
    const h = held?.ok ? held.value : null;
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        code: 'agent.lock.held',
        file: path,
        // The pid is as the holder saw it: in another PID namespace (a pod) it is not this host's.
        message: `another mirrorctl transaction is running${h ? ` (pid ${h.pid} in its own PID namespace, since ${h.at})` : ''}`,
        hint: 'wait for it to finish; the kernel releases the lock when that process exits, even if it is killed',
      },
    };
  }
  // Content left in the file = its holder died without releasing (release removes the file);
  // unreadable content is a holder killed while writing it.
  const left = await readJsonDoc(fs, path, lockSchema);
  const dead = left.ok ? left.value : null;
  const createdDirs = [...new Set([...(dead?.createdDirs ?? []), ...missing])];
  try {
    await file.write(
      JSON.stringify({ ...probe.self(), at: now.toISOString(), createdDirs } satisfies LockDoc),
    );
  } catch (e) {
    await file.release().catch(() => {});
    throw e;
  }
  const tookOverFrom = dead ? { pid: dead.pid, startTime: dead.startTime } : undefined;
  return { ok: true, lock: { stateDir, createdDirs, file, ...(tookOverFrom ? { tookOverFrom } : {}) } };
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
  await lock.file.release();
  if ((await fs.stat(p.state)) !== null || (await fs.stat(p.journal)) !== null) return;
  await removeEmptyDirs(fs, [p.backups, ...lock.createdDirs, ...extraCreatedDirs]);
}
