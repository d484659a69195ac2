// The node agent and its apply Job on a real containerd, each a real process of the shipped bundle
// against the API stand-in, on the node as the pods see it: a "pod view" root holding only the
// containerd profile's mounts (/etc/containerd, /var/lib/mirrorctl, /run/containerd, os-release).
// The long-running agent runs as the DaemonSet runs it — every capability dropped, no new
// privileges, read-only root, its own PID namespace — and must report the restart it cannot do,
// writing nothing; the Job (root, like the privileged pod) restarts containerd for real through
// --restart-command, checks CRI health, and rolls back a config that breaks CRI.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDir } from '../cluster/agent/files.js';
import { type AgentProcess, AgentWorld, agentBundle, mirrorSpec, until } from '../cluster/agent/harness.js';
import {
  baseContainerdConfig,
  type Containerd,
  type ContainerdBinary,
  containerdBinaries,
  startContainerd,
} from './harness/containerd.js';
import { runOk } from './harness/exec.js';
import { emptyDir, mountNodeDirs, type NodeMounts, unmountUnder } from './harness/mountns.js';
import { type RestartBridge, restartBridge } from './harness/restart-bridge.js';

const CONFIG = '/etc/containerd/config.toml';
const binaries = containerdBinaries();
const v16 = binaries.find((b) => b.version.startsWith('1.6'));
const v21 = binaries.find((b) => b.version.startsWith('2.1'));

/** As the DaemonSet runs the agent: no capabilities, no privilege escalation, read-only root, own
 *  PID namespace (no hostPID). The nested mount namespace keeps the remount to this process. */
const UNPRIVILEGED = [
  'unshare',
  '--mount',
  '--pid',
  '--fork',
  '--mount-proc',
  '--kill-child',
  '--',
  'sh',
  '-c',
  'mount -o remount,ro,bind / && exec setpriv --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"',
  'sh',
];

const world = new AgentWorld();
let dir: string;
let mounts: NodeMounts;
let podRoot: string;
let containerd: Containerd | undefined;
let bridge: RestartBridge | undefined;

/** The containerd profile's mounts under one root, as kubelet would give the pod (/host). */
async function mountPodView(root: string): Promise<void> {
  for (const d of ['etc/containerd', 'var/lib/mirrorctl', 'run/containerd'])
    mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), '');
  await runOk(['mount', '--bind', '/etc/containerd', join(root, 'etc/containerd')]);
  await runOk(['mount', '--bind', '/var/lib/mirrorctl', join(root, 'var/lib/mirrorctl')]);
  await runOk(['mount', '-o', 'bind,ro', '/run/containerd', join(root, 'run/containerd')]);
  await runOk(['mount', '-o', 'bind,ro', '/etc/os-release', join(root, 'etc/os-release')]);
}

async function startNode(binary: ContainerdBinary, config: string): Promise<Containerd> {
  await containerd?.stop();
  bridge?.stop();
  emptyDir('/etc/containerd');
  emptyDir('/var/lib/mirrorctl');
  writeFileSync(CONFIG, config);
  const c = startContainerd({ binary, dir: '/run/containerd', configFile: CONFIG });
  expect((await c.waitForCri()).ok).toBe(true);
  bridge = restartBridge(mkdtempSync(join(dir, 'bridge-')), async () => {
    await c.restart();
    return c.pid();
  });
  containerd = c;
  return c;
}

