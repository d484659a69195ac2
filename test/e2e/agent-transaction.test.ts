// The agent's transaction engine against a real containerd 1.6 (Debian package) in the private
// mount namespace: applyPlan on nodeFs at `/` (bind-mounted temp dirs), restarts through a
// RuntimeControl that restarts the containerd this test started, health through the CRI socket.
// Proves: a config.toml change restarts exactly once; a hosts.toml-only change keeps the PID; a
// config that stops the CRI plugin from loading is rolled back automatically and CRI answers again;
// uninstall leaves /etc/containerd and /var/lib/mirrorctl byte-identical to before. And the lock holds
// against a holder in another PID namespace (an agent pod, to the host) until the kernel drops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { criRuntimeHealth } from '../../src/host/cri-health.js';
import { execRunner } from '../../src/host/exec-runner.js';
import { nodeFs } from '../../src/host/node-fs.js';
import { type Host, silentLogger } from '../../src/host/ports.js';
import { processProbe } from '../../src/host/process-probe.js';
import type { RuntimeControl } from '../../src/host/runtime-port.js';
import { snapshotTree } from '../../src/host/testing.js';
import { sha256 } from '../../src/plan/build.js';
import { PLAN_API_VERSION, type Plan } from '../../src/plan/types.js';
import { applyPlan } from '../../src/transaction/apply.js';
import type { TxOptions as AgentOptions } from '../../src/transaction/types.js';
import { uninstallAll } from '../../src/transaction/uninstall.js';
import {
  baseContainerdConfig,
  type Containerd,
  containerdBinaries,
  startContainerd,
} from './harness/containerd.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';

const CONFIG = '/etc/containerd/config.toml';
const TABLE = 'plugins."io.containerd.grpc.v1.cri".registry';
const BASE = baseContainerdConfig(2);
const WITH_CONFIG_PATH = `${BASE}\n[${TABLE}]\n  config_path = "/etc/containerd/certs.d"\n`;
const BROKEN = `${WITH_CONFIG_PATH}[${TABLE}.mirrors."icr.io"]\n  endpoint = ["http://127.0.0.1:5999"]\n`;

const binary = containerdBinaries().find((b) => b.version.startsWith('1.6'));
let dir: string;
let mounts: NodeMounts;
let containerd: Containerd;
let restarts = 0;

const fs = nodeFs({ root: '/' });
const host: Host = {
  fs,
  run: execRunner({ defaultTimeoutMs: 30_000 }),
  log: silentLogger,
  now: () => new Date(),
};
const control: RuntimeControl = {
  async perform(action) {
    restarts += 1;
    if (action.kind !== 'restart') return { ok: false, timedOut: false, error: `unexpected ${action.kind}` };
    await containerd.restart();
    return { ok: true, detail: `containerd pid ${containerd.pid()}` };
  },
};
const opts = (): AgentOptions => ({
  control,
  health: criRuntimeHealth(containerd.endpoint),
  probe: processProbe(),
  healthTimeoutMs: 30_000,
});
const node = () => snapshotTree(fs, { dir: '/etc/containerd' });
const state = () => snapshotTree(fs, { dir: '/var/lib/mirrorctl' });

const planOf = (changes: Plan['changes'], restart: boolean): Plan => ({
  apiVersion: PLAN_API_VERSION,
  specHash: sha256(JSON.stringify(changes)),
  specName: 'e2e',
  target: 'containerd',
  runtime: { name: 'containerd', version: binary?.version ?? '', configVersion: 2 },
  changes,
  action: {
    kind: restart ? 'restart' : 'none',
    service: 'containerd',
    reason: restart ? 'config.toml changed' : 'hosts.toml only',
  },
  diagnostics: [],
});
const hostsToml = (host: string) => ({
  kind: 'create' as const,
  path: `/etc/containerd/certs.d/${host}/hosts.toml`,
  content: `# Managed by mirrorctl (MirrorSet "e2e").\nserver = "https://${host}"\n[host."http://127.0.0.1:5001"]\n`,
  mode: 0o644,
  owned: true,
  reason: 'new',
});
const configEdit = (before: string, after: string) => ({
  kind: 'update' as const,
  path: CONFIG,
  before,
  beforeSha256: sha256(before),
  content: after,
  mode: 0o644,
  owned: false,
  reason: 'config_path',
});

