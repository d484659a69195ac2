// The product path on every containerd in the matrix (1.6 and 1.7 with config v2, 2.1 with v3 and
// with a v2 file it migrates at start): `mirrorctl apply` sets config_path and restarts containerd
// exactly once (through --restart-command, PID observed); a CRI pull of the seed's image goes
// through the mirror exactly as `mirrorctl explain` says; a second apply that adds a mirror writes
// hosts.toml only and keeps the PID; `mirrorctl verify` exits 0 with the pull in its JSON;
// `mirrorctl uninstall` restores /etc/containerd and /var/lib/mirrorctl byte for byte.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFs } from '../../src/host/node-fs.js';
import { snapshotTree } from '../../src/host/testing.js';
import { compatCase } from './compat-matrix.js';
import {
  baseContainerdConfig,
  type ContainerdBinary,
  containerdBinaries,
  nativeConfigVersion,
  startContainerd,
} from './harness/containerd.js';
import { type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { emptyDir, mountNodeDirs, type NodeMounts } from './harness/mountns.js';
import {
  cli,
  evidenceLine,
  expectedPrefix,
  explainRequests,
  manifestRequests,
  writeSpec,
} from './harness/product.js';
import { restartBridge } from './harness/restart-bridge.js';

const IMAGE = 'icr.io/cpopen/cpopen-test:1.0';
const CONFIG = '/etc/containerd/config.toml';

const cases: { binary: ContainerdBinary; configVersion: 2 | 3; title: string }[] =
  containerdBinaries().flatMap((binary) => {
    const native = nativeConfigVersion(binary.version);
    const versions: (2 | 3)[] = native === 3 ? [3, 2] : [2];
    return versions.map((configVersion) => ({
      binary,
      configVersion,
      title: compatCase(binary.version, `config v${configVersion}`).title,
    }));
  });

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;
const fs = nodeFs({ root: '/' });

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-apply-m-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  pair = await startMirrorPair({
    dir: join(dir, 'registries'),
    tag: '1.0',
    mirrorRepos: ['dpod/cpopen/cpopen-test', 'team/app'],
    upstreamRepos: ['team/app'],
  });
});

