// rollback / uninstall / status through main(), over a temp root with the real nodeFs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { BEFORE, hostOn, plan2 } from '../../../test/faults/fixture.js';
import { materialize } from '../../host/materialize.js';
import { nodeFs } from '../../host/node-fs.js';
import { snapshotTree } from '../../host/testing.js';
import { applyPlan } from '../../transaction/apply.js';
import { fakeRuntime, fakeTxOptions } from '../../transaction/testing.js';
import type { CliContext } from '../context.js';
import { main } from '../main.js';

const base = mkdtempSync(join(tmpdir(), 'mirrorctl-cli-tx-'));
afterAll(() => execFileSync('rm', ['-rf', base]));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    stdout: { write: (s) => void out.push(s), isTTY: false },
    stderr: { write: (s) => void err.push(s), isTTY: false },
    env: {},
    cwd: base,
    color: false,
    quiet: false,
    verbose: false,
  };
  return { ctx, out: () => out.join(''), err: () => err.join('') };
}

async function appliedRoot(name: string): Promise<string> {
  const root = join(base, name);
  materialize(root, BEFORE);
  const r = await applyPlan(plan2, hostOn(nodeFs({ root })), fakeTxOptions(fakeRuntime()));
  expect(r.status).toBe('applied');
  return root;
}

const pristine = async () => {
  const root = join(base, `pristine-${Math.random()}`);
  materialize(root, BEFORE);
  return snapshotTree(nodeFs({ root }));
};

test('status: in sync (0), then drift (1), as text and JSON', async () => {
  const root = await appliedRoot('status');
  const a = io();
  expect(await main(['status', '--root', root], a.ctx)).toBe(0);
  expect(a.out()).toContain('MirrorSet "m" (spec spec-2)');
  expect(a.out()).toMatch(/ok\s+\/etc\/containerd\/certs.d\/quay.io\/hosts.toml/);
  await nodeFs({ root }).writeFileAtomic('/etc/containerd/certs.d/quay.io/hosts.toml', 'edited', 0o644);
  const b = io();
  expect(await main(['status', '--root', root, '-o', 'json'], b.ctx)).toBe(1);
  const doc = JSON.parse(b.out()) as { kind: string; files: { path: string; state: string }[] };
  expect(doc.kind).toBe('NodeStatus');
  expect(doc.files).toEqual([
    { path: '/etc/containerd/certs.d/quay.io/hosts.toml', state: 'modified', owned: true },
  ]);
});

test('rollback -o json restores the tree and prints one JSON document; a drifted file refuses (5)', async () => {
  const root = await appliedRoot('rollback');
  const a = io();
  expect(await main(['rollback', '--root', root, '-o', 'json'], a.ctx)).toBe(0);
  const r = JSON.parse(a.out()) as { kind: string; status: string };
  expect(r).toMatchObject({ kind: 'rollback', status: 'applied' });
  expect(a.err()).toContain('✓ lock');
  expect(await snapshotTree(nodeFs({ root }), { exclude: ['/var'] })).toEqual(
    Object.fromEntries(Object.entries(await pristine()).filter(([k]) => !k.startsWith('/var'))),
  );

  const root2 = await appliedRoot('rollback-drift');
  await nodeFs({ root: root2 }).writeFileAtomic(
    '/etc/containerd/certs.d/quay.io/hosts.toml',
    'edited',
    0o644,
  );
  const b = io();
  expect(await main(['rollback', '--root', root2], b.ctx)).toBe(5);
  expect(b.err()).toContain('changed since mirrorctl wrote it');
  expect(b.out()).toBe('refused: nothing was changed\n');
});

test('uninstall --dry-run lists, uninstall leaves the tree byte-identical to before', async () => {
  const root = await appliedRoot('uninstall');
  const a = io();
  expect(await main(['uninstall', '--root', root, '--dry-run'], a.ctx)).toBe(0);
  expect(a.out()).toBe('would restore /etc/containerd/certs.d/quay.io/hosts.toml\n');
  const b = io();
  expect(await main(['uninstall', '--root', root], b.ctx)).toBe(0);
  expect(b.out()).toBe('uninstalled: 1 file(s)\n');
  expect(await snapshotTree(nodeFs({ root }))).toEqual(await pristine());
});
