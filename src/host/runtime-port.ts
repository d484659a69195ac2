// Ports the transaction engine (src/transaction) needs beyond Host: runtime control (restart/reload),
// runtime health, and this process's identity (written into the lock file, for messages only). Adapters: transaction/runtime-control.ts
// (over a Runner), host/cri-health.ts (CRI gRPC), host/docker-health.ts, host/process-probe.ts (/proc).
import type { RuntimeAction, Service } from '../plan/types.js';

export type ControlResult = { ok: true; detail: string } | { ok: false; error: string; timedOut: boolean };

/** Restarts or reloads a runtime service. Never rejects: failures come back as values. */
export interface RuntimeControl {
  perform(action: RuntimeAction, timeoutMs: number): Promise<ControlResult>;
}

export type HealthResult = { ok: true; detail: string } | { ok: false; error: string };

/** What the runtime must show after the action besides answering (the plan's change taking effect). */
export interface HealthExpectation {
  /** The config_path containerd's CRI must report loaded (Status verbose; 1.x reports it, 2.x not). */
  criConfigPath?: string;
}

/** Is the runtime serving again after a restart/reload (and, with `expect`, running the new config)?
 *  Waits up to timeoutMs. Never rejects. */
export interface RuntimeHealth {
  check(service: Service, timeoutMs: number, expect?: HealthExpectation): Promise<HealthResult>;
}

/** A process as the lock file names it: pid (in its own PID namespace) plus start time. */
export interface ProcessIdentity {
  pid: number;
  /** Opaque start stamp (Linux: /proc/<pid>/stat field 22, clock ticks since boot). */
  startTime: string;
}

export interface ProcessProbe {
  self(): ProcessIdentity;
}
