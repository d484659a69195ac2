// The lock port: an exclusive advisory lock on a node file that the kernel releases when the holding
// process dies (SIGKILL, OOM, power loss), so no liveness check — and no PID, which differs between
// a pod and its host — decides who may take it. HostFs.lockExclusive returns one; nodeFs holds it with
// flock(2) (host/flock.ts), memoryFs in memory.

/** A held lock. Its file's content is information for humans (who holds it), never for liveness. */
export interface FileLock {
  /** Replaces the lock file's content in place (a rename would swap the locked inode). */
  write(data: string): Promise<void>;
  /** Removes the lock file while still holding it, then drops the lock. */
  release(): Promise<void>;
}
