// Test doubles for the transaction's runtime ports (src/host/runtime-port.ts): a scripted runtime (restart/reload outcomes and
// health answers, every call recorded) and a process probe with a fixed set of live processes.
import type {
  ControlResult,
  HealthResult,
  ProcessIdentity,
  ProcessProbe,
  RuntimeControl,
  RuntimeHealth,
} from '../host/runtime-port.js';
import type { RuntimeAction } from '../plan/types.js';
import type { TxOptions } from './types.js';

export interface FakeRuntime {
  control: RuntimeControl;
  health: RuntimeHealth;
  /** `restart containerd`, `health containerd`, in call order. */
  calls: string[];
  /** Outcomes for the next perform() calls (default ok). */
  controlResults: ControlResult[];
  /** Outcomes for the next check() calls (default ok). */
  healthResults: HealthResult[];
}

export function fakeRuntime(): FakeRuntime {
  const rt: FakeRuntime = {
    calls: [],
    controlResults: [],
    healthResults: [],
    control: {
      perform: async (a: RuntimeAction) => {
        rt.calls.push(`${a.kind} ${a.service}`);
        return rt.controlResults.shift() ?? { ok: true, detail: 'done' };
      },
    },
    health: {
      check: async (service) => {
        rt.calls.push(`health ${service}`);
        return rt.healthResults.shift() ?? { ok: true, detail: 'ready' };
      },
    },
  };
  return rt;
}

export function fakeProbe(
  self: ProcessIdentity = { pid: 4242, startTime: '100' },
  alive: ProcessIdentity[] = [],
): ProcessProbe {
  return {
    self: () => self,
    isAlive: (p) => alive.some((a) => a.pid === p.pid && a.startTime === p.startTime),
  };
}

export const fakeTxOptions = (rt: FakeRuntime, extra: Partial<TxOptions> = {}): TxOptions => ({
  control: rt.control,
  health: rt.health,
  probe: fakeProbe(),
  healthTimeoutMs: 1000,
  actionTimeoutMs: 1000,
  ...extra,
});
