// The apply Job's entry (`mirrorctl agent --once --allow-runtime-action --revision R`) as a real process
// against the API stand-in: a Job whose permit is gone or names another revision acts on nothing and
// writes nothing; a runtime that never comes back after the restart gets every file restored byte for
// byte and is reported Failed with the runtime's error and exit 4 (a human must look). (A real
// containerd restarted, and rolled back, is proven in test/e2e/agent-apply-job.test.ts.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDir } from './files.js';
import { AgentWorld, agentBundle, mirrorSpec, nodeRoot } from './harness.js';

const world = new AgentWorld();
beforeAll(async () => {
  await Promise.all([world.start(), agentBundle()]);
}, 120_000);
afterAll(() => world.stop());

const applyUser = 'system:serviceaccount:mirrorctl:mirrorctl-apply';
const job = (revision: string, extra: string[] = []) => [
  '--once',
  '--allow-runtime-action',
  '--revision',
  revision,
  '--runtime-version',
  '1.7.24',
  ...extra,
];

describe('the apply Job entry', () => {
  it.each([
    ['no permit', () => ({})],
    [
      'a permit for another revision',
      () => ({ permit: { revision: 'aaaaaaaaaaaa', wave: 0, grantedAt: '2026-01-01T00:00:00Z' } }),
    ],
  ])('refuses with %s: exit 5, nothing written on the node or in the API', async (_name, permit) => {
    const node = `n-stale-${Object.keys(permit()).length}`;
    const root = nodeRoot('version = 2\n');
    const before = snapshotDir(root);
    const r = world.revision(mirrorSpec('https://mirror-a.example.com'));
    world.setNode(node, world.nodeSpec(r, permit()));
    const p = await world.spawnAgent(node, root, job(r.revision, ['--restart-command', 'exit 99']), {
      identity: 'apply',
    });
    expect(await p.exited).toBe(5);
    expect(p.log).toContain('stale apply Job');
    expect(snapshotDir(root)).toEqual(before);
    expect(world.status(node)).toBeUndefined();
    expect(
      world.server.accounting.writes.filter((w) => w.user === applyUser && w.name.startsWith(node)),
    ).toEqual([]);
  });

  it('a runtime that never answers again: files restored byte for byte, Failed with its error, exit 4', async () => {
    const root = nodeRoot('version = 2\n');
    const before = snapshotDir(root);
    const r = world.revision(mirrorSpec('https://mirror-a.example.com'));
    const permit = {
      revision: r.revision,
      wave: 0,
      grantedAt: '2026-01-01T00:00:00Z',
      job: 'mirrorctl-apply-x',
    };
    world.setNode('n-dead', world.nodeSpec(r, { permit }));
    const p = await world.spawnAgent(
      'n-dead',
      root,
      job(r.revision, [
        '--restart-command',
        'true',
        '--cri-endpoint',
        `unix://${join(root, 'nothing-listens.sock')}`,
        '--health-timeout',
        '1',
      ]),
      { identity: 'apply' },
    );
    expect(await p.exited, p.log).toBe(4);
    const after = snapshotDir(root);
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => k.startsWith('etc/')))).toEqual(before);
    expect(existsSync(join(root, 'etc/containerd/certs.d'))).toBe(false);
    const s = world.status('n-dead') as Record<string, unknown>;
    expect(s.state).toBe('Failed');
    expect(s.appliedRevision).toBeUndefined();
    expect(String(s.message)).toMatch(/^the rollback failed too .*nothing-listens\.sock/);
    expect(world.events('n-dead').map((e) => `${e.type} ${e.reason}`)).toEqual(['Warning Failed']);
    // Applying first (the runtime goes down for a while), then the result.
    const states = world.server.accounting.writes.filter(
      (w) => w.user === applyUser && w.resource === 'mirrornodes/status' && w.name === 'n-dead',
    );
    expect(states.map((w) => w.status)).toEqual([200, 200]);
  });
});
