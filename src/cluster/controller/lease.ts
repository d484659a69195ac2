// Leader election on a coordination.k8s.io/v1 Lease, decided as client-go does it
// (k8s.io/client-go/tools/leaderelection/leaderelection.go tryAcquireOrRenew): a candidate takes the
// Lease when there is none, when it has no holder, or when the holder has not renewed it for
// leaseDurationSeconds — measured on the candidate's own clock from when it last saw the record
// change (observedTime), so clock skew between nodes does not matter. Writes are conditional on
// resourceVersion: of two candidates only one update succeeds. Pure; leader-elector.ts does the I/O.

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Observed {
  /** The record as last read (JSON, to see whether it changed). */
  raw?: string;
  /** Our clock when the record last changed. */
  at: number;
}

export type LeaseStep =
  | { kind: 'create'; spec: LeaseSpec }
  | { kind: 'update'; spec: LeaseSpec }
  | { kind: 'held'; holder: string; expiresAt: number };

/** RFC 3339 with microseconds (metav1.MicroTime). */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

export function leaseStep(
  current: LeaseSpec | undefined,
  observed: Observed,
  identity: string,
  durationSeconds: number,
  now: number,
): { step: LeaseStep; observed: Observed } {
  const mine: LeaseSpec = {
    holderIdentity: identity,
    leaseDurationSeconds: durationSeconds,
    acquireTime: microTime(now),
    renewTime: microTime(now),
    leaseTransitions: 0,
  };
  if (!current) return { step: { kind: 'create', spec: mine }, observed };
  const raw = JSON.stringify(current);
  const seen = raw === observed.raw ? observed : { raw, at: now };
  const holder = current.holderIdentity ?? '';
  const expiresAt = seen.at + (current.leaseDurationSeconds ?? durationSeconds) * 1000;
  if (holder !== '' && holder !== identity && expiresAt > now)
    return { step: { kind: 'held', holder, expiresAt }, observed: seen };
  const renew = holder === identity;
  return {
    step: {
      kind: 'update',
      spec: {
        ...mine,
        ...(renew && current.acquireTime ? { acquireTime: current.acquireTime } : {}),
        leaseTransitions: (current.leaseTransitions ?? 0) + (renew ? 0 : 1),
      },
    },
    observed: seen,
  };
}

/** The record a leader leaves when it steps down: no holder, so a standby takes over at once. */
export function releasedSpec(current: LeaseSpec, now: number): LeaseSpec {
  return {
    holderIdentity: '',
    leaseDurationSeconds: 1,
    acquireTime: microTime(now),
    renewTime: microTime(now),
    leaseTransitions: current.leaseTransitions ?? 0,
  };
}
