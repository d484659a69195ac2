// The fault matrix driver: run one transaction (apply, rollback, uninstall) with a fault injected at
// every possible point (each write/rename/fsync failing with ENOSPC or EROFS, or a crash after each
// primitive step) and check the invariant of issue 7: every file is either all old or all new, the
// result says which, and the next run (recovery) finishes cleanly.
import { expect } from 'vitest';
import {
  type FaultOp,
  type Faults,
  type MemoryFs,
  type MemoryTree,
  memoryFs,
} from '../../src/host/memory-fs.js';
import type { Host } from '../../src/host/ports.js';
import { snapshotTree } from '../../src/host/testing.js';
import { type FakeRuntime, fakeRuntime, fakeTxOptions } from '../../src/transaction/testing.js';
import type { TxOptions, TxResult } from '../../src/transaction/types.js';
import { hostOn } from './fixture.js';

export type Operation = (host: Host, opts: TxOptions) => Promise<TxResult>;

/** Node files only: the state dir is checked separately (journal/lock must be gone). */
export const nodeFiles = (fs: MemoryFs) => snapshotTree(fs, { exclude: ['/var'] });

export interface Scenario {
  /** Tree before the operation. */
  start: MemoryTree;
  run: Operation;
}

export async function cleanRun(
  s: Scenario,
): Promise<{ counts: ReturnType<MemoryFs['counts']>; after: Record<string, string> }> {
  const fs = memoryFs(s.start);
  const r = await s.run(hostOn(fs), fakeTxOptions(fakeRuntime()));
  expect(r.status).toBe('applied');
  return { counts: fs.counts(), after: await nodeFiles(fs) };
}

export interface Outcome {
  fs: MemoryFs;
  rt: FakeRuntime;
  result?: TxResult;
  tree: 'old' | 'new' | 'mixed';
}

export async function runWithFaults(
  s: Scenario,
  faults: Faults,
  after: Record<string, string>,
): Promise<Outcome> {
  const fs = memoryFs(s.start, faults);
  const rt = fakeRuntime();
  let result: TxResult | undefined;
  try {
    result = await s.run(hostOn(fs), fakeTxOptions(rt));
  } catch {
    // Only a simulated crash may escape (the "process" died).
    expect(faults.crashAfter).toBeDefined();
  }
  fs.setFaults({});
  const old = await nodeFiles(memoryFs(s.start));
  const now = await nodeFiles(fs);
  const tree =
    JSON.stringify(now) === JSON.stringify(old)
      ? 'old'
      : JSON.stringify(now) === JSON.stringify(after)
        ? 'new'
        : 'mixed';
  return { fs, rt, ...(result ? { result } : {}), tree };
}

/** An I/O fault: the result must match the tree, and nothing may be pending but a failed rollback. */
export async function expectConsistent(o: Outcome): Promise<void> {
  const r = o.result;
  expect(r).toBeDefined();
  if (!r) return;
  if (r.status === 'rollback-failed') return; // checked by the caller's recovery run
  expect(o.tree).not.toBe('mixed');
  expect(o.tree).toBe(r.status === 'applied' ? 'new' : 'old');
  expect(await o.fs.stat('/var/lib/mirrorctl/journal.json')).toBeNull();
  expect(await o.fs.stat('/var/lib/mirrorctl/lock')).toBeNull();
}

export const FAULT_OPS: readonly FaultOp[] = ['write', 'rename', 'fsync'];

/** Every (op, nth) pair a clean run reaches. */
export function faultPoints(counts: Record<FaultOp, number>): { op: FaultOp; nth: number }[] {
  return FAULT_OPS.flatMap((op) => Array.from({ length: counts[op] }, (_, i) => ({ op, nth: i + 1 })));
}
