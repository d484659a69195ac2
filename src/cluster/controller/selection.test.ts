import { describe, expect, it } from 'vitest';
import { node } from '../../../test/cluster/controller/fixtures.js';
import { clusterFieldsSchema } from '../api/mirrorset.js';
import { resolveMaxUnavailable } from './budget.js';
import { matchesSelector, selectsNode } from './selection.js';

describe('LabelSelector (metav1 semantics)', () => {
  const labels = { pool: 'a', zone: 'z1', gpu: '' };
  it.each([
    [{}, true],
    [{ matchLabels: { pool: 'a' } }, true],
    [{ matchLabels: { pool: 'a', zone: 'z2' } }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z3'] }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['z1'] }] }, false],
    [{ matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['r1'] }] }, true],
    [{ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { pool: 'a' }, matchExpressions: [{ key: 'rack', operator: 'Exists' }] }, false],
  ] as const)('%o → %s', (sel, expected) => {
    expect(matchesSelector(labels, sel as never)).toBe(expected);
  });

  it('default: every node but the control plane (both role labels); includeControlPlane; a nodeSelector decides alone', () => {
    const cp = node('cp', { labels: { 'node-role.kubernetes.io/control-plane': '' } });
    const master = node('m', { labels: { 'node-role.kubernetes.io/master': '' } });
    const w = node('w');
    const f = (spec: object) => clusterFieldsSchema.parse(spec);
    expect([cp, master, w].map((n) => selectsNode(f({}), n))).toEqual([false, false, true]);
    expect([cp, master, w].map((n) => selectsNode(f({ rollout: { includeControlPlane: true } }), n))).toEqual(
      [true, true, true],
    );
    expect([cp, w].map((n) => selectsNode(f({ nodeSelector: {} }), n))).toEqual([true, true]);
  });
});

describe('maxUnavailable', () => {
  it.each([
    [1, 10, 1],
    [3, 2, 3],
    ['10%', 10, 1],
    ['25%', 10, 2],
    ['5%', 10, 1],
    ['100%', 7, 7],
    ['50%', 0, 1],
  ] as const)('%s of %s nodes → %s (percentages round down, at least 1)', (v, total, expected) => {
    expect(resolveMaxUnavailable(v, total)).toBe(expected);
  });
});
