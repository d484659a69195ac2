// Debian's dockerd 20.10 with temp data-root, exec-root, pidfile and socket, no iptables and no
// bridge (nothing may touch the VM's network), and the daemon.json the test names via
// --config-file. Pulls go through Debian's CLI (/usr/bin/docker; /usr/local/bin/docker here is a
// different one) with a temp DOCKER_CONFIG.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Daemon, startDaemon, waitUntil } from './daemon.js';
import { type ExecResult, run } from './exec.js';
import { unmountUnder } from './mountns.js';

export const DOCKER_CLI = '/usr/bin/docker';

export interface DockerdOptions {
  dir: string;
  /** daemon.json path, normally /etc/docker/daemon.json inside the private mount namespace. */
  configFile: string;
}

export interface Dockerd {
  readonly host: string;
  readonly daemon: Daemon;
  /** Runs the Debian docker CLI against this daemon. */
  cli(args: readonly string[]): Promise<ExecResult>;
  stop(): Promise<void>;
}

/**
 * dockerd 20.10 writes a trust key to /etc/docker/key.json unless daemon.json says
 * "deprecated-key-path" (the flag of that name is rejected): merge this into test daemon.json files.
 */
export const testDaemonJsonExtras = (dir: string) => ({ 'deprecated-key-path': join(dir, 'key.json') });

export async function startDockerd(options: DockerdOptions): Promise<Dockerd> {
  const dataRoot = join(options.dir, 'data');
  const execRoot = join(options.dir, 'exec');
  const dockerConfig = join(options.dir, 'cli');
  for (const d of [dataRoot, execRoot, dockerConfig]) mkdirSync(d, { recursive: true });
  const socket = join(options.dir, 'docker.sock');
  const host = `unix://${socket}`;
  const daemon = startDaemon(
    [
      '/usr/sbin/dockerd',
      '--config-file',
      options.configFile,
      '--data-root',
      dataRoot,
      '--exec-root',
      execRoot,
      '--pidfile',
      join(options.dir, 'docker.pid'),
      '--host',
      host,
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--storage-driver',
      'vfs',
    ],
    { logFile: join(options.dir, 'dockerd.log') },
  );
  const cli = (args: readonly string[]) =>
    run([DOCKER_CLI, '--host', host, ...args], { env: { DOCKER_CONFIG: dockerConfig }, timeoutMs: 120_000 });
  const stop = async () => {
    await daemon.stop(30_000);
    // A dockerd that failed to start leaves its data-root bind-mounted (verified-on-debian12.md).
    await unmountUnder(options.dir);
  };
  try {
    await waitUntil('dockerd', async () => (await cli(['version'])).code === 0, daemon, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { host, daemon, cli, stop };
}
