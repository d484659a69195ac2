// Issue 15.3: a runtime action deferred by --no-runtime-action is remembered in state.json and
// owed by every later apply until one performs it (or verify observes it, clearObservedAction).
import { describe, expect, test } from 'vitest';
import { freshFs, hostOn, plan, plan2 } from '../../test/faults/fixture.js';
import { memoryFs } from '../host/memory-fs.js';
import { applyPlan } from './apply.js';
import { clearObservedAction } from './pending-action.js';
import { rollbackLast } from './rollback.js';
import { recoverHost } from './session.js';
import { readJsonDoc, txStateSchema } from './state-files.js';
import { isInSync, nodeStatus } from './status.js';
import { fakeProbe, fakeRuntime, fakeTxOptions } from './testing.js';

const stateOf = async (fs: ReturnType<typeof freshFs>) => {
  const r = await readJsonDoc(fs, '/var/lib/mirrorctl/state.json', txStateSchema);
  if (!r.ok || !r.value) throw new Error('no state.json');
  return r.value;
};
const evidence = { criConfigPath: '/etc/containerd/certs.d' };

describe('a deferred restart', () => {
  test('is recorded, reported by status, and owed by a later hosts.toml-only apply', async () => {
    const fs = freshFs();
    const rt = fakeRuntime();
    // GIVEN apply --no-runtime-action of a config.toml change (restart needed)
    const deferred = await applyPlan(plan, hostOn(fs), fakeTxOptions(rt, { deferAction: true }), {
      evidence,
    });
    expect(deferred.status).toBe('applied');
    expect(rt.calls).toEqual([]);
    const pending = (await stateOf(fs)).pendingAction;
    expect(pending).toMatchObject({
      action: { kind: 'restart', service: 'containerd' },
      txid: deferred.txid,
      evidence,
    });
    // THEN status is not "in sync"
    const s = await nodeStatus(fs);
    expect(s.pendingAction?.txid).toBe(deferred.txid);
    expect(isInSync(s)).toBe(false);
    // AND a hosts.toml-only apply, deferred again, keeps owing it (with its evidence)
    const again = await applyPlan(plan2, hostOn(fs), fakeTxOptions(rt, { deferAction: true }));
    expect(again.status).toBe('applied');
    expect(rt.calls).toEqual([]);
    expect((await stateOf(fs)).pendingAction).toEqual(pending);
    // AND a hosts.toml-only apply that may act performs the owed restart, then it is done
    const owed = await applyPlan({ ...plan2, changes: [] }, hostOn(fs), fakeTxOptions(rt));
    expect(owed.status).toBe('applied');
    expect(owed.action).toMatchObject({ kind: 'restart', service: 'containerd' });
    expect(owed.action?.reason).toContain(`deferred by --no-runtime-action`);
    expect(rt.calls).toEqual(['restart containerd', 'health containerd']);
    const after = await stateOf(fs);
    expect(after.pendingAction).toBeUndefined();
    // The restart alone changed no file: no history record for rollback to "undo".
    expect(after.history.map((h) => h.specHash)).toEqual(['spec-1', 'spec-2']);
    expect(isInSync(await nodeStatus(fs))).toBe(true);
    expect((await applyPlan({ ...plan2, changes: [] }, hostOn(fs), fakeTxOptions(rt))).status).toBe(
      'unchanged',
    );
  });

  test('an apply with file changes performs the owed action with its own', async () => {
    const fs = freshFs();
    const rt = fakeRuntime();
    await applyPlan(plan, hostOn(fs), fakeTxOptions(rt, { deferAction: true }));
    const r = await applyPlan(plan2, hostOn(fs), fakeTxOptions(rt));
    expect(r.status).toBe('applied');
    expect(rt.calls).toEqual(['restart containerd', 'health containerd']);
    expect((await stateOf(fs)).pendingAction).toBeUndefined();
  });

  test('an owed restart that fails health: rolled back, still owed', async () => {
    const fs = freshFs();
    const rt = fakeRuntime();
    await applyPlan(plan, hostOn(fs), fakeTxOptions(rt, { deferAction: true }));
    rt.healthResults.push({ ok: false, error: 'CRI plugin not loaded' });
    const r = await applyPlan({ ...plan2, changes: [] }, hostOn(fs), fakeTxOptions(rt));
    expect(r.status).toBe('rolled-back');
    expect((await stateOf(fs)).pendingAction?.action.kind).toBe('restart');
  });

  test('observed done (verify): cleared under the lock; a stale txid is left alone', async () => {
    const fs = freshFs();
    const r = await applyPlan(plan, hostOn(fs), fakeTxOptions(fakeRuntime(), { deferAction: true }), {
      evidence,
    });
    const now = new Date('2026-11-25T18:00:00Z');
    expect(await clearObservedAction(fs, '/var/lib/mirrorctl', fakeProbe(), now, 'other')).toBe('gone');
    expect((await stateOf(fs)).pendingAction).toBeDefined();
    expect(await clearObservedAction(fs, '/var/lib/mirrorctl', fakeProbe(), now, r.txid ?? '')).toBe(
      'cleared',
    );
    expect((await stateOf(fs)).pendingAction).toBeUndefined();
    expect(await fs.stat('/var/lib/mirrorctl/lock')).toBeNull();
  });

  test('a rollback deferred is owed too; recovery that cannot restart records it', async () => {
    const fs = freshFs();
    const rt = fakeRuntime();
    await applyPlan(plan, hostOn(fs), fakeTxOptions(rt));
    const rb = await rollbackLast(hostOn(fs), fakeTxOptions(rt, { deferAction: true }));
    expect(rb.status).toBe('applied');
    expect((await stateOf(fs)).pendingAction?.action.kind).toBe('restart');
    // An apply killed after its restart began, recovered by a run that defers the action:
    const crashed = freshFs();
    await applyPlan(
      plan,
      hostOn(crashed),
      fakeTxOptions(fakeRuntime(), {
        onStep: (step) => {
          if (step === 'restart') crashed.setFaults({ crashAfter: 0 });
        },
      }),
    ).catch(() => {});
    const fs2 = memoryFs(crashed.snapshot());
    const rec = await recoverHost(hostOn(fs2), fakeTxOptions(fakeRuntime(), { deferAction: true }));
    expect(rec.recovered?.outcome).toBe('rolled-back');
    expect((await stateOf(fs2)).pendingAction?.action.kind).toBe('restart');
  });
});
