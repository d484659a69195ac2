import { describe, expect, it } from 'vitest';
import { applyJobName } from '../api/meta.js';
import { jobNameFor, mirrorSetLabel, parseJobName, retryDelayMs } from './names.js';

const REV = '0123456789ab';

describe('apply Job names', () => {
  it.each([
    [{ mode: 'apply', action: 'restart', attempt: 1 }, `mirrorctl-apply-w1-${REV}`],
    [{ mode: 'apply', action: 'restart', attempt: 3 }, `mirrorctl-apply-w1-${REV}-3`],
    [{ mode: 'apply', action: 'reload', attempt: 1 }, `mirrorctl-apply-w1-${REV}-r1`],
    [{ mode: 'uninstall', action: 'restart', attempt: 2 }, `mirrorctl-apply-w1-${REV}-u2`],
    [{ mode: 'uninstall', action: 'reload', attempt: 1 }, `mirrorctl-apply-w1-${REV}-ur1`],
  ] as const)('%o → %s and back', (key, name) => {
    expect(jobNameFor('w1', REV, key)).toBe(name);
    expect(parseJobName(name)).toEqual(key);
  });

  it('the first restart keeps the contract name; long node names stay ≤ 63 and still parse', () => {
    expect(jobNameFor('w1', REV, { mode: 'apply', action: 'restart', attempt: 1 })).toBe(
      applyJobName('w1', REV),
    );
    const long = `node-${'x'.repeat(80)}.example.internal`;
    const name = jobNameFor(long, REV, { mode: 'uninstall', action: 'reload', attempt: 12 });
    expect(name.length).toBeLessThanOrEqual(63);
    expect(parseJobName(name)).toEqual({ mode: 'uninstall', action: 'reload', attempt: 12 });
    expect(parseJobName('some-other-job')).toBeUndefined();
  });

  it('retry backoff doubles from 10 s and stops at 5 minutes', () => {
    expect([1, 2, 3, 4, 7, 20].map(retryDelayMs)).toEqual([0, 10_000, 20_000, 40_000, 300_000, 300_000]);
  });

  it('MirrorSet names longer than a label value are shortened with a hash', () => {
    expect(mirrorSetLabel('lab')).toBe('lab');
    const a = mirrorSetLabel(`${'a'.repeat(70)}-one`);
    const b = mirrorSetLabel(`${'a'.repeat(70)}-two`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });
});
