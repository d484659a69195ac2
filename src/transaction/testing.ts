// Test doubles for the transaction's runtime ports (src/host/runtime-port.ts): a scripted runtime
// (restart/reload outcomes and health answers, every call recorded), a fixed process identity, and a lock held by "another process".
import type { FileLock } from '../host/lock-port.js';
import type { HostFs } from '../host/ports.js';
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

export function fakeProbe(self: ProcessIdentity = { pid: 4242, startTime: '100' }): ProcessProbe {
  return { self: () => self };
}

/** Another live "process" holding the state-dir lock of `fs` (as acquireLock leaves it), until released. */
export async function holdLock(
  fs: HostFs,
  doc: { pid: number; startTime: string; at: string; createdDirs: string[] },
  path = '/var/lib/mirrorctl/lock',
): Promise<FileLock> {
  const lock = await fs.lockExclusive(path, 0o600);
  if (!lock) throw new Error(`${path} is already held`);
  await lock.write(JSON.stringify(doc));
  return lock;
}

export const fakeTxOptions = (rt: FakeRuntime, extra: Partial<TxOptions> = {}): TxOptions => ({
  control: rt.control,
  health: rt.health,
  probe: fakeProbe(),
  healthTimeoutMs: 1000,
  actionTimeoutMs: 1000,
  ...extra,
});
