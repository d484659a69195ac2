// The product path for the other two formats. CRI-O's registries.conf.d: `mirrorctl apply
// --runtime crio` writes the drop-in, then skopeo 1.9 and podman 4.3 (containers/image 5.23.1, the
// library CRI-O links) pull with it. Docker: `mirrorctl apply --runtime docker` edits a daemon.json
// that holds other keys, then dockerd 20.10 starts with it and pulls from Docker Hub. Every pull's
// manifest requests must be the ones `mirrorctl explain -o json` lists for that target.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatCase } from './compat-matrix.js';
import { freePort } from './harness/daemon.js';
import { startDockerd, testDaemonJsonExtras } from './harness/dockerd.js';
import type { ExecResult } from './harness/exec.js';
import { type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { emptyDir, mountNodeDirs, type NodeMounts } from './harness/mountns.js';
import { podman } from './harness/podman.js';
import {
  cli,
  evidenceLine,
  expectedPrefix,
  explainRequests,
  manifestRequests,
  type SpecEntry,
  writeSpec,
} from './harness/product.js';
import { skopeo } from './harness/skopeo.js';

const REGISTRIES_CONF = '/etc/containers/registries.conf';
const POLICY = '/etc/containers/policy.json';
const CRIO_VERSION = '1.25.4';

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;
let dead: string;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-apply-cd-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  pair = await startMirrorPair({
    dir: join(dir, 'registries'),
    tag: '1.0',
    mirrorRepos: ['dpod/cpopen-test', 'library/mirrorctl-e2e', 'team/app'],
    upstreamRepos: ['team/app'],
  });
  dead = `http://127.0.0.1:${await freePort()}`;
});

