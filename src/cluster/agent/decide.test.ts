// The agent's decisions, table-driven: refuse / wait for a permit / apply / in sync, for the
// long-running agent (may not act) and the apply Job (may act); the permit check of the Job.
import { describe, expect, it } from 'vitest';
import type { MirrorNodeObject } from '../api/mirrornode.js';
import { stalePermit } from './apply-job.js';
import { changeSummary, decideApply, decideUninstall, targetMismatch } from './decide.js';
import type { PlanView, UninstallView } from './plan-view.js';

const action = (kind: 'none' | 'reload' | 'restart') => ({
  kind,
  service: kind === 'reload' ? ('crio' as const) : ('containerd' as const),
  reason: kind === 'none' ? 'hosts.toml only' : 'config changed',
});
const view = (o: Partial<PlanView> = {}): PlanView => ({
  changes: [{ path: '/etc/containerd/certs.d/docker.io/hosts.toml', kind: 'create' }],
  action: action('none'),
  detectedTarget: 'containerd',
  runtime: 'containerd://1.7.24',
  warnings: [],
  ...o,
});

describe('decideApply', () => {
  it.each([
    ['hot change, agent', view(), false, { kind: 'apply' }],
    ['hot change, Job', view(), true, { kind: 'apply' }],
    ['nothing to change', view({ changes: [] }), false, { kind: 'in-sync' }],
    ['restart, agent', view({ action: action('restart') }), false, { kind: 'wait', state: 'PendingRestart' }],
    ['reload, agent', view({ action: action('reload') }), false, { kind: 'wait', state: 'PendingReload' }],
    ['restart, Job', view({ action: action('restart') }), true, { kind: 'apply' }],
    // an owed restart with no file change still needs the permit
    [
      'owed restart only',
      view({ changes: [], action: action('restart') }),
      false,
      { state: 'PendingRestart' },
    ],
    [
      'interrupted tx, agent',
      view({ interrupted: 'tx-1' }),
      false,
      { kind: 'wait', state: 'PendingRestart' },
    ],
    ['interrupted tx, Job', view({ interrupted: 'tx-1' }), true, { kind: 'apply' }],
    [
      'refused by the planner',
      view({ refusal: { message: 'legacy mirrors', unsupported: false } }),
      true,
      { kind: 'refuse', state: 'Failed', message: 'legacy mirrors' },
    ],
    [
      'distribution-owned node',
      view({ refusal: { message: 'OpenShift owns it', unsupported: true } }),
      false,
      { kind: 'refuse', state: 'Unsupported' },
    ],
  ] as const)('%s', (_name, plan, mayAct, expected) => {
    expect(decideApply({ plan, mayAct, expectedTarget: 'containerd' })).toMatchObject(expected);
  });

  it('a restart-needing plan says what would change and why, and that nothing was written', () => {
    const d = decideApply({
      plan: view({
        action: action('restart'),
        changes: [
          { path: '/etc/containerd/config.toml', kind: 'update' },
          { path: '/etc/containerd/certs.d/docker.io/hosts.toml', kind: 'create' },
        ],
      }),
      mayAct: false,
    });
    expect(d).toEqual({
      kind: 'wait',
      state: 'PendingRestart',
      message:
        '2 file(s) to change: /etc/containerd/config.toml (update), /etc/containerd/certs.d/docker.io/hosts.toml (create); containerd restart needed (config changed): waiting for a permit (nothing written)',
    });
  });

  it.each([
    ['restart needed, reload permit', action('restart'), 'reload', { kind: 'wait', state: 'PendingRestart' }],
    ['restart needed, restart permit', action('restart'), 'restart', { kind: 'apply' }],
    ['reload needed, reload permit', action('reload'), 'reload', { kind: 'apply' }],
    ['reload needed, restart permit', action('reload'), 'restart', { kind: 'apply' }],
  ] as const)('the Job with a permit: %s', (_name, needed, permitted, expected) => {
    const plan = view({ action: needed, changes: [{ path: '/etc/containerd/config.toml', kind: 'update' }] });
    const d = decideApply({ plan, mayAct: true, permitted });
    expect(d).toMatchObject(expected);
    if (d.kind === 'wait') expect(d.message).toContain('more than this permit allows (reload)');
  });

  it('an interrupted transaction is not recovered under a reload permit (recovery may restart)', () => {
    const d = decideApply({ plan: view({ interrupted: 'tx-1' }), mayAct: true, permitted: 'reload' });
    expect(d).toMatchObject({ kind: 'wait', state: 'PendingRestart' });
  });

  it('lists at most 8 files', () => {
    const changes = Array.from({ length: 10 }, (_, i) => ({ path: `/f${i}`, kind: 'create' as const }));
    expect(changeSummary(changes)).toMatch(/\/f7 \(create\), and 2 more$/);
  });
});