afterAll(async () => {
  await pair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(cases)('$title', ({ binary, configVersion }) => {
  it('apply restarts once, pulls via the mirror as explained, second apply keeps the PID, verify, uninstall restores', async () => {
    // GIVEN a node whose config.toml has no registry settings and a running containerd
    emptyDir('/etc/containerd');
    emptyDir('/var/lib/mirrorctl');
    writeFileSync(CONFIG, baseContainerdConfig(configVersion));
    const ctdDir = mkdtempSync(join(dir, `c${binary.version}-`));
    const containerd = startContainerd({ binary, dir: ctdDir, configFile: CONFIG });
    const bridge = restartBridge(join(ctdDir, 'restart'), async () => {
      await containerd.restart();
      return containerd.pid();
    });
    const node = () => snapshotTree(fs, { dir: '/etc/containerd' });
    const state = () => snapshotTree(fs, { dir: '/var/lib/mirrorctl' });
    const control = [
      '--root',
      '/',
      '--restart-command',
      bridge.command,
      '--cri-endpoint',
      containerd.endpoint,
    ];
    const planFlags = ['--containerd-bin', join(binary.binDir, 'containerd')];
    try {
      expect((await containerd.waitForCri()).ok, containerd.log()).toBe(true);
      const beforeNode = await node();
      const beforeState = await state();
      const pid0 = containerd.pid();

      // WHEN the seed's spec is applied: icr.io/cpopen through the DPOD mirror (API root)
      const spec1 = writeSpec(join(ctdDir, 'spec1.yaml'), [
        { source: 'icr.io/cpopen', mirrors: [{ url: `${pair.mirror.url}/v2/dpod`, path: 'api-root' }] },
      ]);
      const first = await cli(['apply', '-f', spec1, ...planFlags, ...control, '-o', 'json']);
      const firstDoc = JSON.parse(first.stdout) as {
        status: string;
        plan: { runtime: { version: string } };
        result: { steps: { step: string; ok: boolean; message: string }[] };
      };
      expect(firstDoc.status).toBe('applied');
      expect(firstDoc.plan.runtime.version).toBe(binary.version);
      // The health check after the restart asked for the config_path just written (issue 15.1):
      // 1.x reports it over CRI; 2.x does not, and the step says it could not look.
      const health = firstDoc.result.steps.find((s) => s.step === 'health');
      expect(health?.message, first.stdout).toContain(
        binary.version.startsWith('1.')
          ? 'CRI loaded config_path = "/etc/containerd/certs.d"'
          : 'config_path not checked',
      );
      // THEN config_path was set and containerd restarted exactly once
      expect(bridge.restarts()).toBe(1);
      const pid1 = containerd.pid();
      expect(pid1).not.toBe(pid0);
      const config = readFileSync(CONFIG, 'utf8');
      const table = configVersion === 3 ? 'io.containerd.cri.v1.images' : 'io.containerd.grpc.v1.cri';
      expect(config).toContain(`[plugins."${table}".registry]`);
      expect(config).toContain('config_path = "/etc/containerd/certs.d"');

      // AND the CRI pull goes to the mirror, in the order explain gives
      const since = [
        { registry: pair.mirror, since: pair.mirror.mark() },
        { registry: pair.upstream, since: pair.upstream.mark() },
      ];
      const pulled = await containerd.cri().pullImage(IMAGE);
      expect(pulled, containerd.log()).toMatchObject({ ok: true });
      const agent = `containerd/${binary.version}`;
      const seen = manifestRequests(since, '1.0', agent);
      console.log(evidenceLine(`apply ${agent} v${configVersion} ${IMAGE}`, seen));
      expect(seen.map((s) => `${s.entry.path} ${s.status}`)).toEqual([
        '/v2/dpod/cpopen/cpopen-test/manifests/1.0?ns=icr.io 200',
      ]);
      const explained = await explainRequests(IMAGE, spec1, 'containerd', binary.version);
      expect(
        seen.map((s) => s.url),
        'explain vs runtime',
      ).toEqual(expectedPrefix(explained, seen, [pair.mirror, pair.upstream]));

      // WHEN a second apply adds a mirror for another registry: hosts.toml only, no restart
      const spec2 = writeSpec(join(ctdDir, 'spec2.yaml'), [
        { source: 'icr.io/cpopen', mirrors: [{ url: `${pair.mirror.url}/v2/dpod`, path: 'api-root' }] },
        { source: pair.upstream.host, mirrors: [{ url: pair.mirror.url }] },
      ]);
      const second = await cli(['apply', '-f', spec2, ...planFlags, ...control, '-o', 'json']);
      const secondDoc = JSON.parse(second.stdout) as {
        status: string;
        plan: { changes: { path: string }[]; action: { kind: string } };
      };
      expect(secondDoc.status).toBe('applied');
      expect(secondDoc.plan.action.kind).toBe('none');
      expect(secondDoc.plan.changes.map((c) => c.path)).toEqual([
        `/etc/containerd/certs.d/${pair.upstream.host}/hosts.toml`,
      ]);
      expect(bridge.restarts()).toBe(1);
      expect(containerd.pid()).toBe(pid1);
      // hosts.toml is read per pull: the new mirror serves the upstream's image at once
      const since2 = [
        { registry: pair.mirror, since: pair.mirror.mark() },
        { registry: pair.upstream, since: pair.upstream.mark() },
      ];
      const app = `${pair.upstream.host}/team/app:1.0`;
      expect(await containerd.cri().pullImage(app), containerd.log()).toMatchObject({ ok: true });
      const seen2 = manifestRequests(since2, '1.0', agent);
      console.log(evidenceLine(`second apply ${agent} ${app}`, seen2));
      expect(seen2.map((s) => s.url)).toEqual([
        `${pair.mirror.url}/v2/team/app/manifests/1.0?ns=${encodeURIComponent(pair.upstream.host)}`,
      ]);
      const explained2 = await explainRequests(app, spec2, 'containerd', binary.version);
      expect(seen2.map((s) => s.url)).toEqual(
        expectedPrefix(explained2, seen2, [pair.mirror, pair.upstream]),
      );

      // verify: config in force, mirror probe, a real pull through the CRI
      const verify = await cli([
        'verify',
        '-f',
        spec2,
        '--image',
        IMAGE,
        '--cri-endpoint',
        containerd.endpoint,
        '--runtime',
        'containerd',
        '--runtime-version',
        binary.version,
        '-o',
        'json',
      ]);
      const report = JSON.parse(verify.stdout) as { ok: boolean; checks: { id: string; ok: boolean }[] };
      expect(report.ok, verify.stdout).toBe(true);
      expect(report.checks).toContainEqual(expect.objectContaining({ id: `pull:${IMAGE}`, ok: true }));
      expect(report.checks).toContainEqual(expect.objectContaining({ id: `mirror:${IMAGE}`, ok: true }));
      console.log(`[e2e evidence] verify ${agent}: ${report.checks.map((c) => `${c.id}=${c.ok}`).join(' ')}`);

      // uninstall: one more restart (config.toml changes back), every byte restored
      await cli(['uninstall', ...control]);
      expect(bridge.restarts()).toBe(2);
      expect(await node()).toEqual(beforeNode);
      expect(await state()).toEqual(beforeState);
      expect((await containerd.waitForCri()).ok).toBe(true);
    } finally {
      bridge.stop();
      await containerd.stop();
    }
  });
});
