// The Host ports: a node's doors to the outside world (files, commands, log, clock). Everything above
// host/ receives these as parameters (no module mocking, no DI container): applyPlan(plan, host),
// observeHost(host, …). Other ports: runtime-port.ts, cri-port.ts, kube-port.ts; adapters: the rest.

import type { FileType } from '../detect/facts.js';
import type { FileLock } from './lock-port.js';

export interface FileStat {
  type: FileType;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  size: number;
}

/**
 * Filesystem of one node. Paths are absolute node paths (`/etc/containerd/config.toml`); an
 * adapter may resolve them under a root prefix, and must refuse any path (or symlink) that
 * would escape that root.
 */
export interface HostFs {
  /** File bytes, or null when the path does not exist. Refuses directories and escaping links. */
  readFile(path: string): Promise<Uint8Array | null>;
  /** lstat semantics: a symlink is reported as 'symlink', never followed. */
  stat(path: string): Promise<FileStat | null>;
  /** Entry names (sorted), or null when the directory does not exist. */
  readDir(path: string): Promise<string[] | null>;
  /** Temp file in the same dir, write, fsync, rename over `path`, fsync the dir. Creates parents. */
  writeFileAtomic(path: string, data: Uint8Array | string, mode: number): Promise<void>;
  /**
   * Takes the exclusive lock on `path` (creating the file with `mode`) without waiting: null when
   * another process holds it. Released by FileLock.release() or by the kernel when this process dies.
   */
  lockExclusive(path: string, mode: number): Promise<FileLock | null>;
  /** Remove a file (not a directory). No error when absent. */
  removeFile(path: string): Promise<void>;
  /** mkdir -p with the given mode for created dirs. */
  mkdirp(path: string, mode?: number): Promise<void>;
  /** Remove a directory only if it is empty; returns whether it was removed. */
  removeDirIfEmpty(path: string): Promise<boolean>;
}

export interface CommandResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  env?: Record<string, string>;
}

/** Runs an argv (never a shell string unless argv is ['sh','-c',…] on purpose). */
export type Runner = (argv: readonly string[], opts?: RunOptions) => Promise<CommandResult>;

export interface Logger {
  /** Progress/status line for humans, on stderr. */
  step(ok: boolean, message: string): void;
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface Host {
  fs: HostFs;
  run: Runner;
  log: Logger;
  now: () => Date;
}

export const silentLogger: Logger = {
  step: () => {},
  info: () => {},
  warn: () => {},
  debug: () => {},
};
