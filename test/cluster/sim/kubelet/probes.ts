// Readiness and liveness probes as kubelet runs them (pkg/kubelet/prober): httpGet (2xx/3xx is
// success) on the node's network through NodeHost.fetch, tcpSocket, exec (in the container's
// namespaces and root), every periodSeconds after initialDelaySeconds, with success/failure thresholds.
import { spawn } from 'node:child_process';
import { isRecord } from '../../apiserver/types.js';
import type { NodeHost } from './node-host.js';
import type { ContainerRun } from './pod-status.js';

type Rec = Record<string, unknown>;

export interface ProbeTarget {
  host: NodeHost;
  /** Named ports of the container (`ports[].name` → containerPort). */
  ports: Record<string, number>;
  /** PID of the container's main process (exec probes enter its namespaces). */
  pid: () => number | undefined;
  env: Record<string, string>;
}

export async function runProbe(probe: Rec, t: ProbeTarget): Promise<boolean> {
  const timeoutMs = Number(probe.timeoutSeconds ?? 1) * 1000;
  const port = (p: unknown) => (typeof p === 'number' ? p : (t.ports[String(p)] ?? Number(p)));
  try {
    if (isRecord(probe.httpGet)) {
      const g = probe.httpGet;
      const r = await t.host.fetch(
        port(g.port),
        String(g.path ?? '/'),
        timeoutMs,
        typeof g.host === 'string' ? g.host : '127.0.0.1',
      );
      return r.status >= 200 && r.status < 400;
    }
    if (isRecord(probe.tcpSocket)) {
      const s = t.host.dial(port(probe.tcpSocket.port));
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        // The in-node dialer closes at once when the port refuses; data or an open socket is success.
        s.once('close', () => resolve(false));
        setTimeout(() => {
          clearTimeout(timer);
          resolve(!s.destroyed);
          s.destroy();
        }, 50);
      });
    }
    if (isRecord(probe.exec)) {
      const pid = t.pid();
      if (!pid) return false;
      const cmd = (probe.exec.command as string[] | undefined) ?? [];
      const child = spawn(
        'nsenter',
        ['-t', String(pid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', '--', ...cmd],
        { env: t.env, stdio: 'ignore' },
      );
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(false);
        }, timeoutMs);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve(code === 0);
        });
        child.on('error', () => resolve(false));
      });
    }
  } catch {
    return false;
  }
  return true;
}

export interface ProbeLoop {
  stop(): void;
}

/** Calls `onChange(ok)` whenever the probe's verdict flips (after the thresholds). */
export function probeLoop(
  probe: Rec,
  t: ProbeTarget,
  periodScale: number,
  onChange: (ok: boolean) => void,
): ProbeLoop {
  const period = Number(probe.periodSeconds ?? 10) * 1000 * periodScale;
  const initial = Number(probe.initialDelaySeconds ?? 0) * 1000 * periodScale;
  const successThreshold = Number(probe.successThreshold ?? 1);
  const failureThreshold = Number(probe.failureThreshold ?? 3);
  let stopped = false;
  let verdict: boolean | undefined;
  let successes = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    if (stopped) return;
    const ok = await runProbe(probe, t);
    if (stopped) return;
    if (ok) {
      successes++;
      failures = 0;
      if (verdict !== true && successes >= successThreshold) {
        verdict = true;
        onChange(true);
      }
    } else {
      failures++;
      successes = 0;
      if (verdict !== false && failures >= failureThreshold) {
        verdict = false;
        onChange(false);
      }
    }
    timer = setTimeout(() => void tick(), period);
  };
  timer = setTimeout(() => void tick(), initial);
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** A container's readiness and liveness loops: readiness sets `c.ready`; a failed liveness kills it. */
export function startProbes(
  c: ContainerRun,
  host: NodeHost,
  scale: number,
  on: { readiness: () => void; unhealthy: () => void },
): void {
  const ports = Object.fromEntries(
    ((c.spec.ports as Rec[] | undefined) ?? [])
      .filter((p) => p.name)
      .map((p) => [String(p.name), Number(p.containerPort)]),
  );
  const target = { host, ports, pid: () => c.proc?.workers()[0], env: c.env ?? {} };
  if (isRecord(c.spec.readinessProbe))
    c.probes.push(
      probeLoop(c.spec.readinessProbe, target, scale, (ok) => {
        c.ready = ok && c.state.running !== undefined;
        on.readiness();
      }),
    );
  if (isRecord(c.spec.livenessProbe))
    c.probes.push(
      probeLoop(c.spec.livenessProbe, target, scale, (ok) => {
        if (ok || !c.proc?.running) return;
        on.unhealthy();
        void c.proc.kill();
      }),
    );
}
