// A real transaction process killed with SIGKILL after every step of apply, rollback and uninstall
// (nodeFs over a temp root); the next run in this process takes the dead holder's lock over and
// recovers: the tree is exactly the old or the new one, and the operation then completes.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { materialize } from '../../src/host/materialize.js';
import { nodeFs } from '../../src/host/node-fs.js';
import type { Host } from '../../src/host/ports.js';
import { processProbe } from '../../src/host/process-probe.js';
import { snapshotTree } from '../../src/host/testing.js';
import { applyPlan } from '../../src/transaction/apply.js';
import { rollbackLast } from '../../src/transaction/rollback.js';
import { recoverHost } from '../../src/transaction/session.js';
import { fakeRuntime, fakeTxOptions } from '../../src/transaction/testing.js';
import type { TxOptions, TxResult } from '../../src/transaction/types.js';
import { uninstallAll } from '../../src/transaction/uninstall.js';
import { BEFORE, hostOn, plan } from './fixture.js';

const base = mkdtempSync(join(tmpdir(), 'mirrorctl-sigkill-'));
afterAll(() => execFileSync('rm', ['-rf', base]));
const CHILD = join(base, 'tx-child.mjs');
let seq = 0;

// One bundle instead of `--import tsx` per spawn: a child then starts in ~0.1 s, not seconds.
beforeAll(async () => {
  await build({
    entryPoints: [join(import.meta.dirname, 'tx-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: CHILD,
    logLevel: 'silent',
  });
});

type Op = 'apply' | 'rollback' | 'uninstall';
const inProcess: Record<Op, (h: Host, o: TxOptions) => Promise<TxResult>> = {
  apply: (h, o) => applyPlan(plan, h, o),
  rollback: rollbackLast,
  uninstall: uninstallAll,
};

/** A root holding the tree the operation starts from. */
async function startRoot(op: Op): Promise<string> {
  const root = join(base, `${op}-${++seq}`);
  materialize(root, BEFORE);
  if (op !== 'apply')
    expect((await applyPlan(plan, hostOn(nodeFs({ root })), fakeTxOptions(fakeRuntime()))).status).toBe(
      'applied',
    );
  return root;
}

function runChild(
  root: string,
  op: Op,
  pauseAt: string,
): Promise<{ out: string; child: ChildProcess; paused: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, root, op, pauseAt], {
      cwd: join(import.meta.dirname, '../..'),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (pauseAt && out.includes('PAUSED\n')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ out, child, paused: true });
      else if (code === 0) resolve({ out, child, paused: false });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

const files = (root: string) => snapshotTree(nodeFs({ root }), { exclude: ['/var'] });

describe.each(['apply', 'rollback', 'uninstall'] as const)('SIGKILL during %s', (op) => {
  test('at every step, the next run recovers to exactly the old or the new tree', {
    timeout: 300_000,
  }, async () => {
    // GIVEN the steps of an uninterrupted run and the trees before and after it
    const cleanRoot = await startRoot(op);
    const old = await files(cleanRoot);
    const clean = await runChild(cleanRoot, op, '');
    const result = JSON.parse(clean.out) as TxResult;
    expect(result.status).toBe('applied');
    const after = await files(cleanRoot);
    const steps = result.steps.map((s) => s.step);
    expect(steps.length).toBeGreaterThan(5);
    const seen = new Set<string>();
    for (const stepName of steps) {
      // WHEN the process is SIGKILLed right after this step
      const root = await startRoot(op);
      const killed = await runChild(root, op, stepName);
      expect(killed.paused).toBe(true);
      // THEN the next run (this process) takes the lock over and recovers
      const opts: TxOptions = { ...fakeTxOptions(fakeRuntime()), probe: processProbe() };
      const rec = await recoverHost(hostOn(nodeFs({ root })), opts);
      expect(rec.status, JSON.stringify(rec.diagnostics)).toBe('unchanged');
      expect(rec.steps[0]?.message).toContain('taken over from dead pid');
      const tree = await files(root);
      const which = JSON.stringify(tree) === JSON.stringify(old) ? 'old' : 'new';
      expect(tree).toEqual(which === 'old' ? old : after);
      seen.add(which);
      for (const f of ['journal.json', 'lock'])
        expect(existsSync(join(root, 'var/lib/mirrorctl', f))).toBe(false);
      // The restart had happened iff recovery had to restart again after restoring.
      const restarted = existsSync(`${root}.restarts`) && readFileSync(`${root}.restarts`, 'utf8').length > 0;
      if (restarted && which === 'old') expect(rec.recovered?.outcome).toBe('rolled-back');
      // AND the operation then completes
      const again = await inProcess[op](hostOn(nodeFs({ root })), opts);
      expect(['applied', 'unchanged']).toContain(again.status);
      expect(await files(root)).toEqual(after);
    }
    expect(seen).toEqual(new Set(['old', 'new']));
  });
});
