// Issue 15.2 at the engine: a plan made while a transaction was interrupted is refused where the
// lock's recovery restored a file the plan took as done (it would stay old, reported "unchanged").
import { describe, expect, test } from 'vitest';
import { BEFORE, hostOn, plan } from '../../test/faults/fixture.js';
import { memoryFs } from '../host/memory-fs.js';
import { snapshotTree } from '../host/testing.js';
import { applyPlan, STALE_AFTER_RECOVERY } from './apply.js';
import { fakeRuntime, fakeTxOptions } from './testing.js';

describe('a plan that predates the recovery', () => {
  test('takes the restored files as done: refused, naming them', async () => {
    // GIVEN the half-applied tree (files new, journal pending) as a crashed apply leaves it
    const fs = memoryFs(BEFORE);
    const rt = fakeRuntime();
    let killed = false;
    const opts = fakeTxOptions(rt, {
      onStep: (step) => {
        if (step === 'health' && !killed) {
          killed = true;
          fs.setFaults({ crashAfter: 0 });
        }
      },
    });
    await applyPlan(plan, hostOn(fs), opts).catch(() => {});
    const crashed = memoryFs(fs.snapshot());
    expect(await crashed.stat('/var/lib/mirrorctl/journal.json')).not.toBeNull();
    // WHEN a plan computed on that tree (nothing left to change) is applied
    const inSync = { ...plan, changes: [], action: { ...plan.action, kind: 'none' as const } };
    const r = await applyPlan(inSync, hostOn(crashed), fakeTxOptions(fakeRuntime()));
    // THEN recovery rolled the files back, and the stale plan is refused, not "unchanged"
    expect(r.recovered?.outcome).toBe('rolled-back');
    expect(r.status).toBe('refused');
    expect(r.diagnostics.map((d) => d.code)).toContain(STALE_AFTER_RECOVERY);
    expect(r.diagnostics.map((d) => d.file)).toContain('/etc/containerd/config.toml');
    expect(await snapshotTree(crashed, { exclude: ['/var'] })).toEqual(
      await snapshotTree(memoryFs(BEFORE), { exclude: ['/var'] }),
    );
    // AND the full plan (a change for every restored file) applies after the recovery as before
    const again = await applyPlan(plan, hostOn(crashed), fakeTxOptions(fakeRuntime()));
    expect(again.status).toBe('applied');
  });
});
