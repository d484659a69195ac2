// The 2.1 transfer-service trap (runtime-semantics.md §1.4), hand-written, on every containerd in
// the matrix: a colon-separated `config_path` list works on 1.x (the local pull path splits it),
// is silently ignored by 2.1's default transfer-service pulls (no mirror, no `server`, the pull goes
// to the unreachable icr.io), and works again on 2.1 with `use_local_image_pull = true`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const LIST = '/etc/containerd/certs.d:/etc/docker/certs.d';

function listToml(configVersion: 2 | 3, useLocalImagePull: boolean): string {
  const plugin = configVersion === 3 ? 'io.containerd.cri.v1.images' : 'io.containerd.grpc.v1.cri';
  const local = useLocalImagePull ? `[plugins."${plugin}"]\n  use_local_image_pull = true\n` : '';
  return `${baseContainerdConfig(configVersion)}\n${local}[plugins."${plugin}".registry]\n  config_path = "${LIST}"\n`;
}

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-list-');
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
    `server = "${pair.upstream.url}"\n\n[host."${pair.mirror.url}/v2/dpod"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n`,
  );
});

afterAll(async () => {
  await pair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cases = containerdBinaries().flatMap((binary) => {
  const is2x = nativeConfigVersion(binary.version) === 3;
  const plain = { name: `${binary.version} list`, binary, useLocal: false, mirrored: !is2x };
  // use_local_image_pull exists from 2.1 only; 1.x always pulls locally.
  return is2x
    ? [
        plain,
        { name: `${binary.version} list + use_local_image_pull`, binary, useLocal: true, mirrored: true },
      ]
    : [plain];
});

describe.each(cases)('containerd $name', ({ binary, useLocal, mirrored }) => {
  it(
    mirrored
      ? 'reads hosts.toml from the list: the mirror serves'
      : 'ignores hosts.toml: no mirror, pull fails',
    async () => {
      writeFileSync('/etc/containerd/config.toml', listToml(nativeConfigVersion(binary.version), useLocal));
      const containerd = startContainerd({
        binary,
        dir: mkdtempSync(join(dir, `l${binary.version}-`)),
        configFile: '/etc/containerd/config.toml',
      });
      const mirrorBefore = pair.mirror.mark();
      const upstreamBefore = pair.upstream.mark();
      const agent = `containerd/${binary.version}`;
      try {
        expect(await containerd.waitForCri(), containerd.log()).toMatchObject({ ok: true });
        const pulled = await containerd.cri().pullImage(IMAGE);
        console.log(
          evidence(
            `${agent} config_path list${useLocal ? ' + local pull' : ''}`,
            pair.mirror,
            '/v2/dpod/',
            agent,
            mirrorBefore,
          ),
        );
        const served = pair.mirror.requests('/v2/dpod/', mirrorBefore).filter((e) => e.status === 200);
        if (mirrored) {
          expect(pulled, containerd.log()).toMatchObject({ ok: true });
          expect(served.length).toBeGreaterThan(0);
        } else {
          if (!pulled.ok) console.log(`[e2e evidence] ${agent} list ignored: ${pulled.error.details}`);
          expect(pulled).toMatchObject({ ok: false });
          expect(served).toEqual([]);
          expect(pair.upstream.requests('/v2/', upstreamBefore)).toEqual([]);
        }
      } finally {
        await containerd.stop();
      }
    },
  );
});
