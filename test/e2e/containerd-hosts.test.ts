// containerd × hosts.toml, hand-written (the renderers' output is checked by later cases): for every
// containerd in the matrix, a CRI PullImage of icr.io/cpopen/cpopen-test:1.0 is served by the mirror
// at /v2/dpod/cpopen/cpopen-test/… (override_path, `?ns=icr.io`) and the upstream stand-in named
// as `server` sees nothing. Each version gets the config version a node would have, and 2.1 also
// gets a v2 file to show containerd's in-memory migration keeps config_path.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseContainerdConfig,
  type ContainerdBinary,
  containerdBinaries,
  nativeConfigVersion,
  startContainerd,
} from './harness/containerd.js';
import { evidence, type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';

const IMAGE = 'icr.io/cpopen/cpopen-test:1.0';
const MIRROR_PATH = '/v2/dpod/cpopen/cpopen-test/manifests/1.0?ns=icr.io';

const binaries = containerdBinaries();
const cases: { name: string; binary: ContainerdBinary; configVersion: 2 | 3 }[] = binaries.flatMap(
  (binary) => {
    const native = nativeConfigVersion(binary.version);
    const own = { name: `${binary.version} config v${native}`, binary, configVersion: native };
    // 2.x migrates a v2 file at start: the registry table moves to io.containerd.cri.v1.images.
    return native === 3
      ? [own, { name: `${binary.version} config v2 (migrated)`, binary, configVersion: 2 as const }]
      : [own];
  },
);

function configPathToml(configVersion: 2 | 3): string {
  const table = configVersion === 3 ? 'io.containerd.cri.v1.images' : 'io.containerd.grpc.v1.cri';
  return `${baseContainerdConfig(configVersion)}\n[plugins."${table}".registry]\n  config_path = "/etc/containerd/certs.d"\n`;
}

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-ctd-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  pair = await startMirrorPair({
    dir: join(dir, 'registries'),
    tag: '1.0',
    mirrorRepos: ['dpod/cpopen/cpopen-test'],
    upstreamRepos: ['cpopen/cpopen-test'],
  });
  mkdirSync('/etc/containerd/certs.d/icr.io', { recursive: true });
  writeFileSync(
    '/etc/containerd/certs.d/icr.io/hosts.toml',
    [
      `server = "${pair.upstream.url}"`,
      '',
      `[host."${pair.mirror.url}/v2/dpod"]`,
      '  capabilities = ["pull", "resolve"]',
      '  override_path = true',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await pair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('containerd matrix', () => {
  it('has Debian 1.6 plus 1.7 and 2.1 from scripts/fetch-containerd.sh', () => {
    const minors = binaries.map((b) => b.version.split('.').slice(0, 2).join('.'));
    expect(minors, 'run scripts/fetch-containerd.sh').toEqual(expect.arrayContaining(['1.6', '1.7', '2.1']));
  });
});

describe.each(cases)('containerd $name + config_path + hosts.toml', ({ binary, configVersion }) => {
  it('pulls icr.io/cpopen/cpopen-test:1.0 through the mirror over CRI, never the upstream', async () => {
    // GIVEN the node config and a fresh containerd root
    writeFileSync('/etc/containerd/config.toml', configPathToml(configVersion));
    const ctdDir = mkdtempSync(join(dir, `c${binary.version}-`));
    const containerd = startContainerd({ binary, dir: ctdDir, configFile: '/etc/containerd/config.toml' });
    const upstreamBefore = pair.upstream.mark();
    const mirrorBefore = pair.mirror.mark();
    try {
      const version = await containerd.waitForCri();
      expect(version, containerd.log()).toMatchObject({ ok: true });
      if (version.ok) expect(version.value.runtimeVersion).toContain(binary.version);

      // WHEN kubelet's call is made
      const pulled = await containerd.cri().pullImage(IMAGE);

      // THEN the mirror served it at the prefixed path and the upstream saw nothing
      expect(pulled, containerd.log()).toMatchObject({ ok: true });
      const agent = `containerd/${binary.version}`;
      const hits = pair.mirror
        .requests('/v2/dpod/', mirrorBefore)
        .filter((e) => e.userAgent.startsWith(agent));
      console.log(
        evidence(`containerd ${binary.version} v${configVersion} ${IMAGE}`, pair.mirror, '/v2/dpod/', agent),
      );
      expect(hits.map((h) => `${h.method} ${h.path} ${h.status}`)).toContain(`HEAD ${MIRROR_PATH} 200`);
      expect(pair.upstream.requests('/v2/', upstreamBefore)).toEqual([]);
      const status = await containerd.cri().imageStatus(IMAGE);
      expect(status).toMatchObject({ ok: true, value: { repoTags: [IMAGE] } });
      // What `verify` can learn from CRI Status: 1.x reports the effective registry config, 2.x
      // does not (the registry table moved to the images plugin), so it must read config files.
      const verbose = await containerd.cri().status(true);
      expect(verbose.ok).toBe(true);
      const info: { registry?: { configPath?: string } } = verbose.ok
        ? JSON.parse(verbose.value.info.config ?? '{}')
        : {};
      if (nativeConfigVersion(binary.version) === 2) {
        expect(info.registry?.configPath).toBe('/etc/containerd/certs.d');
      } else {
        expect(info.registry).toBeUndefined();
      }
      if (configVersion === 2 && nativeConfigVersion(binary.version) === 3) {
        expect(containerd.log()).toContain('Configuration migrated from version 2');
      }
    } finally {
      await containerd.stop();
    }
  });
});
