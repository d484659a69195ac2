// Part 2 of `npm run demo`, run by scripts/demo.ts inside `unshare --net --mount` (only loopback, and
// mounts nobody else sees): a real containerd 1.6 (Debian package) and a loopback docker-registry
// holding icr.io/cpopen/demo-app under dpod/cpopen/demo-app, as the seed's DPOD mirror does.
// `mirrorctl apply --root /` edits the real node paths (temp dirs bind-mounted over /etc/containerd
// and /var/lib/mirrorctl by the e2e harness) and restarts containerd exactly once; `mirrorctl verify
// --image` pulls through the CRI; the mirror's access log shows the request; uninstall restores.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseContainerdConfig,
  type Containerd,
  containerdBinaries,
  startContainerd,
} from '../../test/e2e/harness/containerd.js';
import { runOk } from '../../test/e2e/harness/exec.js';
import { buildTestImage, pushImage } from '../../test/e2e/harness/image.js';
import { mountNodeDirs, type NodeMounts } from '../../test/e2e/harness/mountns.js';
import { type Registry, startRegistry } from '../../test/e2e/harness/registry.js';
import { acceptAnythingPolicy } from '../../test/e2e/harness/skopeo.js';
import { DemoFailure, heading, mirrorctl, note } from './cli.js';
import { snapshotDiff, snapshotDir } from './snapshot.js';

const IMAGE = 'icr.io/cpopen/demo-app:1.0';

/** The spec an operator would write for this node: the seed's containerd form, mirror on loopback. */
const specFor = (mirror: Registry) => `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: dpod-demo }
spec:
  registries:
    - source: icr.io/cpopen
      mirrors:
        - url: ${mirror.url}/v2/dpod
          path: api-root
`;

/**
 * A stand-in for systemd: SIGUSR2 restarts the containerd this process started and then records the
 * new PID; the restart script mirrorctl runs (--restart-command) signals and waits for that PID.
 */
function serviceManager(containerd: Containerd, dir: string): { restartCommand: string; restarts(): number } {
  let restarts = 0;
  const pidFile = join(dir, 'containerd.pid');
  writeFileSync(pidFile, String(containerd.pid()));
  process.on('SIGUSR2', () => {
    void containerd.restart().then(() => {
      restarts += 1;
      writeFileSync(pidFile, String(containerd.pid()));
    });
  });
  const script = join(dir, 'restart-containerd.sh');
  writeFileSync(
    script,
    `#!/bin/sh\n# restart the demo's containerd and wait (30 s at most) until its new PID is recorded\nold=$(cat ${pidFile})\nkill -USR2 ${process.pid}\ni=0\nwhile [ "$(cat ${pidFile})" = "$old" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done\n[ "$(cat ${pidFile})" != "$old" ]\n`,
    { mode: 0o755 },
  );
  return { restartCommand: script, restarts: () => restarts };
}

async function run(dir: string, cleanup: Array<() => Promise<void>>): Promise<void> {
  const binary = containerdBinaries().find((b) => b.binDir === '/usr/bin');
  if (!binary) throw new DemoFailure('the Debian containerd package is not installed');
  await runOk(['ip', 'link', 'set', 'lo', 'up']);
  const mounts: NodeMounts = await mountNodeDirs(join(dir, 'node'));
  cleanup.push(() => mounts.unmount());

  const mirror = await startRegistry({ name: 'mirror', dir });
  cleanup.push(() => mirror.stop());
  const image = await buildTestImage(join(dir, 'image'), '1.0', 'mirrorctl demo');
  await pushImage(image, mirror, 'dpod/cpopen/demo-app', acceptAnythingPolicy(dir));
  note(`mirror registry on ${mirror.url} holds dpod/cpopen/demo-app:1.0; icr.io itself is unreachable here`);

  writeFileSync('/etc/containerd/config.toml', baseContainerdConfig(2));
  const containerd = startContainerd({
    binary,
    dir: mkdtempSync(join(dir, 'c-')),
    configFile: '/etc/containerd/config.toml',
  });
  cleanup.push(() => containerd.stop());
  if (!(await containerd.waitForCri()).ok)
    throw new DemoFailure('containerd did not answer on its CRI socket');
  const service = serviceManager(containerd, dir);
  note(`containerd ${binary.version} runs with CRI at ${containerd.endpoint}, pid ${containerd.pid()}`);

  const spec = join(dir, 'mirrors.yaml');
  writeFileSync(spec, specFor(mirror));
  process.stdout.write(`\n${spec}:\n${readFileSync(spec, 'utf8')}`);
  const before = snapshotDir('/etc/containerd');
  const node = ['--root', '/', '--runtime', 'containerd', '--containerd-bin', '/usr/bin/containerd'];
  const control = ['--restart-command', service.restartCommand, '--cri-endpoint', containerd.endpoint];

  await mirrorctl([
    'explain',
    IMAGE,
    '-f',
    spec,
    '--target',
    'containerd',
    '--runtime-version',
    binary.version,
  ]);
  await mirrorctl(['plan', '-f', spec, ...node], [1]);
  const pid0 = containerd.pid();
  await mirrorctl(['apply', '-f', spec, ...node, ...control]);
  if (service.restarts() !== 1 || containerd.pid() === pid0) {
    throw new DemoFailure(`expected exactly one containerd restart, saw ${service.restarts()}`);
  }
  process.stdout.write(
    `✓ containerd restarted once (pid ${pid0} → ${containerd.pid()}) to load config_path\n`,
  );

  const since = mirror.mark();
  await mirrorctl([
    'verify',
    '-f',
    spec,
    '--root',
    '/',
    '--runtime',
    'containerd',
    '--cri-endpoint',
    containerd.endpoint,
    '--image',
    IMAGE,
  ]);
  const served = mirror.requests('/v2/dpod/', since).filter((e) => e.userAgent.startsWith('containerd/'));
  if (served.length === 0) throw new DemoFailure('the mirror logged no request from containerd');
  note("the mirror's access log — containerd asked the mirror, with the full original repository:");
  for (const e of served) process.stdout.write(`  ${e.line}\n`);

  note('the same spec again: nothing to write, no restart');
  const pid1 = containerd.pid();
  await mirrorctl(['apply', '-f', spec, ...node, ...control]);
  if (containerd.pid() !== pid1) throw new DemoFailure('a no-op apply restarted containerd');

  await mirrorctl(['uninstall', '--root', '/', ...control]);
  const diffs = snapshotDiff(before, snapshotDir('/etc/containerd'));
  if (diffs.length > 0)
    throw new DemoFailure(`/etc/containerd differs after uninstall:\n${diffs.join('\n')}`);
  if (!(await containerd.waitForCri(30_000)).ok)
    throw new DemoFailure('containerd does not answer after uninstall');
  process.stdout.write(
    '✓ after uninstall /etc/containerd is byte-identical to before and containerd answers on CRI\n',
  );
}

async function main(): Promise<number> {
  const dir = mkdtempSync('/tmp/mirrorctl-demo-real-');
  const cleanup: Array<() => Promise<void>> = [];
  try {
    await run(dir, cleanup);
    heading('demo done');
    return 0;
  } catch (e) {
    process.stderr.write(`\n✖ demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
