// A long-running child process (registry, containerd, dockerd) with its output in a log file, so
// tests can read what the daemon said (deprecation warnings, plugin load failures) after the fact.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

export interface Daemon {
  readonly pid: number;
  readonly logFile: string;
  /** Everything the process wrote to stdout and stderr so far. */
  log(): string;
  /** Exit code or signal once exited; null while running. */
  exited(): { code: number | null; signal: string | null } | null;
  /** SIGTERM, then SIGKILL after graceMs. Resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface DaemonOptions {
  env?: Record<string, string>;
  /** Where stdout+stderr go (appended, so a restart keeps the earlier log). */
  logFile: string;
  /** A separate file for stdout only (the registry writes its access log there). */
  stdoutFile?: string;
}

export function startDaemon(argv: readonly string[], options: DaemonOptions): Daemon {
  const [file, ...args] = argv;
  if (!file) throw new Error('startDaemon: empty argv');
  const errFd = openSync(options.logFile, 'a');
  const outFd = options.stdoutFile ? openSync(options.stdoutFile, 'a') : errFd;
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', outFd, errFd],
    });
  } finally {
    closeSync(errFd);
    if (outFd !== errFd) closeSync(outFd);
  }
  if (child.pid === undefined) throw new Error(`cannot start ${file}`);
  let exit: { code: number | null; signal: string | null } | null = null;
  const done = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
    child.once('error', () => {
      exit = exit ?? { code: null, signal: null };
      resolve();
    });
  });
  const pid = child.pid;
  return {
    pid,
    logFile: options.logFile,
    log: () => readFileSync(options.logFile, 'utf8'),
    exited: () => exit,
    async stop(graceMs = 15_000) {
      if (exit) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Polls until `ready()` is true; fails early with the daemon's log if it exits first. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  daemon: Daemon | undefined,
  timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    const exit = daemon?.exited();
    if (exit)
      throw new Error(`${what}: process exited (${JSON.stringify(exit)}) before ready:\n${daemon?.log()}`);
    if (Date.now() > until)
      throw new Error(`${what}: not ready after ${timeoutMs} ms\n${daemon?.log() ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port nothing listens on right now (the e2e run has its own network namespace). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
