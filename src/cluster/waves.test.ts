import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMaxUnavailable, planWaves, resolveCanary } from './waves.js';

describe('waves', () => {
  it.each([
    { text: '1', total: 10, want: 1 },
    { text: '3', total: 2, want: 3 },
    { text: '25%', total: 10, want: 3 },
    { text: '1%', total: 10, want: 1 },
    { text: '100%', total: 7, want: 7 },
    { text: '10%', total: 0, want: 1 },
  ])('--max-unavailable $text of $total → $want', ({ text, total, want }) => {
    expect(parseMaxUnavailable(text, total)).toEqual({ value: want, diagnostics: [] });
  });

  it.each(['0', '-1', '101%', 'abc', '1.5', ''])('rejects --max-unavailable %j', (text) => {
    expect(parseMaxUnavailable(text, 10).diagnostics[0]?.code).toBe('cluster.max-unavailable');
  });

  it('canary: a count takes the first nodes by name; names must be selected nodes', () => {
    expect(resolveCanary('2', ['c', 'a', 'b']).nodes).toEqual(['a', 'b']);
    expect(resolveCanary('b,c', ['c', 'a', 'b']).nodes).toEqual(['b', 'c']);
    expect(resolveCanary('zz', ['a']).diagnostics[0]?.code).toBe('cluster.canary.unknown-node');
    expect(resolveCanary(undefined, ['a']).nodes).toEqual([]);
  });

  it('planWaves: every node exactly once, no wave larger than the limit, sorted', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (nodes, size) => {
          const waves = planWaves(nodes, size);
          expect(waves.every((w) => w.length >= 1 && w.length <= size)).toBe(true);
          expect(waves.flat()).toEqual([...nodes].sort());
          expect(waves.length).toBe(Math.ceil(nodes.length / size));
        },
      ),
    );
  });
});
