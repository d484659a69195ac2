// A kubelet-like CRI prober: every 50 ms (20 Hz) one Version and one ImageStatus call on the
// runtime socket, each with a 1 s deadline. Counts failed calls and the milliseconds between the
// first failed tick and the next tick that answered. After a failure the gRPC channel is replaced,
// so the figure measures the runtime, not grpc-js's reconnect backoff (kubelet's channel backs off
// too, which would only make the seed's restart look worse).
import { criClient } from '../src/host/cri-client.js';
import type { CriClient } from '../src/host/cri-port.js';

const PERIOD_MS = 50;
const PROBE_IMAGE = 'docker.io/library/busybox:1.36';

export interface ProbeFigures {
  ticks: number;
  calls: number;
  failedCalls: number;
  unavailableMs: number;
  /** First error seen, for the report (e.g. `unavailable: connect ENOENT`). */
  firstError?: string;
}

export interface CriProbe {
  /** Stops probing and returns the figures since the start. */
  stop(): Promise<ProbeFigures>;
}

export function startCriProbe(endpoint: string): CriProbe {
  let client: CriClient = criClient(endpoint, { callDeadlineMs: 1000 });
  let running = true;
  const f: ProbeFigures = { ticks: 0, calls: 0, failedCalls: 0, unavailableMs: 0 };
  let downSince: number | undefined;

  const tick = async () => {
    const [version, image] = await Promise.all([client.version(), client.imageStatus(PROBE_IMAGE)]);
    const now = performance.now();
    f.ticks += 1;
    f.calls += 2;
    const errors = [version, image].flatMap((r) => (r.ok ? [] : [`${r.error.kind}: ${r.error.details}`]));
    f.failedCalls += errors.length;
    if (errors.length > 0) {
      f.firstError ??= errors[0];
      downSince ??= now;
      client.close();
      client = criClient(endpoint, { callDeadlineMs: 1000 });
    } else if (downSince !== undefined) {
      f.unavailableMs += now - downSince;
      downSince = undefined;
    }
  };

  const loop = (async () => {
    let next = performance.now();
    while (running) {
      await tick();
      next += PERIOD_MS;
      // A slow tick (deadline) skips the slots it overran instead of bursting to catch up.
      const now = performance.now();
      if (next < now) next = now;
      await new Promise((r) => setTimeout(r, next - now));
    }
  })();

  const snapshot = (): ProbeFigures => ({
    ...f,
    // Still down at the end: count up to now.
    unavailableMs: f.unavailableMs + (downSince === undefined ? 0 : performance.now() - downSince),
  });
  return {
    async stop() {
      running = false;
      await loop;
      client.close();
      return snapshot();
    },
  };
}
