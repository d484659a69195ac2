// The transaction lifecycle over memoryFs and a scripted runtime: applyPlan (order, restarts, drift,
// runtime failures, the lock), rollback and uninstall, and nodeStatus afterwards.
import { describe, expect, test } from 'vitest';
import {
  BEFORE,
  CONFIG,
  freshFs,
  hostOn,
  NEW_CONFIG,
  OLD_CONFIG,
  plan,
  plan2,
} from '../../test/faults/fixture.js';
import { memoryFs } from '../host/memory-fs.js';
import { snapshotTree } from '../host/testing.js';
import { applyPlan } from './apply.js';
import { ownedPaths } from './history.js';
import { rollbackLast } from './rollback.js';
import { readJsonDoc, txStateSchema } from './state-files.js';
import { nodeStatus } from './status.js';
import { fakeRuntime, fakeTxOptions, holdLock } from './testing.js';
import { exitCodeFor } from './types.js';
import { uninstallAll } from './uninstall.js';

const STATE = ['/var'];
const beforeTree = async () => snapshotTree(memoryFs(BEFORE));

describe('applyPlan', () => {
  test('applies in order, restarts once, records state; a second apply changes and restarts nothing', async () => {
    const fs = freshFs();
    const rt = fakeRuntime();
    const r = await applyPlan(plan, hostOn(fs), fakeTxOptions(rt));
    expect(r.status).toBe('applied');
    expect(exitCodeFor(r)).toBe(0);
    expect(rt.calls).toEqual(['restart containerd', 'health containerd']);
    const writes = r.steps.filter((s) => /^(write|delete) /.test(s.step)).map((s) => s.step);
    expect(writes).toEqual([
      'write /etc/containerd/certs.d/docker.io/ca.crt',
      'write /etc/containerd/certs.d/docker.io/client.key',
      'write /etc/containerd/certs.d/docker.io/hosts.toml',
      `write ${CONFIG}`,
      'delete /etc/containerd/certs.d/old.io/hosts.toml',
    ]);
    const tree = await snapshotTree(fs, { exclude: STATE });
    expect(tree[CONFIG]).toBe(`file 640 ${NEW_CONFIG}`);
    expect(tree['/etc/containerd/certs.d/docker.io/client.key']).toBe('file 600 PRIVATE-KEY-BYTES\n');
    expect(tree['/etc/containerd/certs.d/old.io/hosts.toml']).toBeUndefined();
    expect(JSON.stringify(r)).not.toContain('PRIVATE-KEY-BYTES');

    const again = await applyPlan(plan, hostOn(fs), fakeTxOptions(rt));
    expect(again.status).toBe('unchanged');
    expect(rt.calls).toHaveLength(2);
    const state = await readJsonDoc(fs, '/var/lib/mirrorctl/state.json', txStateSchema);
    expect(state.ok && state.value && ownedPaths(state.value)).toEqual([
      '/etc/containerd/certs.d/docker.io/ca.crt',
      '/etc/containerd/certs.d/docker.io/client.key',
      '/etc/containerd/certs.d/docker.io/hosts.toml',
    ]);
    expect((await fs.stat('/var/lib/mirrorctl/state.json'))?.mode).toBe(0o600);
  });

  test('refuses on drift before writing anything (exit 5)', async () => {
    const fs = memoryFs({ ...BEFORE, [CONFIG]: `${OLD_CONFIG}# edited\n` });
    const rt = fakeRuntime();
    const r = await applyPlan(plan, hostOn(fs), fakeTxOptions(rt));
    expect(r.status).toBe('refused');
    expect(exitCodeFor(r)).toBe(5);
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([['agent.preflight.drift', CONFIG]]);
    expect(await snapshotTree(fs)).toEqual(
      await snapshotTree(memoryFs({ ...BEFORE, [CONFIG]: `${OLD_CONFIG}# edited\n` })),
    );
    expect(rt.calls).toEqual([]);
  });

  test('a plan with errors is refused', async () => {
    const r = await applyPlan(
      { ...plan, diagnostics: [{ severity: 'error', code: 'x', message: 'bad' }] },
      hostOn(freshFs()),
      fakeTxOptions(fakeRuntime()),
    );
    expect(r.status).toBe('refused');
  });

  const down = (error: string, timedOut = false) => ({ ok: false as const, error, timedOut });
  test.each([
    ['the restart command fails', [down('Job for containerd.service failed')], []],
    ['the restart command hangs past its timeout', [down('did not finish within 1000 ms', true)], []],
    ['the runtime comes back without its CRI plugin', [], [{ ok: false as const, error: 'unimplemented' }]],
  ] as const)(
    '%s → files restored, restarted again, rolled-back (exit 3)',
    async (_name, control, health) => {
      const fs = freshFs();
      const rt = fakeRuntime();
      rt.controlResults.push(...control);
      rt.healthResults.push(...health);
      const r = await applyPlan(plan, hostOn(fs), fakeTxOptions(rt));
      expect(r.status).toBe('rolled-back');
      expect(exitCodeFor(r)).toBe(3);
      expect(r.runtimeError).toBeTruthy();
      expect(r.diagnostics[0]?.code).toBe('agent.runtime.unhealthy');
      expect(rt.calls.filter((c) => c.startsWith('restart'))).toHaveLength(2);
      expect(await snapshotTree(fs)).toEqual(await beforeTree());
    },
  );

  test('health still failing after the restore → rollback-failed (exit 4), journal kept, next run finishes', async () => {
    const fs = freshFs();
    const rt = fakeRuntime();
    rt.healthResults.push({ ok: false, error: 'down' }, { ok: false, error: 'still down' });
    const r = await applyPlan(plan, hostOn(fs), fakeTxOptions(rt));
    expect(r.status).toBe('rollback-failed');
    expect(exitCodeFor(r)).toBe(4);
    expect(await fs.stat('/var/lib/mirrorctl/journal.json')).not.toBeNull();
    expect(await snapshotTree(fs, { exclude: STATE })).toEqual(
      await snapshotTree(memoryFs(BEFORE), { exclude: STATE }),
    );
    const next = await applyPlan(plan, hostOn(fs), fakeTxOptions(rt));
    expect(next.recovered?.outcome).toBe('rolled-back');
    expect(next.status).toBe('applied');
  });

  test('a lock held by a live process refuses; one held by a dead process is taken over', async () => {
    const doc = {
      pid: 777,
      startTime: '5',
      at: '2026-11-25T16:00:00Z',
      createdDirs: ['/var', '/var/lib', '/var/lib/mirrorctl'],
    };
    const fs = memoryFs(BEFORE);
    const rt = fakeRuntime();
    // A live holder: refused, whatever its pid says (it may be another PID namespace's).
    const holder = await holdLock(fs, doc);
    const live = await applyPlan(plan, hostOn(fs), fakeTxOptions(rt));
    expect(live.status).toBe('refused');
    expect(live.diagnostics[0]?.code).toBe('agent.lock.held');
    expect(live.diagnostics[0]?.message).toContain('pid 777');
    // It dies without releasing: its lock goes, its file stays (a fresh "process" sees it).
    expect(holder).toBeDefined();
    const afterDeath = memoryFs(fs.snapshot());
    expect(afterDeath.snapshot()['/var/lib/mirrorctl/lock']).toBeDefined();
    const dead = await applyPlan(plan, hostOn(afterDeath), fakeTxOptions(rt));
    expect(dead.status).toBe('applied');
    expect(dead.steps[0]?.message).toContain('taken over from dead pid 777');
    // The dead run's created dirs are inherited: uninstall leaves nothing behind.
    expect((await uninstallAll(hostOn(afterDeath), fakeTxOptions(rt))).status).toBe('applied');
    expect(await snapshotTree(afterDeath)).toEqual(await beforeTree());
  });
});

