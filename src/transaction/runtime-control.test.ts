import { describe, expect, test } from 'vitest';
import { BEFORE, freshFs, hostOn, plan } from '../../test/faults/fixture.js';
import { execRunner } from '../host/exec-runner.js';
import { memoryFs } from '../host/memory-fs.js';
import { snapshotTree } from '../host/testing.js';
import type { RuntimeAction } from '../plan/types.js';
import { applyPlan } from './apply.js';
import { commandRuntimeControl, controlArgv, runsInPod } from './runtime-control.js';
import { fakeRuntime, fakeTxOptions } from './testing.js';

const restart: RuntimeAction = { kind: 'restart', service: 'containerd', reason: 'r' };
const reload: RuntimeAction = { kind: 'reload', service: 'crio', reason: 'r' };

describe('controlArgv', () => {
  test.each([
    ['systemctl on the node', restart, { inPod: false }, ['systemctl', 'restart', 'containerd']],
    [
      'through nsenter in a pod',
      reload,
      { inPod: true },
      ['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--', 'systemctl', 'reload', 'crio'],
    ],
    [
      'the operator command wins',
      restart,
      { inPod: true, restartCommand: ['sh', '-c', 'x'] },
      ['sh', '-c', 'x'],
    ],
    [
      'a reload command does not replace restart',
      restart,
      { inPod: false, reloadCommand: ['y'] },
      ['systemctl', 'restart', 'containerd'],
    ],
    ['none runs nothing', { ...restart, kind: 'none' as const }, { inPod: false }, null],
  ])('%s', (_name, action, o, want) => {
    expect(controlArgv(action, o)).toEqual(want);
  });

  test('runsInPod', () => {
    expect(runsInPod({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe(true);
    expect(runsInPod({})).toBe(false);
  });
});

describe('real restart commands through execRunner', () => {
  const run = execRunner();
  test.each([
    [
      'fails',
      ['sh', '-c', 'echo "Job for containerd.service failed" >&2; exit 1'],
      /exit 1\): Job for containerd.service failed/,
    ],
    ['hangs past the timeout', ['sleep', '30'], /did not finish within 300 ms/],
  ])('a restart command that %s → restored and rolled-back (exit 3)', async (_name, argv, error) => {
    const fs = freshFs();
    const rt = fakeRuntime();
    // The first restart is the real command; the one after the restore succeeds.
    const real = commandRuntimeControl(run, { inPod: false, restartCommand: argv });
    let calls = 0;
    const control = {
      perform: async (a: RuntimeAction, timeoutMs: number) =>
        ++calls === 1 ? real.perform(a, timeoutMs) : { ok: true as const, detail: 'ok' },
    };
    const r = await applyPlan(plan, hostOn(fs), fakeTxOptions(rt, { control, actionTimeoutMs: 300 }));
    expect(r.status).toBe('rolled-back');
    expect(r.runtimeError).toMatch(error);
    expect(calls).toBe(2);
    expect(await snapshotTree(fs)).toEqual(await snapshotTree(memoryFs(BEFORE)));
  });

  test('a succeeding command reports done', async () => {
    const c = commandRuntimeControl(run, { inPod: false, restartCommand: ['true'] });
    expect(await c.perform(restart, 5000)).toEqual({ ok: true, detail: '`true` done' });
  });
});
