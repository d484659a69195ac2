// The containerd renderers' own output against real containerd (1.6 Debian, 1.7/2.1 when fetched):
// config.toml is planned by planConfigPath from the node's config and patched by patchToml, hosts.toml
// is rendered from a MirrorSet by renderContainerdHosts. A CRI PullImage of
// icr.io/cpopen/cpopen-test:1.0 must resolve at the mirror at /v2/dpod/cpopen/… for each spec shape
// that means that request (api-root, namespace with a suffix, mirror-only), with hosts.toml swapped
// between pulls without restarting containerd.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeContainerdConfig } from '../../src/formats/containerd-config.js';
import { DEFAULT_PATHS } from '../../src/formats/node-paths.js';
import { planConfigPath } from '../../src/render/containerd-config.js';
import { renderContainerdHosts } from '../../src/render/containerd-hosts.js';
import type { Mirror, MirrorSet, PathMode } from '../../src/spec/types.js';
import { patchToml } from '../../src/toml/patch.js';
import {
  baseContainerdConfig,
  containerdBinaries,
  nativeConfigVersion,
  startContainerd,
} from './harness/containerd.js';
import { evidence, type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';

const IMAGE = 'icr.io/cpopen/cpopen-test:1.0';
const MIRROR_PATH = '/v2/dpod/cpopen/cpopen-test/manifests/1.0?ns=icr.io';

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-rendered-');
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

function spec(url: string, pathMode: PathMode, fallback: boolean): MirrorSet {
  const u = new URL(url);
  const m: Mirror = {
    url,
    scheme: u.protocol === 'http:' ? 'http' : 'https',
    host: u.host,
    path: u.pathname.replace(/\/+$/, ''),
    pathMode,
    pullFrom: 'all',
    capabilities: ['pull', 'resolve'],
    tls: { insecureSkipVerify: false },
    headers: {},
  };
  const registries = [
    { index: 0, source: 'icr.io/cpopen', sourceHost: 'icr.io', sourcePath: 'cpopen', fallback, mirrors: [m] },
  ];
  return { apiVersion: 'mirrorctl/v1', kind: 'MirrorSet', name: 'e2e', registries };
}

describe.each(containerdBinaries())('containerd $version with rendered files', (binary) => {
  it('pulls through the mirror for api-root, namespace and mirror-only specs', async () => {
    // GIVEN the node's config.toml as planned and patched by mirrorctl
    const base = baseContainerdConfig(nativeConfigVersion(binary.version));
    const analysis = analyzeContainerdConfig(base, binary.version);
    const plan = planConfigPath(analysis, { certsDir: DEFAULT_PATHS.certsDir, migrateLegacy: false });
    expect(plan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan.restartNeeded).toBe(true);
    writeFileSync(DEFAULT_PATHS.containerdConfig, patchToml(analysis.text, plan.ops));
    const containerd = startContainerd({
      binary,
      dir: mkdtempSync(join(dir, 'c-')),
      configFile: DEFAULT_PATHS.containerdConfig,
    });
    const pid = () => containerd.pid();
    try {
      expect(await containerd.waitForCri(), containerd.log()).toMatchObject({ ok: true });
      const firstPid = pid();
      const shapes: [string, string, PathMode, boolean][] = [
        ['api-root', `${pair.mirror.url}/v2/dpod`, 'api-root', true],
        [
          'namespace, mirror path ends with the source prefix',
          `${pair.mirror.url}/dpod/cpopen`,
          'namespace',
          true,
        ],
        ['mirror-only', `${pair.mirror.url}/v2/dpod`, 'api-root', false],
      ];
      for (const [label, url, mode, fallback] of shapes) {
        // WHEN the rendered hosts.toml is written (no restart: containerd reads it at pull time)
        const rendered = renderContainerdHosts(spec(url, mode, fallback), {
          target: 'containerd',
          runtimeVersion: binary.version,
          assets: {},
          paths: DEFAULT_PATHS,
        });
        expect(rendered.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        for (const f of rendered.files) {
          mkdirSync(dirname(f.path), { recursive: true });
          writeFileSync(f.path, f.content, { mode: f.mode });
        }
        const before = pair.mirror.mark();
        const upstreamBefore = pair.upstream.mark();
        const pulled = await containerd.cri().pullImage(IMAGE);

        // THEN the mirror resolved the tag at the prefixed path; the upstream stand-in saw nothing
        expect(pulled, `${label}\n${containerd.log()}`).toMatchObject({ ok: true });
        const agent = `containerd/${binary.version}`;
        console.log(
          evidence(
            `rendered ${label} (containerd ${binary.version})`,
            pair.mirror,
            '/v2/dpod/',
            agent,
            before,
          ),
        );
        const hits = pair.mirror.requests('/v2/dpod/', before).filter((e) => e.userAgent.startsWith(agent));
        expect(
          hits.map((h) => `${h.method} ${h.path} ${h.status}`),
          label,
        ).toContain(`HEAD ${MIRROR_PATH} 200`);
        expect(pair.upstream.requests('/v2/', upstreamBefore)).toEqual([]);
      }
      expect(pid()).toBe(firstPid);
    } finally {
      await containerd.stop();
    }
  });
});