beforeAll(async () => {
  if (!binary) return;
  dir = mkdtempSync('/tmp/e2e-agent-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  writeFileSync(CONFIG, BASE);
  containerd = startContainerd({ binary, dir: mkdtempSync(join(dir, 'c-')), configFile: CONFIG });
  expect((await containerd.waitForCri()).ok).toBe(true);
});

afterAll(async () => {
  await containerd?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it.skipIf(!binary)(
  'apply restarts once, hosts.toml-only keeps the PID, a CRI-breaking config rolls back, uninstall restores',
  async () => {
    const beforeNode = await node();
    const beforeState = await state();

    // GIVEN config.toml without config_path: apply sets it and restarts containerd exactly once
    const pid0 = containerd.pid();
    const first = await applyPlan(
      planOf([hostsToml('docker.io'), configEdit(BASE, WITH_CONFIG_PATH)], true),
      host,
      opts(),
    );
    expect(first.status, JSON.stringify(first.diagnostics)).toBe('applied');
    expect(restarts).toBe(1);
    const pid1 = containerd.pid();
    expect(pid1).not.toBe(pid0);

    // A second apply that only adds a mirror writes hosts.toml and leaves the PID unchanged
    const second = await applyPlan(planOf([hostsToml('quay.io')], false), host, opts());
    expect(second.status).toBe('applied');
    expect(restarts).toBe(1);
    expect(containerd.pid()).toBe(pid1);
    const applied = await node();

    // A config with legacy mirrors + config_path stops the CRI plugin: rolled back automatically
    const broken = await applyPlan(planOf([configEdit(WITH_CONFIG_PATH, BROKEN)], true), host, opts());
    expect(broken.status).toBe('rolled-back');
    expect(broken.runtimeError).toMatch(/unimplemented/i);
    expect(restarts).toBe(3);
    expect(await node()).toEqual(applied);
    expect((await containerd.waitForCri(30_000)).ok).toBe(true);
    process.stdout.write(`[e2e evidence] CRI plugin failure rolled back: ${broken.runtimeError}\n`);

    // uninstall: every original byte back, state dir gone, containerd restarted and serving CRI
    const un = await uninstallAll(host, opts());
    expect(un.status, JSON.stringify(un.diagnostics)).toBe('applied');
    expect(restarts).toBe(4);
    expect(await node()).toEqual(beforeNode);
    expect(await state()).toEqual(beforeState);
    expect((await containerd.waitForCri(30_000)).ok).toBe(true);
  },
);

// A holder in another PID namespace (as the agent pod is, to the host) — its pid means nothing here:
// the old PID liveness check took such a lock over while its holder ran (issue 15.4). With flock
// the kernel decides: refused while the holder lives, free the moment it is killed.
it('the lock across PID namespaces: refused while a holder in another namespace lives, free once it dies', async () => {
  const bundle = join(mkdtempSync('/tmp/e2e-lock-'), 'lock-child.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, '../faults/lock-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
  // --kill-child: SIGKILL of unshare kills the namespace's PID 1 (the holder) with it.
  const holder = spawn('unshare', [
    '--pid',
    '--fork',
    '--mount-proc',
    '--kill-child',
    process.execPath,
    bundle,
    '/',
  ]);
  let out = '';
  holder.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const said = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (re.test(out)) resolve(clearInterval(t));
        if (holder.exitCode !== null) reject(new Error(`holder exited: ${out}`));
      }, 20);
    });
  await said(/READY/);
  holder.stdin.write('go\n');
  await said(/LOCKED/);
  // The holder sees itself as PID 1 of its namespace; the lock file says so.
  const doc = JSON.parse(readFileSync('/var/lib/mirrorctl/lock', 'utf8')) as { pid: number };
  expect(doc.pid).toBe(1);
  const quiet: AgentOptions = {
    control: { perform: async () => ({ ok: false, timedOut: false, error: 'no action expected' }) },
    health: { check: async () => ({ ok: false, error: 'no action expected' }) },
    probe: processProbe(),
  };
  const hostsOnly = planOf([hostsToml('ghcr.io')], false);
  const refused = await applyPlan(hostsOnly, host, quiet);
  expect(refused.status).toBe('refused');
  expect(refused.diagnostics[0]?.message).toMatch(/pid 1 in its own PID namespace/);
  expect(await fs.stat('/etc/containerd/certs.d/ghcr.io/hosts.toml')).toBeNull();
  // WHEN the holder is killed without releasing
  const gone = new Promise((r) => holder.on('exit', r));
  holder.kill('SIGKILL');
  await gone;
  // THEN the lock is free at once (the dead holder's file is only named)
  const applied = await applyPlan(hostsOnly, host, quiet);
  expect(applied.status, JSON.stringify(applied.diagnostics)).toBe('applied');
  expect(applied.steps[0]?.message).toContain('taken over from dead pid 1');
  expect((await uninstallAll(host, quiet)).status).toBe('applied');
});
