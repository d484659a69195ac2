import { describe, expect, it } from 'vitest';
import { leaseStep, microTime, releasedSpec } from './lease.js';

const T = Date.parse('2025-03-01T10:00:00Z');
const held = (holder: string, renew = T) => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: microTime(T - 60_000),
  renewTime: microTime(renew),
  leaseTransitions: 3,
});

describe('leaseStep (client-go tryAcquireOrRenew)', () => {
  it('creates a missing Lease', () => {
    expect(leaseStep(undefined, { at: 0 }, 'me', 15, T).step).toMatchObject({
      kind: 'create',
      spec: { holderIdentity: 'me', leaseTransitions: 0 },
    });
  });

  it("another holder's Lease expires leaseDuration after we last saw it change, on our clock", () => {
    const other = held('other', T - 3_600_000); // its renewTime is an hour old: clocks may differ
    const first = leaseStep(other, { at: 0 }, 'me', 15, T);
    expect(first.step).toMatchObject({ kind: 'held', holder: 'other', expiresAt: T + 15_000 });
    const same = leaseStep(other, first.observed, 'me', 15, T + 14_000);
    expect(same.step.kind).toBe('held');
    const later = leaseStep(other, first.observed, 'me', 15, T + 15_001);
    expect(later.step).toMatchObject({ kind: 'update', spec: { holderIdentity: 'me', leaseTransitions: 4 } });
    // A renewal seen in between restarts the clock.
    const renewed = held('other', T + 10_000);
    expect(leaseStep(renewed, first.observed, 'me', 15, T + 15_001).step.kind).toBe('held');
  });

  it('the holder renews keeping acquireTime and the transition count; a released Lease is free at once', () => {
    const mine = held('me');
    const r = leaseStep(mine, { at: 0 }, 'me', 15, T + 2_000).step;
    expect(r).toMatchObject({
      kind: 'update',
      spec: { acquireTime: mine.acquireTime, leaseTransitions: 3, renewTime: microTime(T + 2_000) },
    });
    const released = releasedSpec(mine, T);
    expect(released).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(leaseStep(released, { at: 0 }, 'other', 15, T).step).toMatchObject({
      kind: 'update',
      spec: { holderIdentity: 'other' },
    });
  });

  it('times are RFC 3339 with microseconds (metav1.MicroTime)', () => {
    expect(microTime(T + 123)).toBe('2025-03-01T10:00:00.123000Z');
  });
});
