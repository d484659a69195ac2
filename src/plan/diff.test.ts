import { describe, expect, test } from 'vitest';
import { plan } from '../../test/faults/fixture.js';
import { formatPlanDiff } from './diff.js';
import type { Plan } from './types.js';

describe('formatPlanDiff', () => {
  test('headers, unified diffs, redacted secret, runtime action (golden)', async () => {
    const text = formatPlanDiff(plan, { color: false });
    await expect(text).toMatchFileSnapshot('./__golden__/plan-diff.golden.txt');
  });

  test('secret contents never appear, with or without colour', () => {
    for (const color of [true, false]) {
      const text = formatPlanDiff(plan, { color });
      expect(text).not.toContain('PRIVATE-KEY-BYTES');
      expect(text).toContain('create /etc/containerd/certs.d/docker.io/client.key (0600)');
    }
  });

  test('an update shows only the changed line with context', () => {
    const text = formatPlanDiff(plan, { color: false });
    expect(text).toContain('+  config_path = "/etc/containerd/certs.d"');
    expect(text).toContain('--- a/etc/containerd/config.toml');
    expect(text).toContain('+++ /dev/null');
  });

  test('colour is ANSI only when asked', () => {
    expect(formatPlanDiff(plan, { color: false })).not.toContain('\u001b[');
    expect(formatPlanDiff(plan, { color: true })).toContain('\u001b[32m+');
  });

  test('an empty plan says in sync', () => {
    const empty: Plan = {
      ...plan,
      changes: [],
      action: { kind: 'none', service: 'containerd', reason: 'in sync' },
    };
    expect(formatPlanDiff(empty, { color: false })).toBe(
      'no changes: the node is in sync\nruntime: no containerd action (in sync)\n',
    );
  });

  test('an empty plan blocked by errors does not say in sync', () => {
    const blocked: Plan = {
      ...plan,
      changes: [],
      diagnostics: [{ severity: 'error', code: 'plan.unowned-file', message: 'exists' }],
    };
    const text = formatPlanDiff(blocked, { color: false });
    expect(text).not.toContain('in sync');
    expect(text).toContain('no changes planned: blocked by errors');
  });
});
