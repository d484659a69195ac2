// The agent DaemonSet's pod and the apply Job's pod, exactly as buildAgentDaemonSet / buildApplyJob
// generate them, run as REAL containers by `podman kube play` (the image scripts/build-image.sh builds,
// runc) against a REAL containerd 1.6 whose node paths (/etc/containerd, /run/containerd,
// /var/lib/mirrorctl) are temp dirs bind-mounted in this private mount namespace — the pods' hostPath
// volumes resolve to them — and the API server stand-in (the test plays the controller: revisions,
// MirrorNode spec, permit). What podman changes is listed in harness/podman-pods.ts (playablePod).
//
// The restart: podman 4.3 ignores `hostPID: true`, so the Job's `nsenter -t 1 -m -u -i -n -p --
// systemctl restart containerd` enters the Job container's OWN namespaces (its PID 1 is the agent
// itself) and finds `systemctl` there: a stand-in mounted into the Job pod asks this test, which
// restarts its containerd as systemd would. Proven here: the privileged Job container runs the
// generated argv, holds the permit, writes config.toml through its hostPath mount, its restart
// request arrives exactly once, it waits for CRI health over the socket mount, and reports Applied;
// the unprivileged agent container cannot do any of that. Not proven here: that `nsenter -t 1`
// reaches the HOST's PID 1 — test/cluster-e2e/gitops-rollout.test.ts and test/cluster/agent/
// daemonset-pod.test.ts show it on simulated nodes, whose PID 1 answers systemctl the same way.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/version.js';
import { NAMESPACE } from '../../src/cluster/api/meta.js';
import { imageRef } from '../../src/cluster/api/pod-contract.js';
import { buildAgentDaemonSet, buildApplyJob } from '../../src/cluster/manifests-agent.js';
import { profileFor } from '../../src/cluster/mount-profiles.js';
import { snapshotDir } from '../cluster/agent/files.js';
import { AgentWorld, mirrorSpec, until } from '../cluster/agent/harness.js';
import {
  baseContainerdConfig,
  type Containerd,
  containerdBinaries,
  startContainerd,
} from '../e2e/harness/containerd.js';
import { mountNodeDirs, type NodeMounts } from '../e2e/harness/mountns.js';
import { type PlayablePod, Podman, playablePod } from './harness/podman-pods.js';
import { type SystemctlBridge, systemctlBridge } from './harness/systemctl-bridge.js';

const REPO = join(import.meta.dirname, '../..');
const NODE = 'podman-node';
const CONFIG = '/etc/containerd/config.toml';
const HOSTS = '/etc/containerd/certs.d/docker.io/hosts.toml';
const system = containerdBinaries().find((b) => b.binDir === '/usr/bin');

const world = new AgentWorld();
let dir: string;
let mounts: NodeMounts;
let podman: Podman;
let image: string;
let containerd: Containerd;
let bridge: SystemctlBridge;
const pods: string[] = [];

/** The projected service-account volume's files, as a ConfigMap podman can mount. */
const serviceAccountConfigMap = (name: string, saDir: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: {
    token: readFileSync(join(saDir, 'token'), 'utf8'),
    'ca.crt': readFileSync(join(saDir, 'ca.crt'), 'utf8'),
    namespace: NAMESPACE,
  },
});

const status = () => (world.status(NODE) ?? {}) as Record<string, unknown>;

async function play(pod: PlayablePod, saDir: string): Promise<string> {
  pods.push(pod.metadata.name);
  await podman.play(pod, [serviceAccountConfigMap(`${pod.metadata.name}-sa`, saDir)]);
  return `${pod.metadata.name}-${pod.spec.containers[0]?.name}`;
}

async function waitForState(want: string, revision: string, container: string): Promise<void> {
  await until(
    () => status().state === want && status().observedRevision === revision,
    90_000,
    () => `${JSON.stringify(status())}`,
  ).catch(async (e: unknown) => {
    throw new Error(`${String(e)}\n--- ${container} ---\n${await podman.logs(container)}`);
  });
}

