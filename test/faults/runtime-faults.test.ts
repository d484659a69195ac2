// The runtime failing after rollback and uninstall, not only after apply (src/transaction/lifecycle.test.ts
// covers apply): the restart command failing, hanging past its timeout, or the runtime coming back
// without its CRI plugin. Each must leave the node files exactly old or new, say what happened
// (status, runtimeError, a diagnostic), clear or keep the journal consistently, and the next run
// (recovery, then the operation again) must converge to the operation's clean result.
import { describe, expect, test } from 'vitest';
import { type MemoryTree, memoryFs } from '../../src/host/memory-fs.js';
import type { Host } from '../../src/host/ports.js';
import { applyPlan } from '../../src/transaction/apply.js';
import { rollbackLast } from '../../src/transaction/rollback.js';
import { recoverHost } from '../../src/transaction/session.js';
import { fakeRuntime, fakeTxOptions, holdLock } from '../../src/transaction/testing.js';
import type { TxResult } from '../../src/transaction/types.js';
import { exitCodeFor } from '../../src/transaction/types.js';
import { uninstallAll } from '../../src/transaction/uninstall.js';
import { BEFORE, hostOn, plan, plan2 } from './fixture.js';
import { nodeFiles } from './matrix.js';

async function appliedTree(...plans: (typeof plan)[]): Promise<MemoryTree> {
  const fs = memoryFs(BEFORE);
  for (const p of plans)
    expect((await applyPlan(p, hostOn(fs), fakeTxOptions(fakeRuntime()))).status).toBe('applied');
  return fs.snapshot();
}

type Run = (h: Host, o: ReturnType<typeof fakeTxOptions>) => Promise<TxResult>;
const OPERATIONS: Record<string, () => Promise<{ start: MemoryTree; run: Run }>> = {
  rollback: async () => ({ start: await appliedTree(plan), run: (h, o) => rollbackLast(h, o) }),
  uninstall: async () => ({ start: await appliedTree(plan, plan2), run: (h, o) => uninstallAll(h, o) }),
};

const down = (error: string, timedOut = false) => ({ ok: false as const, error, timedOut });
const FAULTS = [
  { name: 'the restart command fails', control: [down('Job for containerd.service failed')], health: [] },
  {
    name: 'the restart command hangs past its timeout',
    control: [down('did not finish within 1000 ms', true)],
    health: [],
  },
  {
    name: 'the runtime comes back without its CRI plugin',
    control: [],
    health: [{ ok: false as const, error: 'unimplemented' }],
  },
  {
    name: 'the CRI plugin stays missing, even after the files are put back',
    control: [],
    health: [
      { ok: false as const, error: 'unimplemented' },
      { ok: false as const, error: 'unimplemented' },
    ],
  },
];

describe.each(Object.keys(OPERATIONS))('%s when the runtime fails', (name) => {
  test.each(FAULTS)('$name', async (f) => {
    const op = await OPERATIONS[name]!();
    const cleanFs = memoryFs(op.start);
    const clean = await op.run(hostOn(cleanFs), fakeTxOptions(fakeRuntime()));
    expect(clean.status).toBe('applied');
    expect(clean.action?.kind).toBe('restart'); // the fault really hits a restart
    const oldTree = await nodeFiles(memoryFs(op.start));
    const newTree = await nodeFiles(cleanFs);

    const fs = memoryFs(op.start);
    const rt = fakeRuntime();
    rt.controlResults.push(...f.control);
    rt.healthResults.push(...f.health);
    const r = await op.run(hostOn(fs), fakeTxOptions(rt));
    const tree = await nodeFiles(fs);
    // Never silently "applied", and the result says what the runtime did.
    expect(r.status).not.toBe('applied');
    expect(r.runtimeError, JSON.stringify(r)).toBeTruthy();
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(exitCodeFor(r)).not.toBe(0);
    if (r.status === 'rolled-back') {
      expect(tree).toEqual(oldTree);
      expect(await fs.stat('/var/lib/mirrorctl/journal.json')).toBeNull();
    } else {
      expect(r.status).toBe('rollback-failed');
      // The journal is kept so the next run can finish the undo.
      expect(await fs.stat('/var/lib/mirrorctl/journal.json')).not.toBeNull();
      const rec = await recoverHost(hostOn(fs), fakeTxOptions(fakeRuntime()));
      expect(rec.recovered?.outcome).toBe('rolled-back');
      expect(await nodeFiles(fs)).toEqual(oldTree);
    }
    expect(await fs.stat('/var/lib/mirrorctl/lock')).toBeNull();
    // Once the runtime behaves, the same operation converges to the clean result.
    const again = await op.run(hostOn(fs), fakeTxOptions(fakeRuntime()));
    expect(['applied', 'unchanged']).toContain(again.status);
    expect(await nodeFiles(fs)).toEqual(newTree);
  });
});

describe.each(Object.keys(OPERATIONS))('%s and the lock', (name) => {
  const doc = { pid: 777, startTime: '5', at: '2026-11-25T16:00:00Z', createdDirs: [] };
  const lock = JSON.stringify(doc);
  test('held by a live process: refused, nothing written, runtime untouched', async () => {
    const op = await OPERATIONS[name]!();
    const fs = memoryFs(op.start);
    await holdLock(fs, doc);
    const before = fs.snapshot();
    const rt = fakeRuntime();
    const r = await op.run(hostOn(fs), fakeTxOptions(rt));
    expect(r.status).toBe('refused');
    expect(r.diagnostics[0]?.code).toBe('agent.lock.held');
    expect(fs.snapshot()).toEqual(before);
    expect(rt.calls).toEqual([]);
  });
  test('held by a dead process: taken over, the operation completes', async () => {
    const op = await OPERATIONS[name]!();
    const cleanFs = memoryFs(op.start);
    await op.run(hostOn(cleanFs), fakeTxOptions(fakeRuntime()));
    const fs = memoryFs({ ...op.start, '/var/lib/mirrorctl/lock': lock });
    const r = await op.run(hostOn(fs), fakeTxOptions(fakeRuntime()));
    expect(r.status).toBe('applied');
    expect(r.steps[0]?.message).toContain('taken over from dead pid 777');
    expect(await nodeFiles(fs)).toEqual(await nodeFiles(cleanFs));
  });
});
