// containerd's deprecated CRI `registry.mirrors`, hand-written, on every containerd in the matrix:
// alone it still mirrors (the endpoint path is the API root, so it carries /v2) and logs the
// deprecation; together with `config_path` the CRI plugin does not load at all and every CRI call
// answers UNIMPLEMENTED (verified-on-debian12.md finding 7) — the trap mirrorctl must never set.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseContainerdConfig,
  containerdBinaries,
  nativeConfigVersion,
  startContainerd,
} from './harness/containerd.js';
import { evidence, type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';

const IMAGE = 'icr.io/cpopen/cpopen-test:1.0';

/** The registry table a node of this config version has (v3 moved it to cri.v1.images). */
const registryTable = (configVersion: 2 | 3) =>
  `plugins."${configVersion === 3 ? 'io.containerd.cri.v1.images' : 'io.containerd.grpc.v1.cri'}".registry`;

function legacyToml(configVersion: 2 | 3, mirrorUrl: string, withConfigPath: boolean): string {
  const table = registryTable(configVersion);
  const configPath = withConfigPath ? `[${table}]\n  config_path = "/etc/containerd/certs.d"\n` : '';
  return `${baseContainerdConfig(configVersion)}\n${configPath}[${table}.mirrors."icr.io"]\n  endpoint = ["${mirrorUrl}/v2/dpod"]\n`;
}

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-legacy-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  pair = await startMirrorPair({
    dir: join(dir, 'registries'),
    tag: '1.0',
    mirrorRepos: ['dpod/cpopen/cpopen-test'],
    upstreamRepos: ['cpopen/cpopen-test'],
  });
});

afterAll(async () => {
  await pair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(containerdBinaries())('containerd $version legacy registry.mirrors', (binary) => {
  const configVersion = nativeConfigVersion(binary.version);

  it('mirrors alone: pulls through the endpoint path and logs the deprecation', async () => {
    writeFileSync('/etc/containerd/config.toml', legacyToml(configVersion, pair.mirror.url, false));
    const containerd = startContainerd({
      binary,
      dir: mkdtempSync(join(dir, `m${binary.version}-`)),
      configFile: '/etc/containerd/config.toml',
    });
    const mirrorBefore = pair.mirror.mark();
    try {
      expect(await containerd.waitForCri(), containerd.log()).toMatchObject({ ok: true });
      const pulled = await containerd.cri().pullImage(IMAGE);
      expect(pulled, containerd.log()).toMatchObject({ ok: true });
      const agent = `containerd/${binary.version}`;
      console.log(
        evidence(`containerd ${binary.version} legacy mirrors ${IMAGE}`, pair.mirror, '/v2/dpod/', agent),
      );
      const paths = pair.mirror
        .requests('/v2/dpod/cpopen/cpopen-test/manifests/1.0', mirrorBefore)
        .filter((e) => e.userAgent.startsWith(agent) && e.status === 200);
      expect(paths.length).toBeGreaterThan(0);
      expect(containerd.log()).toContain('`mirrors` is deprecated, please use `config_path` instead');
    } finally {
      await containerd.stop();
    }
  });

  it('mirrors + config_path: the CRI plugin is not loaded, CRI answers UNIMPLEMENTED', async () => {
    writeFileSync('/etc/containerd/config.toml', legacyToml(configVersion, pair.mirror.url, true));
    const containerd = startContainerd({
      binary,
      dir: mkdtempSync(join(dir, `t${binary.version}-`)),
      configFile: '/etc/containerd/config.toml',
    });
    try {
      const version = await containerd.waitForCri();
      expect(version, containerd.log()).toMatchObject({
        ok: false,
        error: { kind: 'unimplemented', grpcCode: 12 },
      });
      if (!version.ok) console.log(`[e2e evidence] containerd ${binary.version}: ${version.error.details}`);
      const pulled = await containerd.cri().pullImage(IMAGE);
      expect(pulled).toMatchObject({ ok: false, error: { kind: 'unimplemented' } });
      expect(containerd.log()).toContain('`mirrors` cannot be set when `config_path` is provided');
      // containerd itself keeps running: only kubelet notices.
      expect(containerd.pid()).toBeGreaterThan(0);
    } finally {
      await containerd.stop();
    }
  });
});