beforeAll(async () => {
  if (!system)
    throw new Error("Debian's containerd (/usr/bin/containerd) is missing: run scripts/setup-e2e.sh");
  dir = mkdtempSync(join(tmpdir(), 'mirrorctl-podman-'));
  mounts = await mountNodeDirs(join(dir, 'node'));
  // /etc/containers is one of the node dirs now (an empty temp dir): podman needs a signature policy
  // even for `podman import` of a local tarball.
  writeFileSync('/etc/containers/policy.json', '{"default":[{"type":"insecureAcceptAnything"}]}\n');
  mkdirSync('/run/containerd', { recursive: true });
  writeFileSync(CONFIG, baseContainerdConfig(2));
  containerd = startContainerd({ binary: system, dir: '/run/containerd', configFile: CONFIG });
  podman = new Podman(join(dir, 'podman'));
  const [built, cri] = await Promise.all([
    podman.buildImage(REPO),
    containerd.waitForCri(60_000),
    world.start(),
  ]);
  image = built;
  expect(cri.ok, containerd.log()).toBe(true);
  bridge = systemctlBridge(join(dir, 'bridge'), {
    containerd: async (verb) => {
      if (verb !== 'restart') return { code: 1, stderr: `Unknown command verb ${verb}.\n` };
      await containerd.restart();
      const up = await containerd.waitForCri(60_000);
      return up.ok ? { code: 0 } : { code: 1, stderr: 'containerd did not come back\n' };
    },
  });
}, 600_000);

