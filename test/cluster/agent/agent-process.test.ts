// The node agent as the DaemonSet runs it — a real `mirrorctl agent` process from the shipped bundle,
// over TLS with a service-account token, against the API stand-in — on temp node roots: it applies a
// new node on arrival, hot-applies a spec change, reports a restart-needing change without writing,
// repairs and counts drift, survives 409s and dropped watches, and only ever asks what RBAC grants.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDir } from './files.js';
import {
  AgentWorld,
  agentBundle,
  CONFIG_PATH_SET,
  HOSTS,
  nodeRoot,
  mirrorSpec as spec,
  until,
} from './harness.js';

const world = new AgentWorld();

beforeAll(async () => {
  await Promise.all([world.start(), agentBundle()]);
}, 120_000);
afterAll(() => world.stop());

describe('the node agent process', () => {
  it('applies a new node on arrival (hot: hosts.toml only), says Applied, and emits Applied', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const r1 = world.revision(spec('https://mirror-a.example.com'));
    world.setNode('n-arrive', world.nodeSpec(r1, { target: 'containerd' }));
    const agent = await world.spawnAgent('n-arrive', root, ['--runtime-version', '1.7.24']);
    await until(
      () => world.status('n-arrive')?.state === 'Applied',
      30_000,
      () => agent.log,
    );
    const s = world.status('n-arrive');
    expect(s).toMatchObject({
      observedRevision: r1.revision,
      appliedRevision: r1.revision,
      action: 'none',
      runtime: 'containerd://1.7.24',
      target: 'containerd',
      driftRepairs: 0,
    });
    expect(readFileSync(join(root, HOSTS), 'utf8')).toContain('https://mirror-a.example.com');
    await until(() => world.events('n-arrive').some((e) => e.reason === 'Applied'), 10_000);
    // readiness once the first reconcile finished
    const port = await agent.port();
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/mirrorctl_applies_total\{result="applied",node="n-arrive"\} 1/);
    expect(metrics).toMatch(/mirrorctl_node_state\{state="Applied",node="n-arrive"\} 1/);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('a restart-needing revision is reported PendingRestart and nothing is written', async () => {
    const root = nodeRoot('version = 2\n');
    const before = snapshotDir(root);
    const r1 = world.revision(spec('https://mirror-a.example.com'));
    world.setNode('n-restart', world.nodeSpec(r1));
    const agent = await world.spawnAgent('n-restart', root, ['--runtime-version', '1.7.24']);
    await until(
      () => world.status('n-restart')?.state === 'PendingRestart',
      30_000,
      () => agent.log,
    );
    const s = world.status('n-restart') as { action: string; message: string; appliedRevision?: string };
    expect(s.action).toBe('restart');
    expect(s.appliedRevision).toBeUndefined();
    expect(s.message).toContain('/etc/containerd/config.toml (update)');
    expect(s.message).toContain('waiting for a permit (nothing written)');
    expect(snapshotDir(root)).toEqual(before);
    expect(existsSync(join(root, 'var/lib/mirrorctl'))).toBe(false);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it("a rolled-back attempt at the current revision stays the node's state, with the runtime's error, while the agent waits (until a new revision)", async () => {
    // The apply Job rolled back (its status names containerd's own error). The long-running agent
    // still plans a restart for this revision; reporting PendingRestart over it would hide the reason
    // from the rollout's Paused message and make the node a restart candidate again without a resume.
    const root = nodeRoot('version = 2\n');
    const before = snapshotDir(root);
    const r1 = world.revision(spec('https://mirror-rb.example.com'));
    world.setNode('n-rolledback', world.nodeSpec(r1));
    const why = 'containerd did not answer CRI after the restart: unknown service runtime.v1.RuntimeService';
    world.server.api.mutate(
      'mirrornodes',
      undefined,
      'n-rolledback',
      (o) => {
        o.status = { observedRevision: r1.revision, state: 'RolledBack', action: 'restart', message: why };
      },
      'status',
    );
    const agent = await world.spawnAgent('n-rolledback', root, ['--runtime-version', '1.7.24']);
    const port = await agent.port();
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200,
      30_000,
      () => agent.log,
    );
    expect(world.status('n-rolledback')).toMatchObject({ state: 'RolledBack', message: why });
    expect(snapshotDir(root)).toEqual(before);
    // A new revision is news: the agent reports what it now waits for.
    const r2 = world.revision(spec('https://mirror-rb2.example.com'));
    world.setNode('n-rolledback', world.nodeSpec(r2));
    await until(
      () => world.status('n-rolledback')?.state === 'PendingRestart',
      30_000,
      () => agent.log,
    );
    expect(world.status('n-rolledback')?.observedRevision).toBe(r2.revision);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('hot-applies a spec change while running, across dropped watches and a compacted history (410)', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const r1 = world.revision(spec('https://mirror-a.example.com'));
    world.setNode('n-change', world.nodeSpec(r1));
    const agent = await world.spawnAgent('n-change', root, ['--runtime-version', '1.7.24']);
    await until(
      () => world.status('n-change')?.appliedRevision === r1.revision,
      30_000,
      () => agent.log,
    );
    // The API server drops every watch and forgets its history: the agent must resume (relist).
    world.server.disconnectWatches();
    world.server.compact();
    const r2 = world.revision(spec('https://mirror-b.example.com'));
    world.setNode('n-change', world.nodeSpec(r2));
    await until(
      () => world.status('n-change')?.appliedRevision === r2.revision,
      30_000,
      () => agent.log,
    );
    expect(readFileSync(join(root, HOSTS), 'utf8')).toContain('https://mirror-b.example.com');
    expect(world.status('n-change')).toMatchObject({ state: 'Applied', observedRevision: r2.revision });
    // Twice applied, each time one Applied Event.
    await until(() => world.events('n-change').filter((e) => e.reason === 'Applied').length === 2, 10_000);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('repairs on-disk drift that needs no restart, counts it and says so; drift needing a restart is reported', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const r1 = world.revision(spec('https://mirror-a.example.com'));
    world.setNode('n-drift', world.nodeSpec(r1));
    const agent = await world.spawnAgent('n-drift', root, [
      '--runtime-version',
      '1.7.24',
      '--drift-interval',
      '1',
    ]);
    await until(
      () => world.status('n-drift')?.appliedRevision === r1.revision,
      30_000,
      () => agent.log,
    );
    const written = readFileSync(join(root, HOSTS), 'utf8');
    writeFileSync(join(root, HOSTS), 'server = "https://registry-1.docker.io"\n');
    await until(
      () => world.status('n-drift')?.driftRepairs === 1,
      30_000,
      () => agent.log,
    );
    expect(readFileSync(join(root, HOSTS), 'utf8')).toBe(written);
    await until(() => world.events('n-drift').some((e) => e.reason === 'DriftRepaired'), 10_000);
    const port = await agent.port();
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/mirrorctl_drift_repairs_total\{node="n-drift"\} 1/);

    // config_path removed by hand: restoring it needs a restart → reported, the edit left alone.
    writeFileSync(join(root, 'etc/containerd/config.toml'), 'version = 2\n');
    await until(
      () => world.status('n-drift')?.state === 'PendingRestart',
      30_000,
      () => agent.log,
    );
    const s = world.status('n-drift') as {
      conditions: { type: string; status: string }[];
      driftRepairs: number;
    };
    expect(s.conditions.find((c) => c.type === 'Drifted')?.status).toBe('True');
    expect(s.driftRepairs).toBe(1);
    expect(readFileSync(join(root, 'etc/containerd/config.toml'), 'utf8')).toBe('version = 2\n');
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('a hand edit is repaired within seconds, long before the drift interval (file-change hint)', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const r1 = world.revision(spec('https://mirror-a.example.com'));
    world.setNode('n-hint', world.nodeSpec(r1));
    const agent = await world.spawnAgent('n-hint', root, [
      '--runtime-version',
      '1.7.24',
      '--drift-interval',
      '3600',
    ]);
    await until(
      () => world.status('n-hint')?.appliedRevision === r1.revision,
      30_000,
      () => agent.log,
    );
    const written = readFileSync(join(root, HOSTS), 'utf8');
    writeFileSync(join(root, HOSTS), 'server = "https://registry-1.docker.io"\n');
    await until(
      () => world.status('n-hint')?.driftRepairs === 1,
      15_000,
      () => agent.log,
    );
    expect(readFileSync(join(root, HOSTS), 'utf8')).toBe(written);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('survives 409 conflicts on its status write (re-reads, writes again) and transient 500/429', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const r1 = world.revision(spec('https://mirror-a.example.com'));
    world.setNode('n-conflict', world.nodeSpec(r1));
    world.server.faults = [
      { verb: 'update', resource: 'mirrornodes/status', status: 409, times: 2 },
      { verb: 'get', resource: 'controllerrevisions', status: 500, times: 1 },
      { verb: 'list', resource: 'mirrornodes', status: 429, retryAfter: 0, times: 1 },
    ];
    const agent = await world.spawnAgent('n-conflict', root, ['--runtime-version', '1.7.24']);
    await until(
      () => world.status('n-conflict')?.state === 'Applied',
      30_000,
      () => agent.log,
    );
    world.server.faults = [];
    const mine = world.server.requests.filter(
      (r) => r.name === 'n-conflict' && r.resource === 'mirrornodes/status',
    );
    expect(mine.map((r) => r.status)).toEqual([409, 409, 200]);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('refuses a node whose runtime is not the one the controller expected, writing nothing', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const before = snapshotDir(root);
    const r1 = world.revision(spec('https://mirror-a.example.com'));
    world.setNode('n-mismatch', world.nodeSpec(r1, { target: 'crio' }));
    const agent = await world.spawnAgent('n-mismatch', root, ['--runtime-version', '1.7.24']);
    await until(
      () => world.status('n-mismatch')?.state === 'Failed',
      30_000,
      () => agent.log,
    );
    expect(String(world.status('n-mismatch')?.message)).toContain(
      'the node runs containerd (containerd://1.7.24), but the controller expected crio',
    );
    expect(snapshotDir(root)).toEqual(before);
    await until(
      () => world.events('n-mismatch').some((e) => e.reason === 'Failed' && e.type === 'Warning'),
      10_000,
    );
    agent.child.kill('SIGTERM');
    await agent.exited;
  });

  it('waits for a MirrorNode that does not exist yet (ready meanwhile), then applies it (a node joining later)', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const agent = await world.spawnAgent('n-later', root, ['--runtime-version', '1.7.24']);
    const port = await agent.port();
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200,
      20_000,
      () => agent.log,
    );
    expect(existsSync(join(root, HOSTS))).toBe(false);
    const r1 = world.revision(spec('https://mirror-a.example.com'));
    world.setNode('n-later', world.nodeSpec(r1));
    await until(
      () => world.status('n-later')?.state === 'Applied',
      30_000,
      () => agent.log,
    );
    expect(existsSync(join(root, HOSTS))).toBe(true);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('uninstall mode restores the node byte-identical and removes its state', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const before = snapshotDir(root);
    const r1 = world.revision(spec('https://mirror-a.example.com'));
    world.setNode('n-uninstall', world.nodeSpec(r1));
    const agent = await world.spawnAgent('n-uninstall', root, ['--runtime-version', '1.7.24']);
    await until(
      () => world.status('n-uninstall')?.state === 'Applied',
      30_000,
      () => agent.log,
    );
    world.setNode('n-uninstall', world.nodeSpec(r1, { mode: 'uninstall' }));
    await until(
      () => world.status('n-uninstall')?.state === 'Uninstalled',
      30_000,
      () => agent.log,
    );
    expect(snapshotDir(root)).toEqual(before);
    expect(world.status('n-uninstall')?.appliedRevision).toBeUndefined();
    await until(() => world.events('n-uninstall').some((e) => e.reason === 'Uninstalled'), 10_000);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('carries warning codes: a spec that selects nothing for this runtime says plan.target.nothing-selected', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const r1 = world.revision(
      spec('https://mirror-a.example.com').replace('mirrors: [', 'only: [crio]\n      mirrors: ['),
    );
    world.setNode('n-warn', world.nodeSpec(r1));
    const agent = await world.spawnAgent('n-warn', root, ['--runtime-version', '1.7.24']);
    await until(
      () => world.status('n-warn')?.state === 'Applied',
      30_000,
      () => agent.log,
    );
    expect(world.status('n-warn')?.warnings).toContain('plan.target.nothing-selected');
    agent.child.kill('SIGTERM');
    await agent.exited;
  });

  it('a revision naming a file (tls.caFile, stored before the controller refused such specs) is Failed with the api-storage fix; nothing written, no Secret guessed', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const r1 = world.revision(
      spec('https://mirror-tls.example.com', ', tls: { caFile: certs/registry-ca.pem }'),
    );
    world.setNode('n-tls', world.nodeSpec(r1));
    const agent = await world.spawnAgent('n-tls', root, [
      '--runtime-version',
      '1.7.24',
      '--drift-interval',
      '1',
    ]);
    await until(
      () => world.status('n-tls')?.state === 'Failed',
      30_000,
      () => agent.log,
    );
    const message = String(world.status('n-tls')?.message);
    expect(message).toContain('tls.caFile is a path on the machine that runs mirrorctl');
    expect(message).toContain('name it in tls.secretRef');
    expect(existsSync(join(root, HOSTS))).toBe(false);
    agent.child.kill('SIGTERM');
    await agent.exited;
  });

  it('asks the API only for what its RBAC grants (its MirrorNode, status, revisions, Events; no Secret the specs did not name)', () => {
    const agentUser = 'system:serviceaccount:mirrorctl:mirrorctl-agent';
    const asked = new Set(
      world.server.requests
        .filter((r) => r.user === agentUser)
        .map((r) => `${r.verb} ${r.resource}${r.namespace ? ` in ${r.namespace}` : ''}`),
    );
    expect([...asked].sort()).toEqual(
      [
        'create events in default',
        'get controllerrevisions in mirrorctl',
        'list mirrornodes',
        'update mirrornodes/status',
        'watch mirrornodes',
        'get mirrornodes',
      ].sort(),
    );
    expect(world.server.requests.filter((r) => r.user === agentUser && r.resource === 'secrets')).toEqual([]);
  });
});
