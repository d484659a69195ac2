import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../../test/cluster/patches.js';
import { removeTaintPatch } from './gate-taint.js';

describe('gate taint removal patch', () => {
  const taints = [
    { key: 'mirrorctl/not-ready', effect: 'NoSchedule' },
    { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
  ];
  it('removes only our taint and guards with a test of the list it read', () => {
    const patch = removeTaintPatch(taints, 'mirrorctl/not-ready') as Array<Record<string, unknown>>;
    const r = applyJsonPatch({ spec: { taints } }, patch);
    expect(r).toEqual({ ok: true, value: { spec: { taints: [taints[1]] } } });
    // someone changed the taints in between: the test op fails instead of dropping their change
    const raced = applyJsonPatch(
      { spec: { taints: [...taints, { key: 'new', effect: 'NoExecute' }] } },
      patch,
    );
    expect(raced.ok).toBe(false);
  });
  it('is a no-op when the taint is already gone', () => {
    expect(removeTaintPatch([taints[1]!], 'mirrorctl/not-ready')).toBeUndefined();
    expect(removeTaintPatch(undefined, 'mirrorctl/not-ready')).toBeUndefined();
  });
});