afterAll(async () => {
  await pair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const clients = [
  {
    name: 'skopeo 1.9',
    agent: 'skopeo/',
    pull: (image: string): Promise<ExecResult> =>
      skopeo(['copy', `docker://${image}`, `dir:${mkdtempSync(join(dir, 'out-'))}`], {
        policy: POLICY,
        registriesConf: REGISTRIES_CONF,
      }),
  },
  {
    name: 'podman 4.3',
    agent: 'containers/',
    pull: (image: string): Promise<ExecResult> =>
      podman(['pull', '--quiet', image], { dir: join(dir, 'podman'), registriesConf: REGISTRIES_CONF }),
  },
];

const crioRow = compatCase('5.23.1 (skopeo 1.9.3, podman 4.3.1)', 'registries.conf.d');

describe.each(clients)(`${crioRow.title}: mirrorctl apply --runtime crio, then $name pulls`, (client) => {
  beforeAll(() => {
    emptyDir('/etc/containers');
    writeFileSync(POLICY, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    writeFileSync(REGISTRIES_CONF, 'unqualified-search-registries = []\n');
  });

  async function applyAndPull(label: string, entries: SpecEntry[], image: string, reference: string) {
    const spec = writeSpec(join(dir, `${label}.yaml`), entries);
    await cli([
      'apply',
      '-f',
      spec,
      '--root',
      '/',
      '--runtime',
      'crio',
      '--runtime-version',
      CRIO_VERSION,
      '--no-runtime-action',
    ]);
    const since = [
      { registry: pair.mirror, since: pair.mirror.mark() },
      { registry: pair.upstream, since: pair.upstream.mark() },
    ];
    const pulled = await client.pull(image);
    const seen = manifestRequests(since, reference, client.agent);
    console.log(evidenceLine(`${client.name} ${label}: ${image} exit ${pulled.code}`, seen));
    const explained = await explainRequests(image, spec, 'crio', CRIO_VERSION);
    expect(
      seen.map((s) => s.url),
      `explain vs runtime (${label})`,
    ).toEqual(expectedPrefix(explained, seen, [pair.mirror, pair.upstream]));
    return { pulled, seen, upstreamHits: pair.upstream.requests('/v2/', since[1]?.since).length };
  }

  it('DPOD seed, namespace mode: icr.io/cpopen/x → mirror/dpod/x', async () => {
    const o = await applyAndPull(
      'dpod',
      [{ source: 'icr.io/cpopen', mirrors: [{ url: `${pair.mirror.url}/dpod`, path: 'namespace' }] }],
      'icr.io/cpopen/cpopen-test:1.0',
      '1.0',
    );
    expect(o.pulled.code, o.pulled.stderr).toBe(0);
    expect(o.seen.map((s) => `${s.entry.path} ${s.status}`)).toEqual([
      '/v2/dpod/cpopen-test/manifests/1.0 200',
    ]);
  });

  it('docker.io through the mirror', async () => {
    const o = await applyAndPull(
      'docker-io',
      [{ source: 'docker.io', mirrors: [{ url: pair.mirror.url }] }],
      'docker.io/library/mirrorctl-e2e:1.0',
      '1.0',
    );
    expect(o.pulled.code, o.pulled.stderr).toBe(0);
    expect(o.seen.map((s) => `${s.entry.path} ${s.status}`)).toEqual([
      '/v2/library/mirrorctl-e2e/manifests/1.0 200',
    ]);
  });

  it('fallback order: first mirror down → second mirror', async () => {
    const o = await applyAndPull(
      'fallback-order',
      [{ source: 'docker.io', mirrors: [{ url: dead }, { url: pair.mirror.url }] }],
      'docker.io/library/mirrorctl-e2e:1.0',
      '1.0',
    );
    expect(o.pulled.code, o.pulled.stderr).toBe(0);
    expect(o.seen.map((s) => s.url)).toEqual([`${pair.mirror.url}/v2/library/mirrorctl-e2e/manifests/1.0`]);
  });

  it('digest-only: a tag pull skips the mirror (Docker Hub is unreachable here), a digest pull uses it', async () => {
    const entries: SpecEntry[] = [
      { source: 'docker.io', mirrors: [{ url: pair.mirror.url, pullFrom: 'digest-only' }] },
    ];
    const byTag = await applyAndPull(
      'digest-only-tag',
      entries,
      'docker.io/library/mirrorctl-e2e:1.0',
      '1.0',
    );
    expect(byTag.pulled.code).not.toBe(0);
    expect(byTag.seen).toEqual([]);
    const digest = pair.image.manifestDigest;
    const byDigest = await applyAndPull(
      'digest-only-digest',
      entries,
      `docker.io/library/mirrorctl-e2e@${digest}`,
      digest,
    );
    expect(byDigest.pulled.code, byDigest.pulled.stderr).toBe(0);
    expect(byDigest.seen.map((s) => `${s.entry.path} ${s.status}`)).toEqual([
      `/v2/library/mirrorctl-e2e/manifests/${digest} 200`,
    ]);
  });

  it('mirror only, mirror down → the pull fails and the source is never contacted', async () => {
    const o = await applyAndPull(
      'mirror-only-down',
      [{ source: pair.upstream.host, fallback: false, mirrors: [{ url: dead }] }],
      `${pair.upstream.host}/team/app:1.0`,
      '1.0',
    );
    expect(o.pulled.code).not.toBe(0);
    expect(o.upstreamHits).toBe(0);
  });
});

const dockerRow = compatCase('20.10', 'daemon.json');

describe(`${dockerRow.title}: mirrorctl apply --runtime docker, then dockerd pulls`, () => {
  it('keeps the other daemon.json keys and pulls docker.io through the mirror', async () => {
    const extras = testDaemonJsonExtras(dir);
    writeFileSync('/etc/docker/daemon.json', `${JSON.stringify(extras, null, 2)}\n`);
    const spec = writeSpec(join(dir, 'docker.yaml'), [
      { source: 'docker.io', mirrors: [{ url: pair.mirror.url }] },
    ]);
    await cli([
      'apply',
      '-f',
      spec,
      '--root',
      '/',
      '--runtime',
      'docker',
      '--runtime-version',
      '20.10.24',
      '--no-runtime-action',
    ]);
    const daemonJson = JSON.parse(readFileSync('/etc/docker/daemon.json', 'utf8')) as Record<string, unknown>;
    expect(daemonJson['deprecated-key-path']).toBe(extras['deprecated-key-path']);
    expect(daemonJson['registry-mirrors']).toEqual([pair.mirror.url]);

    const dockerd = await startDockerd({ dir: join(dir, 'dockerd'), configFile: '/etc/docker/daemon.json' });
    try {
      const since = [{ registry: pair.mirror, since: pair.mirror.mark() }];
      const image = 'docker.io/library/mirrorctl-e2e:1.0';
      const pulled = await dockerd.cli(['pull', '--quiet', image]);
      expect(pulled.code, `${pulled.stderr}\n${dockerd.daemon.log()}`).toBe(0);
      const seen = manifestRequests(since, '1.0', 'docker/');
      console.log(evidenceLine(`dockerd 20.10 ${image}`, seen));
      expect(seen.map((s) => `${s.entry.path} ${s.status}`)).toEqual([
        '/v2/library/mirrorctl-e2e/manifests/1.0 200',
      ]);
      const explained = await explainRequests(image, spec, 'docker', '20.10.24');
      expect(
        seen.map((s) => s.url),
        'explain vs runtime',
      ).toEqual(expectedPrefix(explained, seen, [pair.mirror]));
    } finally {
      await dockerd.stop();
    }
  });
});
