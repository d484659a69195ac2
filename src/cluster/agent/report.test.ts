// From transaction results and decisions to status and Events, table-driven: success only when the
// transaction (or a plan in sync) showed it; drift repaired vs reported; rollbacks; conditions; the
// status written only when it changes; Events as the API server validates them.
import { describe, expect, it } from 'vitest';
import type { TxResult } from '../../transaction/types.js';
import type { MirrorNodeObject } from '../api/mirrornode.js';
import { buildEvent, EVENTS_NAMESPACE, microTime } from './events.js';
import { nextStatus, statusDiffers } from './node-status.js';
import { isBusy, reportDecision, reportTransaction } from './outcome.js';
import type { PlanView } from './plan-view.js';

const REV = '0123456789ab';
const view: PlanView = {
  changes: [],
  action: { kind: 'none', service: 'containerd', reason: '' },
  detectedTarget: 'containerd',
  runtime: 'containerd://1.7.24',
  warnings: ['plan.target.nothing-selected'],
};
const tx = (o: Partial<TxResult>): TxResult => ({
  kind: 'apply',
  status: 'applied',
  changed: ['/etc/containerd/certs.d/docker.io/hosts.toml'],
  steps: [{ step: 'commit', ok: true, message: 'committed' }],
  diagnostics: [],
  ...o,
});
const restart = { kind: 'restart' as const, service: 'containerd' as const, reason: 'config_path' };

describe('reportTransaction', () => {
  it.each([
    ['applied (new revision)', tx({}), false, 'Applied', 'revision', ['Applied'], 'applied'],
    [
      'applied, restart performed',
      tx({ action: restart }),
      false,
      'Applied',
      'revision',
      ['Restarted', 'Applied'],
      'applied',
    ],
    [
      'applied over the same revision = drift repaired',
      tx({}),
      true,
      'Applied',
      'revision',
      ['DriftRepaired'],
      'applied',
    ],
    ['unchanged', tx({ status: 'unchanged', changed: [] }), false, 'Applied', 'revision', [], 'unchanged'],
    [
      'rolled back',
      tx({ status: 'rolled-back', runtimeError: 'CRI unimplemented', action: restart }),
      false,
      'RolledBack',
      'previous',
      ['RolledBack'],
      'rolled-back',
    ],
    [
      'refused (drift since the plan)',
      tx({ status: 'refused', changed: [] }),
      false,
      'Failed',
      'previous',
      ['Failed'],
      'failed',
    ],
    [
      'rollback failed',
      tx({ status: 'rollback-failed', runtimeError: 'dead' }),
      false,
      'Failed',
      'unknown',
      ['Failed'],
      'failed',
    ],
  ] as const)('%s', (_name, t, holdsRevision, state, holds, events, result) => {
    const r = reportTransaction(REV, view, t, { holdsRevision });
    expect(r.outcome.state).toBe(state);
    expect(r.outcome.holds).toBe(holds);
    expect(r.events.map((e) => e.reason)).toEqual(events);
    expect(r.result).toBe(result);
    expect(r.outcome.warnings).toContain('plan.target.nothing-selected');
  });

  it('an uninstall transaction: Uninstalled, holding nothing', () => {
    const r = reportTransaction(REV, view, tx({ kind: 'uninstall', action: restart }), {
      holdsRevision: false,
    });
    expect(r.outcome).toMatchObject({ state: 'Uninstalled', holds: 'nothing' });
    expect(r.events.map((e) => e.reason)).toEqual(['Restarted', 'Uninstalled']);
  });

  it('the node lock held by another transaction is "busy", not a failure', () => {
    const held = tx({
      status: 'refused',
      changed: [],
      diagnostics: [
        { severity: 'error', code: 'agent.lock.held', message: 'another mirrorctl transaction is running' },
      ],
    });
    expect(isBusy(held)).toBe(true);
    expect(isBusy(tx({ status: 'refused', changed: [] }))).toBe(false);
  });
});

describe('reportDecision', () => {
  it('waiting over the revision the node already holds is drift pending; over a new one it is not', () => {
    const d = { kind: 'wait', state: 'PendingRestart', message: 'm' } as const;
    expect(reportDecision(REV, view, d, { holdsRevision: true }).outcome.drift).toBe('pending');
    expect(reportDecision(REV, view, d, { holdsRevision: false }).outcome.drift).toBeUndefined();
  });
  it('a refusal is Failed (Event) or Unsupported (no Event)', () => {
    expect(
      reportDecision(REV, view, { kind: 'refuse', state: 'Failed', message: 'x' }, { holdsRevision: false })
        .events,
    ).toHaveLength(1);
    expect(
      reportDecision(
        REV,
        view,
        { kind: 'refuse', state: 'Unsupported', message: 'x' },
        { holdsRevision: false },
      ).events,
    ).toHaveLength(0);
  });
});

