import { describe, expect, it } from 'vitest';
import type { Condition } from '../api/conditions.js';
import type { MirrorSetView } from './resources.js';
import { verdict } from './verdict.js';

const cond = (type: string, status: Condition['status'], reason: string, message = ''): Condition => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-01-01T00:00:00Z',
});

const set = (o: {
  generation?: number;
  observed?: number;
  conditions?: Condition[];
  token?: string;
  notReady?: Array<{ name: string; state: string; message: string }>;
}): MirrorSetView => ({
  metadata: { name: 'lab', generation: o.generation ?? 2 },
  status: {
    observedGeneration: o.observed ?? 2,
    conditions: o.conditions ?? [],
    ...(o.token ? { observedResumeToken: o.token } : {}),
    ...(o.notReady ? { notReadyNodes: o.notReady } : {}),
  },
});

describe('verdict (rollout)', () => {
  const apply = { mode: 'apply' as const, generation: 2 };
  it.each([
    [
      'an older generation observed',
      set({ observed: 1, conditions: [cond('Ready', 'True', 'Ready')] }),
      'wait',
    ],
    ['Ready', set({ conditions: [cond('Ready', 'True', 'Ready', 'all good')] }), 0],
    [
      'Progressing',
      set({ conditions: [cond('Ready', 'False', 'Progressing'), cond('Progressing', 'True', 'RollingOut')] }),
      'wait',
    ],
    [
      'Paused',
      set({
        conditions: [cond('Ready', 'False', 'Paused'), cond('Paused', 'True', 'WaveFailed', 'node b failed')],
      }),
      3,
    ],
    [
      'Degraded while still rolling out (pauseOnFailure off)',
      set({ conditions: [cond('Ready', 'False', 'Degraded'), cond('Progressing', 'True', 'RollingOut')] }),
      'wait',
    ],
    [
      'Degraded with nothing progressing',
      set({
        conditions: [
          cond('Ready', 'False', 'Degraded'),
          cond('Progressing', 'False', 'Complete'),
          cond('Degraded', 'True', 'NodeFailed', 'b'),
        ],
      }),
      3,
    ],
    ['InvalidSpec', set({ conditions: [cond('Ready', 'False', 'InvalidSpec', 'spec refused')] }), 2],
    ['deleted meanwhile', undefined, 3],
  ] as const)('%s', (_name, s, want) => {
    const v = verdict(s, apply);
    if (want === 'wait') expect(v.done).toBe(false);
    else expect(v).toMatchObject({ done: true, exitCode: want });
  });

  it('a resume waits until the controller has acted on that token, and names the failing nodes', () => {
    const paused = [cond('Ready', 'False', 'Paused'), cond('Paused', 'True', 'WaveFailed', 'node b failed')];
    const notReady = [{ name: 'b', state: 'RolledBack', message: 'runtime unhealthy' }];
    expect(verdict(set({ conditions: paused, token: 'old' }), { ...apply, resumeToken: 'new' }).done).toBe(
      false,
    );
    expect(
      verdict(set({ conditions: paused, token: 'new', notReady }), { ...apply, resumeToken: 'new' }),
    ).toEqual({
      done: true,
      exitCode: 3,
      message: 'Paused (WaveFailed): node b failed; nodes: b (RolledBack: runtime unhealthy)',
    });
  });
});

describe('verdict (uninstall)', () => {
  it('done when the object is gone; until then it names who still holds configuration', () => {
    expect(verdict(undefined, { mode: 'delete' })).toMatchObject({ done: true, exitCode: 0 });
    const v = verdict(
      set({ notReady: [{ name: 'down', state: 'NotReady', message: 'the Node is NotReady' }] }),
      {
        mode: 'delete',
      },
    );
    expect(v).toEqual({
      done: false,
      waitingFor:
        "uninstalling; still holding mirrorctl's configuration: down (NotReady: the Node is NotReady)",
    });
  });
});