/** The process's exit code, or a failure with its log when it runs longer than `ms`. */
async function exitOf(p: AgentProcess, ms = 120_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms:\n${p.log}`)), ms);
  });
  try {
    return await Promise.race([p.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

const permitFor = (revision: string) => ({
  revision,
  wave: 0,
  grantedAt: '2026-01-01T00:00:00Z',
  job: 'e2e',
});
const jobArgs = (revision: string) => [
  '--once',
  '--allow-runtime-action',
  '--revision',
  revision,
  '--restart-command',
  bridge?.command ?? 'false',
  '--health-timeout',
  '30',
];

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-agent-job-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  mkdirSync('/run/containerd', { recursive: true });
  podRoot = join(dir, 'pod');
  await mountPodView(podRoot);
  await Promise.all([world.start(), agentBundle()]);
}, 300_000);

afterAll(async () => {
  await containerd?.stop();
  bridge?.stop();
  await world.stop();
  if (podRoot) await unmountUnder(podRoot);
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!v16 || !v21)('agent and apply Job on a real containerd', () => {
  it('1.6: the unprivileged agent waits for a permit; the Job restarts containerd once; hot changes and uninstall', async () => {
    const c = await startNode(v16 as ContainerdBinary, baseContainerdConfig(2));
    const pristine = snapshotDir('/etc/containerd');
    const r1 = world.revision(mirrorSpec('https://mirror-a.example.com'));
    world.setNode('e2e-16', world.nodeSpec(r1, { target: 'containerd' }));
    const agent = await world.spawnAgent('e2e-16', podRoot, ['--drift-interval', '1'], {
      wrap: UNPRIVILEGED,
    });
    await until(
      () => world.status('e2e-16')?.state === 'PendingRestart',
      60_000,
      () => agent.log,
    );
    // It really runs without privileges: no capability at all, no_new_privs, its own PID namespace.
    const proc = readFileSync(`/proc/${agent.innermostPid()}/status`, 'utf8');
    expect(proc).toMatch(/^CapEff:\s+0+$/m);
    expect(proc).toMatch(/^CapBnd:\s+0+$/m);
    expect(proc).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(proc).toMatch(/^NSpid:\s+\d+\s+1$/m);
    // The version came from containerd's own CRI socket (read-only mount), not a flag.
    expect(world.status('e2e-16')?.runtime).toMatch(/^containerd:\/\/1\.6\./);
    expect(snapshotDir('/etc/containerd')).toEqual(pristine);
    const pid0 = c.pid();

    // The controller grants the permit; its Job runs on the node.
    world.setNode('e2e-16', world.nodeSpec(r1, { target: 'containerd', permit: permitFor(r1.revision) }));
    const job = await world.spawnAgent('e2e-16', podRoot, jobArgs(r1.revision), { identity: 'apply' });
    expect(await exitOf(job), job.log).toBe(0);
    expect(bridge?.restarts()).toBe(1);
    expect(c.pid()).not.toBe(pid0);
    expect(world.status('e2e-16')).toMatchObject({
      state: 'Applied',
      appliedRevision: r1.revision,
      action: 'restart',
    });
    const status = await c.cri().status(true);
    expect(status.ok && JSON.parse(status.value.info.config ?? '{}').registry?.configPath).toBe(
      '/etc/containerd/certs.d',
    );
    expect(world.events('e2e-16').map((e) => e.reason)).toEqual(
      expect.arrayContaining(['Restarted', 'Applied']),
    );
    process.stdout.write(
      `[e2e evidence] apply Job restarted containerd ${c.binary.version}: pid ${pid0} → ${c.pid()}\n`,
    );

    // A mirror change is hosts.toml only: the unprivileged agent applies it, containerd keeps its PID.
    const pid1 = c.pid();
    const r2 = world.revision(mirrorSpec('https://mirror-b.example.com'));
    world.setNode('e2e-16', world.nodeSpec(r2, { target: 'containerd' }));
    await until(
      () => world.status('e2e-16')?.appliedRevision === r2.revision,
      60_000,
      () => agent.log,
    );
    expect(c.pid()).toBe(pid1);
    expect(bridge?.restarts()).toBe(1);

    // Uninstall: restoring config.toml needs a restart → a permit and a Job → byte-identical.
    world.setNode('e2e-16', world.nodeSpec(r2, { target: 'containerd', mode: 'uninstall' }));
    await until(
      () => world.status('e2e-16')?.state === 'PendingRestart',
      60_000,
      () => agent.log,
    );
    world.setNode(
      'e2e-16',
      world.nodeSpec(r2, { target: 'containerd', mode: 'uninstall', permit: permitFor(r2.revision) }),
    );
    const un = await world.spawnAgent('e2e-16', podRoot, jobArgs(r2.revision), { identity: 'apply' });
    expect(await exitOf(un), un.log).toBe(0);
    expect(world.status('e2e-16')?.state).toBe('Uninstalled');
    expect(snapshotDir('/etc/containerd')).toEqual(pristine);
    expect(bridge?.restarts()).toBe(2);
    expect((await c.waitForCri(30_000)).ok).toBe(true);
    // While the Jobs held the node's lock the agent neither failed nor took their journal for an
    // interrupted transaction: it waited (busy) and reported nothing.
    expect(agent.log).not.toMatch(/interrupted|Failed|another mirrorctl transaction is running/);
    expect(world.events('e2e-16').map((e) => e.reason)).not.toContain('Failed');
    agent.terminate();
    expect(await exitOf(agent, 30_000)).toBe(0);
    expect(agent.log).toContain('SIGTERM: stopping after the reconcile in progress');
  });

  it('2.1: a config that breaks CRI (an import the pod cannot see sets legacy mirrors) is rolled back', async () => {
    // /etc/cni is outside the containerd profile's mounts: the agent and the Job cannot read it, so
    // the planner only warns; containerd 2.x merges it with config_path and its CRI plugin fails.
    const legacy = '/etc/cni/legacy-mirrors.toml';
    writeFileSync(
      legacy,
      'version = 3\n[plugins."io.containerd.cri.v1.images".registry.mirrors."docker.io"]\n  endpoint = ["https://legacy.example.com"]\n',
    );
    const c = await startNode(v21 as ContainerdBinary, `${baseContainerdConfig(3)}imports = ["${legacy}"]\n`);
    const pristine = snapshotDir('/etc/containerd');
    const r1 = world.revision(mirrorSpec('https://mirror-c.example.com'));
    world.setNode('e2e-21', world.nodeSpec(r1, { target: 'containerd', permit: permitFor(r1.revision) }));
    const job = await world.spawnAgent('e2e-21', podRoot, jobArgs(r1.revision), { identity: 'apply' });
    expect(await exitOf(job), job.log).toBe(3);
    const s = world.status('e2e-21') as Record<string, unknown>;
    expect(s.state).toBe('RolledBack');
    expect(String(s.message)).toMatch(/unimplemented|mirrors/i);
    expect(s.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/import/)]));
    expect(snapshotDir('/etc/containerd')).toEqual(pristine);
    expect(bridge?.restarts()).toBe(2);
    expect((await c.waitForCri(30_000)).ok).toBe(true);
    expect(world.events('e2e-21').map((e) => `${e.type} ${e.reason}`)).toEqual(['Warning RolledBack']);
    process.stdout.write(
      `[e2e evidence] apply Job rolled back a CRI-breaking config: ${String(s.message)}\n`,
    );
  });
});
