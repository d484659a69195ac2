// Timing and memory helpers: wall time of child processes (spawned the way a shell would), medians,
// and the kernel's own memory accounting from /proc/<pid>/status.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Timed {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** User + system CPU of the command and its children (bash's `times`), independent of load. */
  cpuMs: number;
}

// bash runs the command, then reports its children's CPU on fd 3 (`times`' second line), so the
// figure stays honest on a machine shared with other work, where wall time also measures the queue.
const WITH_TIMES = ['bash', '-c', '"$@"; rc=$?; times >&3; exit $rc', 'bash'] as const;

/** `0m1.970s 0m0.309s` (children's user and system time) → milliseconds. */
function childCpuMs(times: string): number {
  const line = times.trim().split('\n').at(-1) ?? '';
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2) throw new Error(`unexpected bash times output: ${times}`);
  return parts.reduce((sum, m) => sum + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0);
}

export function timedRun(
  argv: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<Timed> {
  if (argv.length === 0) throw new Error('timedRun: empty argv');
  const [file, ...args] = [...WITH_TIMES, ...argv];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file as string, args, {
      env: { ...process.env, ...options.env },
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let times = '';
    child.stdio[3]?.on('data', (d: Buffer) => {
      times += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - t0;
      try {
        resolve({ code, stdout, stderr, wallMs, cpuMs: childCpuMs(times) });
      } catch (e) {
        reject(e);
      }
    });
  });
}

/**
 * Runs argv `runs` times, after one unmeasured warm-up (page cache) unless warmUp is false, failing
 * on an unexpected exit code.
 */
export async function timedRuns(
  argv: readonly string[],
  runs: number,
  options: {
    env?: Record<string, string | undefined>;
    cwd?: string;
    okCodes?: readonly number[];
    warmUp?: boolean;
  } = {},
): Promise<Timed[]> {
  const done: Timed[] = [];
  const ok = options.okCodes ?? [0];
  for (let i = options.warmUp === false ? 1 : 0; i <= runs; i++) {
    const r = await timedRun(argv, options);
    if (r.code === null || !ok.includes(r.code))
      throw new Error(`${argv.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    if (i > 0) done.push(r);
  }
  return done;
}

/** Median wall and CPU time of runs. */
export const medians = (runs: readonly Timed[]): { wallMs: number; cpuMs: number } => ({
  wallMs: median(runs.map((r) => r.wallMs)),
  cpuMs: median(runs.map((r) => r.cpuMs)),
});

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** VmRSS and VmHWM (peak RSS) of a live process, in bytes. */
export function procMemory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
