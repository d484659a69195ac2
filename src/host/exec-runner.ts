// Runner over node:child_process: argv only (never a shell), stdout/stderr captured, and a timeout
// that kills the whole process group (the command may have forked). With `nsenter` the argv runs
// in the node's namespaces from inside a privileged hostPID pod.
import { spawn } from 'node:child_process';
import type { CommandResult, Runner, RunOptions } from './ports.js';

export interface ExecRunnerOptions {
  /** Prefix `nsenter -t 1 -m -u -i -n -p --` (agent pod with hostPID). */
  nsenter?: boolean;
  /** Applied when a call gives no timeoutMs; undefined = wait forever. */
  defaultTimeoutMs?: number;
}

export const NSENTER_PREFIX = ['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--'] as const;

/** Exit code a shell gives for a command that cannot be found. */
export const NOT_FOUND_CODE = 127;

export function execRunner(opts: ExecRunnerOptions = {}): Runner {
  return (argv: readonly string[], run: RunOptions = {}) => {
    const full = opts.nsenter ? [...NSENTER_PREFIX, ...argv] : [...argv];
    return runOnce(full, run.timeoutMs ?? opts.defaultTimeoutMs, run);
  };
}

function runOnce(argv: string[], timeoutMs: number | undefined, run: RunOptions): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('execRunner: empty argv');
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      // Own process group, so a timeout can kill every descendant with one signal.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: run.env ? { ...process.env, ...run.env } : process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const finish = (r: CommandResult): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(r);
    };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup(child.pid);
          }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // A child that exits without reading its input makes the write fail with EPIPE: not our error.
    child.stdin.on('error', () => {});
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({
        code: e.code === 'ENOENT' ? NOT_FOUND_CODE : 126,
        signal: null,
        stdout: '',
        stderr: `${file}: ${e.message}`,
        timedOut: false,
      });
    });
    child.on('close', (code, signal) => {
      finish({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    if (run.input !== undefined) child.stdin.end(run.input);
    else child.stdin.end();
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