describe('nextStatus', () => {
  const node = (status?: MirrorNodeObject['status']): MirrorNodeObject => ({
    apiVersion: 'mirrorctl.io/v1alpha1',
    kind: 'MirrorNode',
    metadata: { name: 'w1', generation: 3 },
    spec: { mirrorSet: 'lab', revision: REV, controllerRevision: 'cr', mode: 'apply' },
    ...(status ? { status } : {}),
  });
  const now = new Date('2026-05-01T10:00:00.123Z');

  it('Applied: revision fields, Ready True, lastApplied when files changed, generation observed', () => {
    const r = reportTransaction(REV, view, tx({}), { holdsRevision: false });
    const s = nextStatus(node(), r.outcome, now);
    expect(s).toMatchObject({
      observedGeneration: 3,
      observedRevision: REV,
      appliedRevision: REV,
      state: 'Applied',
      action: 'none',
      runtime: 'containerd://1.7.24',
      target: 'containerd',
      driftRepairs: 0,
      lastApplied: '2026-05-01T10:00:00Z',
      warnings: ['plan.target.nothing-selected'],
    });
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Applied'],
      ['Drifted', 'False', 'NoDrift'],
    ]);
  });

  it('a repair counts one more drift repair and keeps the revision; a failure keeps the previous one', () => {
    const before = node({ appliedRevision: REV, driftRepairs: 4, state: 'Applied' });
    const repaired = nextStatus(
      before,
      reportTransaction(REV, view, tx({}), { holdsRevision: true }).outcome,
      now,
    );
    expect(repaired).toMatchObject({ driftRepairs: 5, appliedRevision: REV });
    expect(repaired.conditions?.find((c) => c.type === 'Drifted')?.reason).toBe('Repaired');
    const failed = nextStatus(
      node({ appliedRevision: 'aaaaaaaaaaaa' }),
      reportTransaction(REV, view, tx({ status: 'rolled-back', runtimeError: 'x' }), { holdsRevision: false })
        .outcome,
      now,
    );
    expect(failed).toMatchObject({ state: 'RolledBack', appliedRevision: 'aaaaaaaaaaaa' });
    expect(failed.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('after a failed rollback nobody claims a revision', () => {
    const s = nextStatus(
      node({ appliedRevision: 'aaaaaaaaaaaa' }),
      reportTransaction(REV, view, tx({ status: 'rollback-failed' }), { holdsRevision: false }).outcome,
      now,
    );
    expect(s.appliedRevision).toBeUndefined();
  });

  it('a URL password quoted in a message stays on the node; the message is bounded', () => {
    const r = reportDecision(
      REV,
      view,
      { kind: 'refuse', state: 'Failed', message: `https://u:SECRET-PW@old.example.com ${'x'.repeat(5000)}` },
      { holdsRevision: false },
    );
    const s = nextStatus(node(), r.outcome, now);
    expect(s.message).not.toContain('SECRET-PW');
    expect(s.message?.length).toBe(4096);
  });

  it('the same outcome twice changes nothing (no write), a later transition time only on a status change', () => {
    const o = reportTransaction(REV, view, tx({ status: 'unchanged', changed: [] }), {
      holdsRevision: true,
    }).outcome;
    const first = nextStatus(node(), o, now);
    const again = nextStatus(node(first), o, new Date('2026-05-01T11:00:00Z'));
    expect(statusDiffers(first, again)).toBe(false);
    const pending = nextStatus(
      node(first),
      reportDecision(
        REV,
        view,
        { kind: 'wait', state: 'PendingRestart', message: 'm' },
        { holdsRevision: true },
      ).outcome,
      new Date('2026-05-01T12:00:00Z'),
    );
    expect(statusDiffers(first, pending)).toBe(true);
    expect(pending.conditions?.find((c) => c.type === 'Drifted')).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-05-01T12:00:00Z',
    });
  });
});

describe('buildEvent', () => {
  it('an events.k8s.io/v1 Event regarding the MirrorNode, in `default` (a cluster-scoped object), within the limits', () => {
    const e = buildEvent({
      reason: 'RolledBack',
      note: 'n'.repeat(2000),
      node: { name: 'w'.repeat(253), uid: 'u1', resourceVersion: '7' },
      instance: 'i'.repeat(300),
      now: new Date('2026-05-01T10:00:00.123Z'),
      seq: 7,
    });
    const meta = e.metadata as { name: string; namespace: string };
    expect(meta.namespace).toBe(EVENTS_NAMESPACE);
    expect(meta.name.length).toBeLessThanOrEqual(253);
    expect(e.type).toBe('Warning');
    expect(e.action).toBe('Rollback');
    expect(e.eventTime).toBe('2026-05-01T10:00:00.123000Z');
    expect(String(e.note).length).toBe(1024);
    expect(String(e.reportingInstance).length).toBe(128);
    expect(e.reportingController).toBe('mirrorctl.io/agent');
    expect(e.regarding).toEqual({
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorNode',
      name: 'w'.repeat(253),
      uid: 'u1',
      resourceVersion: '7',
    });
    expect(microTime(new Date('2026-01-02T03:04:05.006Z'))).toBe('2026-01-02T03:04:05.006000Z');
  });
});
