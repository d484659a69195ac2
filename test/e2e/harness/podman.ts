// podman with temp storage (vfs: no overlay mounts left behind), no systemd, no journald, and the
// registries.conf given through CONTAINERS_REGISTRIES_CONF (podman honours it; skopeo 1.9 does not).
// It pulls with containers/image 5.23.1, the library CRI-O links, so it proves registries.conf.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ExecResult, run } from './exec.js';

export interface PodmanOptions {
  /** Temp dir for storage root, run root and tmp. */
  dir: string;
  registriesConf?: string;
}

export function podman(args: readonly string[], options: PodmanOptions): Promise<ExecResult> {
  for (const d of ['root', 'runroot', 'tmp']) mkdirSync(join(options.dir, d), { recursive: true });
  const global = [
    '--root',
    join(options.dir, 'root'),
    '--runroot',
    join(options.dir, 'runroot'),
    '--tmpdir',
    join(options.dir, 'tmp'),
    '--storage-driver',
    'vfs',
    '--cgroup-manager',
    'cgroupfs',
    '--events-backend',
    'none',
  ];
  const env: Record<string, string> = {};
  if (options.registriesConf) env.CONTAINERS_REGISTRIES_CONF = options.registriesConf;
  return run(['podman', ...global, ...args], { env, timeoutMs: 120_000 });
}
