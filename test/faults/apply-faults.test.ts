// Fault matrix for apply, rollback and uninstall over memoryFs: ENOSPC/EROFS on every write,
// rename and fsync, a persistent read-only disk from every write on, and a crash after every
// primitive step followed by a fresh "process" that recovers.
import { describe, expect, test } from 'vitest';
import { type MemoryTree, memoryFs } from '../../src/host/memory-fs.js';
import { snapshotTree } from '../../src/host/testing.js';
import { applyPlan } from '../../src/transaction/apply.js';
import { rollbackLast } from '../../src/transaction/rollback.js';
import { recoverHost } from '../../src/transaction/session.js';
import { fakeRuntime, fakeTxOptions } from '../../src/transaction/testing.js';
import { uninstallAll } from '../../src/transaction/uninstall.js';
import { BEFORE, hostOn, plan, plan2 } from './fixture.js';
import {
  cleanRun,
  expectConsistent,
  faultPoints,
  nodeFiles,
  runWithFaults,
  type Scenario,
} from './matrix.js';

async function appliedTree(...plans: (typeof plan)[]): Promise<MemoryTree> {
  const fs = memoryFs(BEFORE);
  for (const p of plans)
    expect((await applyPlan(p, hostOn(fs), fakeTxOptions(fakeRuntime()))).status).toBe('applied');
  return fs.snapshot();
}

const scenarios: Record<string, () => Promise<Scenario>> = {
  apply: async () => ({ start: BEFORE, run: (h, o) => applyPlan(plan, h, o) }),
  rollback: async () => ({ start: await appliedTree(plan), run: (h, o) => rollbackLast(h, o) }),
  uninstall: async () => ({ start: await appliedTree(plan, plan2), run: (h, o) => uninstallAll(h, o) }),
};

describe.each(Object.keys(scenarios))('%s under faults', (name) => {
  test('ENOSPC and EROFS on every write, rename and fsync: old or new tree, never mixed', async () => {
    const s = await scenarios[name]!();
    const clean = await cleanRun(s);
    const points = faultPoints(clean.counts);
    expect(points.length).toBeGreaterThan(20);
    const seen = new Set<string>();
    for (const { op, nth } of points)
      for (const errno of ['ENOSPC', 'EROFS'] as const) {
        const o = await runWithFaults(s, { fail: [{ op, nth, errno }] }, clean.after);
        await expectConsistent(o);
        seen.add(o.result?.status ?? 'crash');
        // Whatever happened, the next run converges to the new tree.
        const again = await s.run(hostOn(o.fs), fakeTxOptions(fakeRuntime()));
        expect(['applied', 'unchanged']).toContain(again.status);
        expect(await nodeFiles(o.fs)).toEqual(clean.after);
      }
    // The matrix really exercised the failure paths.
    expect(seen.has('failed') || seen.has('rolled-back')).toBe(true);
    expect(seen.has('rolled-back')).toBe(true);
  });

  test('a disk that turns read-only at every write: rollback-failed or restored; the next run recovers', async () => {
    const s = await scenarios[name]!();
    const clean = await cleanRun(s);
    for (let nth = 1; nth <= clean.counts.write; nth++) {
      const o = await runWithFaults(
        s,
        { fail: [{ op: 'write', nth, errno: 'EROFS', sticky: true }] },
        clean.after,
      );
      if (o.result?.status === 'rollback-failed') {
        expect(o.result.diagnostics.some((d) => d.code === 'agent.rollback.failed')).toBe(true);
        expect(await o.fs.stat('/var/lib/mirrorctl/journal.json')).not.toBeNull();
        const rec = await recoverHost(hostOn(o.fs), fakeTxOptions(fakeRuntime()));
        expect(rec.recovered?.outcome).toBe('rolled-back');
        expect(await nodeFiles(o.fs)).toEqual(await nodeFiles(memoryFs(s.start)));
      } else await expectConsistent(o);
    }
  });

  test('a crash after every primitive step: a fresh process recovers to exactly the old or the new tree', async () => {
    const s = await scenarios[name]!();
    const clean = await cleanRun(s);
    const old = await nodeFiles(memoryFs(s.start));
    const outcomes = new Set<string>();
    for (let n = 0; n < clean.counts.steps; n++) {
      const crashed = await runWithFaults(s, { crashAfter: n }, clean.after);
      const fs = memoryFs(crashed.fs.snapshot());
      const rt = fakeRuntime();
      const rec = await recoverHost(hostOn(fs), fakeTxOptions(rt));
      expect(rec.status).toBe('unchanged');
      const tree = await nodeFiles(fs);
      const which = JSON.stringify(tree) === JSON.stringify(old) ? 'old' : 'new';
      expect(tree).toEqual(which === 'old' ? old : clean.after);
      outcomes.add(`${which}:${rec.recovered?.outcome ?? 'none'}`);
      // Only the journal's own process may have restarted the runtime: recovery restarts again iff
      // it undid a transaction whose action had started.
      if (rt.calls.length > 0) expect(rec.recovered?.outcome).toBe('rolled-back');
      for (const f of ['journal.json', 'lock']) expect(await fs.stat(`/var/lib/mirrorctl/${f}`)).toBeNull();
      if (name === 'apply' && which === 'old') {
        // Exactly the old tree, state dir included — except state-dir ancestors created in the
        // instant before the lock file recorded them (3 mkdirs, then the lock file is created empty
        // before its content is written: a crash in those 4 steps leaves them).
        const full = await snapshotTree(fs);
        const pristine = await snapshotTree(memoryFs(BEFORE));
        const leftover = Object.keys(full).filter((k) => !(k in pristine));
        expect(leftover.filter((k) => !(k.startsWith('/var') && full[k]?.startsWith('dir')))).toEqual([]);
        if (n > 4) expect(full).toEqual(pristine);
      }
      // And the operation then completes.
      const again = await s.run(hostOn(fs), fakeTxOptions(fakeRuntime()));
      expect(['applied', 'unchanged']).toContain(again.status);
      expect(await nodeFiles(fs)).toEqual(clean.after);
    }
    expect(outcomes.has('old:rolled-back')).toBe(true);
    expect(outcomes.has('old:discarded') || outcomes.has('old:none')).toBe(true);
    expect(outcomes.has('new:committed') || outcomes.has('new:none')).toBe(true);
  });
});
