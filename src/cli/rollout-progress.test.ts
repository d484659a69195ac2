import { describe, expect, it } from 'vitest';
import type { MirrorSetView } from '../cluster/client/resources.js';
import { formatCounts, formatWave, progressWriter } from './rollout-progress.js';

const set = (
  wave: { number: number; phase: 'Restarting' | 'Soaking' | 'Done'; nodes: string[] },
  updated: number,
): MirrorSetView => ({
  metadata: { name: 'lab', generation: 1 },
  status: {
    observedGeneration: 1,
    revision: '0123456789ab',
    nodes: { total: 3, updated, ready: updated, pendingRestart: 3 - updated, failed: 0 },
    wave: { ...wave },
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'Progressing',
        message: '',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
  },
});

describe('rollout progress', () => {
  it('formats the counts and the wave', () => {
    const s = set({ number: 0, phase: 'Restarting', nodes: ['a'] }, 1);
    expect(formatCounts(s)).toBe(
      'revision 0123456789ab: 1/3 updated, 1 ready, 2 pending restart, 0 failed — Progressing',
    );
    expect(formatWave(s)).toBe('canary wave restarting: a');
    expect(formatWave(set({ number: 2, phase: 'Soaking', nodes: ['b', 'c'] }, 3))).toBe(
      'wave 2 soaking: b, c',
    );
  });

  it('plain lines: one per wave transition, counts at most once a second', () => {
    const lines: string[] = [];
    let t = 0;
    const w = progressWriter({ write: (s) => void lines.push(s), isTTY: false }, false, () => t);
    w({ set: set({ number: 0, phase: 'Restarting', nodes: ['a'] }, 0), waitingFor: 'x' });
    t = 100;
    w({ set: set({ number: 0, phase: 'Restarting', nodes: ['a'] }, 1), waitingFor: 'x' });
    t = 1200;
    w({ set: set({ number: 1, phase: 'Restarting', nodes: ['b', 'c'] }, 1), waitingFor: 'x' });
    expect(lines.filter((l) => l.startsWith('→'))).toEqual([
      '→ canary wave restarting: a\n',
      '→ wave 1 restarting: b, c\n',
    ]);
    expect(lines.filter((l) => l.includes('updated'))).toHaveLength(2);
  });

  it('on a terminal: a redrawn frame with a node table while there are few nodes; nothing when quiet', () => {
    const out: string[] = [];
    const w = progressWriter({ write: (s) => void out.push(s), isTTY: true }, false);
    const nodes = [
      { metadata: { name: 'a' }, spec: { revision: '0123456789ab' }, status: { state: 'Applied' as const } },
    ];
    w({ set: set({ number: 0, phase: 'Restarting', nodes: ['a'] }, 1), nodes });
    w({ set: set({ number: 0, phase: 'Done', nodes: ['a'] }, 1), nodes });
    expect(out[0]).toMatch(/^NODE +STATE/);
    expect(out[1]?.startsWith('\u001b[')).toBe(true); // cursor up over the last frame, then clear
    const quiet: string[] = [];
    progressWriter({ write: (s) => void quiet.push(s), isTTY: true }, true)({ nodes });
    expect(quiet).toEqual([]);
  });
});
