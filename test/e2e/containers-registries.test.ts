// registries.conf (CRI-O's format), hand-written: skopeo and podman (containers/image 5.23.1, the
// library CRI-O links) pull icr.io/cpopen/cpopen-test:1.0 through a registries.conf.d drop-in that
// rewrites the namespace — `prefix = "icr.io/cpopen"` → mirror `M/dpod` — which containerd cannot
// express. The mirror's access log shows /v2/dpod/cpopen-test/…; the upstream stand-in sees nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidence, type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';
import { podman } from './harness/podman.js';
import { skopeo } from './harness/skopeo.js';

const IMAGE = 'icr.io/cpopen/cpopen-test:1.0';
const REGISTRIES_CONF = '/etc/containers/registries.conf';

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-regconf-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  pair = await startMirrorPair({
    dir: join(dir, 'registries'),
    tag: '1.0',
    mirrorRepos: ['dpod/cpopen-test'],
    upstreamRepos: ['cpopen/cpopen-test'],
  });
  // GIVEN a node's /etc/containers: policy, an empty main file and the drop-in under test. The
  // source is relocated to the upstream stand-in, so a fallback would succeed and be visible.
  writeFileSync(
    '/etc/containers/policy.json',
    JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }),
  );
  writeFileSync(REGISTRIES_CONF, 'unqualified-search-registries = []\n');
  mkdirSync('/etc/containers/registries.conf.d', { recursive: true });
  writeFileSync(
    '/etc/containers/registries.conf.d/50-mirrorctl.conf',
    [
      '[[registry]]',
      'prefix = "icr.io/cpopen"',
      `location = "${pair.upstream.host}/cpopen"`,
      'insecure = true',
      '',
      '[[registry.mirror]]',
      `location = "${pair.mirror.host}/dpod"`,
      'insecure = true',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await pair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cases = [
  {
    name: 'skopeo 1.9 (--registries-conf)',
    client: 'skopeo/',
    pull: () =>
      skopeo(['copy', `docker://${IMAGE}`, `dir:${mkdtempSync(join(dir, 'skopeo-out-'))}`], {
        policy: '/etc/containers/policy.json',
        registriesConf: REGISTRIES_CONF,
      }),
  },
  {
    name: 'podman 4.3 (CONTAINERS_REGISTRIES_CONF)',
    client: 'containers/',
    pull: () =>
      podman(['pull', '--quiet', IMAGE], { dir: join(dir, 'podman'), registriesConf: REGISTRIES_CONF }),
  },
];

describe.each(cases)('$name + registries.conf.d drop-in', ({ client, pull }) => {
  it('pulls icr.io/cpopen/cpopen-test:1.0 from mirror/dpod/cpopen-test, never the upstream', async () => {
    const upstreamBefore = pair.upstream.mark();
    const mirrorBefore = pair.mirror.mark();
    const result = await pull();
    expect(result.code, result.stderr).toBe(0);
    console.log(evidence(`${client} ${IMAGE}`, pair.mirror, '/v2/dpod/', client, mirrorBefore));
    const manifests = pair.mirror
      .requests('/v2/dpod/cpopen-test/manifests/1.0', mirrorBefore)
      .filter((e) => e.userAgent.startsWith(client) && e.status === 200);
    expect(manifests.length).toBeGreaterThan(0);
    expect(pair.upstream.requests('/v2/', upstreamBefore)).toEqual([]);
  });
});