describe('the detected target against the one the controller expects', () => {
  it.each([
    [undefined, 'containerd', undefined],
    ['containerd', 'containerd', undefined],
    ['k3s', 'k3s', undefined],
    [
      'crio',
      'containerd',
      'the node runs containerd (containerd://1.7.24), but the controller expected crio',
    ],
    ['containerd', 'k3s', 'the node runs k3s'],
    ['docker', 'crio', 'but the controller expected docker'],
  ] as const)('expected %s, detected %s', (expected, detected, message) => {
    const m = targetMismatch(expected, view({ detectedTarget: detected }));
    if (message === undefined) expect(m).toBeUndefined();
    else expect(m).toContain(message);
  });

  it('a mismatch refuses before anything, even for the Job', () => {
    expect(decideApply({ plan: view(), mayAct: true, expectedTarget: 'docker' })).toMatchObject({
      kind: 'refuse',
      state: 'Failed',
    });
  });
});

describe('decideUninstall', () => {
  const u = (o: Partial<UninstallView>): UninstallView => ({
    present: true,
    files: ['/etc/containerd/config.toml'],
    action: action('restart'),
    ...o,
  });
  it.each([
    ['nothing of mirrorctl', u({ present: false, files: [] }), false, { kind: 'in-sync' }],
    ['state dir only', u({ files: [], action: action('none') }), false, { kind: 'apply' }],
    ['hosts.toml only', u({ action: action('none') }), false, { kind: 'apply' }],
    ['config.toml, agent', u({}), false, { kind: 'wait', state: 'PendingRestart' }],
    ['config.toml, Job', u({}), true, { kind: 'apply' }],
    ['config.toml, Job with a reload permit', u({}), 'reload', { kind: 'wait', state: 'PendingRestart' }],
    ['daemon.json, Job with a reload permit', u({ action: action('reload') }), 'reload', { kind: 'apply' }],
    ['refused (drift)', u({ refusal: 'changed since mirrorctl wrote it' }), true, { kind: 'refuse' }],
  ] as const)('%s', (_name, v, act, expected) => {
    const input = act === 'reload' ? { mayAct: true, permitted: act } : { mayAct: act };
    expect(decideUninstall({ view: v, ...input })).toMatchObject(expected);
  });
});

describe('stalePermit (the apply Job acts only for the revision its permit names)', () => {
  const node = (spec: Partial<MirrorNodeObject['spec']>): MirrorNodeObject => ({
    apiVersion: 'mirrorctl.io/v1alpha1',
    kind: 'MirrorNode',
    metadata: { name: 'w1' },
    spec: { mirrorSet: 'lab', revision: 'aaaaaaaaaaaa', controllerRevision: 'cr', mode: 'apply', ...spec },
  });
  const permit = (revision: string) => ({
    revision,
    wave: 1,
    grantedAt: '2026-01-01T00:00:00Z',
    action: 'restart' as const,
  });
  it.each([
    ['valid', node({ permit: permit('aaaaaaaaaaaa') }), undefined],
    ['no permit', node({}), 'holds no permit'],
    [
      'permit for another revision',
      node({ permit: permit('bbbbbbbbbbbb') }),
      'permit is for revision bbbbbbbbbbbb',
    ],
    [
      'spec moved on, permit left behind',
      node({ revision: 'cccccccccccc', permit: permit('aaaaaaaaaaaa') }),
      'now wants revision cccccccccccc',
    ],
  ] as const)('%s', (_name, n, message) => {
    const s = stalePermit(n, 'aaaaaaaaaaaa');
    if (message === undefined) expect(s).toBeUndefined();
    else expect(s).toContain(message);
  });
});
