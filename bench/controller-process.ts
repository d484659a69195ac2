// The controller as the Deployment runs it: the image's bundle (`node mirrorctl.mjs controller`, leader
// election on, 2 workers) as a child process against the bench's stand-in. Its CPU and memory come
// from /proc (the process alone), its API requests from its own /metrics
// (mirrorctl_api_requests_total, every request it made, retries and watches included).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { procMemory, sleep } from './measure.js';

export interface Stats {
  cpuMs: number;
  rssBytes: number;
  maxRssBytes: number;
  requests: Record<string, number>;
}

export interface ControllerProcess {
  stats(): Promise<Stats>;
  kill(): void;
}

/** utime + stime of a process, in ms (/proc/<pid>/stat fields 14 and 15, USER_HZ = 100 on Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function startController(bundle: string, kubeconfig: string): Promise<ControllerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [bundle, 'controller', '--kubeconfig', kubeconfig, '--metrics-port', '0'],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        MIRRORCTL_IDENTITY: 'bench',
        MIRRORCTL_IMAGE: 'ghcr.io/mirrorctl/mirrorctl:bench',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const pid = child.pid as number;
  const deadline = Date.now() + 120_000;
  let port = 0;
  for (;;) {
    port = Number(/metrics on :(\d+)/.exec(log)?.[1] ?? 0);
    if (
      port &&
      (await fetch(`http://127.0.0.1:${port}/readyz`)
        .then((r) => r.status)
        .catch(() => 0)) === 200
    )
      break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`controller did not get ready:\n${log}`);
    await sleep(200);
  }
  return {
    async stats() {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const requests: Record<string, number> = {};
      for (const m of text.matchAll(/^mirrorctl_api_requests_total\{[^}]*verb="([^"]+)"[^}]*\} (\d+)/gm))
        requests[m[1] as string] = (requests[m[1] as string] ?? 0) + Number(m[2]);
      const mem = procMemory(pid);
      return { cpuMs: cpuMs(pid), rssBytes: mem.rss, maxRssBytes: mem.hwm, requests };
    },
    kill: () => child.kill('SIGKILL'),
  };
}
