// flock(2) without a native addon: util-linux's `flock -x -n 3` runs on OUR open descriptor, passed
// as its fd 3. flock locks the open file description, which the child shares, so the lock stays with
// our descriptor after the child exits, and the kernel drops it when we close it or die (SIGKILL too).
import { spawn } from 'node:child_process';
import { HostFsError } from './fs-error.js';

const errnoOf = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

/** true: locked; false: another open file description holds it. `path` names the lock in errors. */
export function flockNonBlocking(fd: number, path: string, bin = 'flock'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-x', '-n', '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', (e) =>
      reject(
        new HostFsError(
          'host.fs.lock-tool',
          path,
          errnoOf(e) === 'ENOENT'
            ? `cannot take the lock: \`${bin}\` (util-linux) is not installed`
            : `cannot run \`${bin}\` to take the lock: ${e.message}`,
          errnoOf(e),
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve(true);
      // Held elsewhere: util-linux and busybox both exit 1 without a word (-n, no -E).
      else if (code === 1 && stderr.trim() === '') resolve(false);
      else
        reject(
          new HostFsError(
            'host.fs.lock-tool',
            path,
            `\`${bin} -x -n\` failed (${code ?? signal}): ${stderr.trim() || 'no message'}`,
          ),
        );
    });
  });
}