describe('rollback and uninstall', () => {
  test('rollback undoes the last apply exactly, then the one before', async () => {
    const fs = freshFs();
    const rt = fakeRuntime();
    const opts = fakeTxOptions(rt);
    await applyPlan(plan, hostOn(fs), opts);
    const afterFirst = await snapshotTree(fs, { exclude: STATE });
    await applyPlan(plan2, hostOn(fs), opts);
    expect(rt.calls.filter((c) => c.startsWith('restart'))).toHaveLength(1);

    const r1 = await rollbackLast(hostOn(fs), opts);
    expect(r1.status).toBe('applied');
    expect(r1.action).toBeUndefined();
    expect(await snapshotTree(fs, { exclude: STATE })).toEqual(afterFirst);

    const r2 = await rollbackLast(hostOn(fs), opts);
    expect(r2.status).toBe('applied');
    expect(r2.action?.kind).toBe('restart');
    expect(await snapshotTree(fs, { exclude: STATE })).toEqual(
      await snapshotTree(memoryFs(BEFORE), { exclude: STATE }),
    );
    const r3 = await rollbackLast(hostOn(fs), opts);
    expect(r3.status).toBe('unchanged');
    expect(r3.diagnostics[0]?.code).toBe('agent.rollback.nothing');
  });

  test('rollback refuses when a file changed since the apply, unless forced', async () => {
    const fs = freshFs();
    const opts = fakeTxOptions(fakeRuntime());
    await applyPlan(plan, hostOn(fs), opts);
    await fs.writeFileAtomic(CONFIG, 'admin edit\n', 0o640);
    const r = await rollbackLast(hostOn(fs), opts);
    expect(r.status).toBe('refused');
    expect(r.diagnostics[0]).toMatchObject({ code: 'agent.rollback.drift', file: CONFIG });
    expect((await rollbackLast(hostOn(fs), { ...opts, force: true })).status).toBe('applied');
    expect(
      (await fs.readFile(CONFIG)) && new TextDecoder().decode((await fs.readFile(CONFIG)) ?? undefined),
    ).toBe(OLD_CONFIG);
  });

  test('uninstall restores every original byte-for-byte and removes the state dir', async () => {
    const fs = freshFs();
    const rt = fakeRuntime();
    const opts = fakeTxOptions(rt);
    await applyPlan(plan, hostOn(fs), opts);
    await applyPlan(plan2, hostOn(fs), opts);
    const dry = await uninstallAll(hostOn(fs), { ...opts, dryRun: true });
    expect(dry.changed).toHaveLength(6);
    expect(await fs.stat('/var/lib/mirrorctl/state.json')).not.toBeNull();
    const r = await uninstallAll(hostOn(fs), opts);
    expect(r.status).toBe('applied');
    expect(r.action?.kind).toBe('restart');
    expect(await snapshotTree(fs)).toEqual(await beforeTree());
    expect((await uninstallAll(hostOn(fs), opts)).status).toBe('unchanged');
    expect(await snapshotTree(fs)).toEqual(await beforeTree());
  });
});

describe('nodeStatus', () => {
  test('reports the last apply and per-file drift', async () => {
    const fs = freshFs();
    const opts = fakeTxOptions(fakeRuntime());
    expect((await nodeStatus(fs)).transactions).toBe(0);
    await applyPlan(plan, hostOn(fs), opts);
    await fs.removeFile('/etc/containerd/certs.d/docker.io/ca.crt');
    await fs.writeFileAtomic('/etc/containerd/certs.d/old.io/hosts.toml', 'x', 0o644);
    const s = await nodeStatus(fs);
    expect(s.lastApply).toMatchObject({ specHash: 'spec-1', specName: 'm', target: 'containerd' });
    expect(Object.fromEntries(s.files.map((f) => [f.path, f.state]))).toEqual({
      '/etc/containerd/certs.d/docker.io/ca.crt': 'missing',
      '/etc/containerd/certs.d/docker.io/client.key': 'ok',
      '/etc/containerd/certs.d/docker.io/hosts.toml': 'ok',
      '/etc/containerd/certs.d/old.io/hosts.toml': 'reappeared',
      [CONFIG]: 'ok',
    });
  });
});
