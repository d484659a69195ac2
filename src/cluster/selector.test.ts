import { describe, expect, it } from 'vitest';
import { matchesRequirements, nodeRequirements, parseSelector } from './selector.js';

const labels = { pool: 'a', zone: 'z1', gpu: '', 'node-role.kubernetes.io/worker': '' };

describe('label selectors', () => {
  it.each([
    { sel: 'pool=a', match: true },
    { sel: 'pool==a', match: true },
    { sel: 'pool!=a', match: false },
    { sel: 'pool in (a,b)', match: true },
    { sel: 'pool notin (a)', match: false },
    { sel: 'gpu', match: true },
    { sel: '!gpu', match: false },
    { sel: 'pool=a,zone in (z1, z2),!spot', match: true },
    { sel: 'missing!=x', match: true },
    { sel: '', match: true },
  ])('$sel → $match', ({ sel, match }) => {
    const r = parseSelector(sel);
    expect(r.diagnostics).toEqual([]);
    expect(matchesRequirements(labels, r.requirements)).toBe(match);
  });

  it.each(['a in b', '=x', 'a=(b)'])('rejects %j with a hint', (sel) => {
    expect(parseSelector(sel).diagnostics[0]?.code).toBe('cluster.selector.syntax');
  });

  it('excludes control-plane nodes unless included', () => {
    const cp = { 'node-role.kubernetes.io/control-plane': '' };
    expect(matchesRequirements(cp, nodeRequirements([], false))).toBe(false);
    expect(matchesRequirements(cp, nodeRequirements([], true))).toBe(true);
  });
});