afterAll(async () => {
  for (const p of pods) await podman?.down(p);
  bridge?.stop();
  await containerd?.stop();
  await world.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('podman kube play: the generated pods as real containers', () => {
  let agent: string;
  let r1: { revision: string; name: string };
  let pidBeforeJob: number;

  it('the image is the one the manifests name, built offline by scripts/build-image.sh', () => {
    expect(image).toBe(imageRef(VERSION));
  });

  it('the unprivileged agent pod reports PendingRestart for a config.toml change and writes nothing; it cannot leave its container', async () => {
    const pristine = snapshotDir('/etc/containerd');
    const pid = containerd.pid();
    r1 = world.revision(mirrorSpec('https://mirror-pod.example.com'));
    world.setNode(NODE, world.nodeSpec(r1, { target: 'containerd' }));
    const ds = buildAgentDaemonSet(profileFor('containerd'), image);
    agent = await play(
      playablePod(ds.spec?.template ?? {}, {
        name: 'agent',
        node: NODE,
        namespace: NAMESPACE,
        apiPort: world.server.port,
        serviceAccountConfigMap: 'agent-sa',
      }),
      world.saDir,
    );
    await waitForState('PendingRestart', r1.revision, agent);
    expect(status()).toMatchObject({ action: 'restart' });
    expect(status().runtime).toMatch(/^containerd:\/\/1\.6\./);
    expect(snapshotDir('/etc/containerd')).toEqual(pristine);
    expect(containerd.pid()).toBe(pid);
    expect(bridge.calls).toEqual([]);

    // What podman gave the container is what the manifest asked for …
    const inspect = await podman.ok([
      'inspect',
      agent,
      '--format',
      '{{.HostConfig.Privileged}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.SecurityOpt}}',
    ]);
    expect(inspect.stdout.trim()).toBe('false true [no-new-privileges]');
    // … and from inside it: no capability, no new privileges, no way into another namespace, a
    // read-only root and os-release, its own PID namespace (containerd's PID is not there).
    const probe = await podman.run([
      'exec',
      agent,
      '/usr/local/bin/node',
      '-e',
      `const fs = require('fs'), cp = require('child_process');
       const st = fs.readFileSync('/proc/self/status', 'utf8');
       const out = { capEff: /CapEff:\\s*(\\w+)/.exec(st)[1], noNewPrivs: /NoNewPrivs:\\s*(\\d)/.exec(st)[1],
         containerdVisible: fs.existsSync('/proc/${containerd.pid()}') };
       const tryWrite = (p) => { try { fs.writeFileSync(p, 'x'); return 'written'; } catch (e) { return e.code; } };
       out.root = tryWrite('/mirrorctl-probe'); out.osRelease = tryWrite('/host/etc/os-release');
       const r = cp.spawnSync('/usr/bin/nsenter', ['-t', '1', '-m', '-p', '--', '/usr/local/bin/node', '-e', '0']);
       out.nsenter = r.status + ' ' + r.stderr.toString().trim();
       console.log(JSON.stringify(out));`,
    ]);
    expect(probe.code, probe.stderr).toBe(0);
    const seen = JSON.parse(probe.stdout) as Record<string, string | boolean>;
    expect(seen).toMatchObject({
      capEff: '0000000000000000',
      noNewPrivs: '1',
      containerdVisible: false,
      root: 'EROFS',
      osRelease: 'EROFS',
    });
    expect(seen.nsenter).toMatch(/^1 nsenter: .*Operation not permitted/);
    expect((await podman.state(agent)).status).toBe('running');
  });

  it('the privileged apply Job pod restarts containerd once under the permit, config_path loaded, Applied', async () => {
    pidBeforeJob = containerd.pid();
    const job = buildApplyJob({
      node: NODE,
      mirrorSet: 'lab',
      revision: r1.revision,
      profile: 'containerd',
      image,
      restartTimeoutSeconds: 120,
    });
    const jobName = job.metadata?.name ?? '';
    world.setNode(
      NODE,
      world.nodeSpec(r1, {
        target: 'containerd',
        permit: { revision: r1.revision, wave: 0, grantedAt: new Date().toISOString(), job: jobName },
      }),
    );
    const container = await play(
      playablePod(job.spec?.template ?? {}, {
        name: 'apply',
        node: NODE,
        namespace: NAMESPACE,
        apiPort: world.server.port,
        serviceAccountConfigMap: 'apply-sa',
        extraHostMounts: [
          { name: 'systemctl', hostPath: bridge.script, mountPath: '/usr/bin/systemctl', type: 'File' },
          { name: 'systemd-bridge', hostPath: bridge.dir, mountPath: bridge.dir, type: 'Directory' },
        ],
      }),
      world.applySaDir,
    );
    await until(
      async () => (await podman.state(container)).status === 'exited',
      180_000,
      () => JSON.stringify(status()),
    );
    const log = await podman.logs(container);
    expect((await podman.state(container)).exitCode, log).toBe(0);
    expect(
      (
        await podman.ok([
          'inspect',
          container,
          '--format',
          '{{.HostConfig.Privileged}} {{.HostConfig.ReadonlyRootfs}}',
        ])
      ).stdout.trim(),
    ).toBe('true true');
    expect(status()).toMatchObject({ state: 'Applied', appliedRevision: r1.revision, action: 'restart' });
    // The generated argv ran: nsenter into PID 1, then `systemctl restart containerd` — answered once.
    expect(bridge.calls.map((c) => [c.argv.join(' '), c.code])).toEqual([['restart containerd', 0]]);
    expect(containerd.pid()).not.toBe(pidBeforeJob);
    expect(readFileSync(CONFIG, 'utf8')).toContain('config_path = "/etc/containerd/certs.d"');
    expect(readFileSync(HOSTS, 'utf8')).toContain('https://mirror-pod.example.com');
    const cri = await containerd.cri().status(true);
    expect(JSON.stringify(cri)).toContain('/etc/containerd/certs.d');
    expect(existsSync('/var/lib/mirrorctl/state.json')).toBe(true);
    // The long-running agent saw the Job's result and did not take the node back to PendingRestart.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(status()).toMatchObject({ state: 'Applied', appliedRevision: r1.revision });
  });

  it('a hot change (hosts.toml only) is applied by the unprivileged agent pod at once, containerd untouched', async () => {
    const pid = containerd.pid();
    const r2 = world.revision(mirrorSpec('https://mirror-pod-2.example.com'));
    world.setNode(NODE, world.nodeSpec(r2, { target: 'containerd' }));
    await waitForState('Applied', r2.revision, agent);
    expect(status()).toMatchObject({ appliedRevision: r2.revision, action: 'none' });
    expect(readFileSync(HOSTS, 'utf8')).toContain('https://mirror-pod-2.example.com');
    expect(containerd.pid()).toBe(pid);
    expect(bridge.calls).toHaveLength(1);
    expect(world.events(NODE).map((e) => e.reason)).toEqual(expect.arrayContaining(['Restarted', 'Applied']));
  });
});
