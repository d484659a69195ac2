// Issue 4's cases through the product on real containerd: each case is `mirrorctl apply` of a spec,
// then a CRI PullImage (what kubelet calls); the registries' access logs must show exactly the
// manifest requests `mirrorctl explain -o json` lists, in order, up to the one that served the pull.
// One containerd per version runs the whole hosts.toml table (only the first apply restarts it).
// Separate blocks: the legacy `registry.mirrors` target and `--migrate-legacy` (1.6), the 2.1
// colon-list config_path fix and `--keep-config-path-list`, and dial_timeout (2.1 only).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFs } from '../../src/host/node-fs.js';
import { snapshotTree } from '../../src/host/testing.js';
import { compatCase } from './compat-matrix.js';
import { blackholeAddress } from './harness/blackhole.js';
import {
  baseContainerdConfig,
  type Containerd,
  type ContainerdBinary,
  containerdBinaries,
  nativeConfigVersion,
  startContainerd,
} from './harness/containerd.js';
import { freePort } from './harness/daemon.js';
import { pushImage } from './harness/image.js';
import { type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { emptyDir, mountNodeDirs, type NodeMounts } from './harness/mountns.js';
import {
  cli,
  evidenceLine,
  expectedPrefix,
  explainRequests,
  manifestRequests,
  type SpecEntry,
  writeSpec,
} from './harness/product.js';
import { type Registry, startRegistry } from './harness/registry.js';
import { type RestartBridge, restartBridge } from './harness/restart-bridge.js';

const CONFIG = '/etc/containerd/config.toml';
const DPOD = 'icr.io/cpopen/cpopen-test:1.0';

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;
let tls: Registry;
let mounted: Registry;
let dead: string;
const fs = nodeFs({ root: '/' });

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-apply-c-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  pair = await startMirrorPair({
    dir: join(dir, 'registries'),
    tag: '1.0',
    mirrorRepos: ['dpod/cpopen/cpopen-test', 'cpopen/cpopen-test', 'library/mirrorctl-e2e', 'team/app'],
    upstreamRepos: ['team/app'],
  });
  tls = await startRegistry({ name: 'tls-mirror', dir: join(dir, 'registries'), tls: true });
  await pushImage(pair.image, tls, 'team/app', pair.policy);
  // A reverse proxy with the API mounted under /dpod (path mode `mount`), serving the mirror's content
  mounted = await startRegistry({
    name: 'mounted-mirror',
    dir: join(dir, 'registries'),
    prefix: '/dpod',
    storageDir: join(dir, 'registries', 'mirror', 'storage'),
  });
  // Nothing listens there (private network namespace): a mirror that is down, refused at once.
  dead = `http://127.0.0.1:${await freePort()}`;
});

afterAll(async () => {
  await tls?.stop();
  await mounted?.stop();
  await pair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Node {
  containerd: Containerd;
  bridge: RestartBridge;
  control: string[];
  plan: string[];
  version: string;
  stop(): Promise<void>;
}

/** A clean node view with config.toml (no registry settings unless `config` says) and containerd running. */
async function startNode(binary: ContainerdBinary, config: string): Promise<Node> {
  emptyDir('/etc/containerd');
  emptyDir('/var/lib/mirrorctl');
  writeFileSync(CONFIG, config);
  const ctdDir = mkdtempSync(join(dir, `c${binary.version}-`));
  const containerd = startContainerd({ binary, dir: ctdDir, configFile: CONFIG });
  const bridge = restartBridge(join(ctdDir, 'restart'), async () => {
    await containerd.restart();
    return containerd.pid();
  });
  expect((await containerd.waitForCri()).ok, containerd.log()).toBe(true);
  return {
    containerd,
    bridge,
    control: ['--root', '/', '--restart-command', bridge.command, '--cri-endpoint', containerd.endpoint],
    plan: ['--containerd-bin', join(binary.binDir, 'containerd')],
    version: binary.version,
    async stop() {
      bridge.stop();
      await containerd.stop();
    },
  };
}

interface PullOutcome {
  ok: boolean;
  seen: ReturnType<typeof manifestRequests>;
  upstreamHits: number;
}

/**
 * Applies `entries`, pulls `image` over CRI, prints the evidence and checks the logs against
 * `mirrorctl explain` (the runtime's manifest requests = explain's list cut at the served one).
 */
async function applyAndPull(
  node: Node,
  label: string,
  entries: SpecEntry[],
  image: string,
  reference: string,
  extra: { apply?: string[]; explain?: string[]; target?: string } = {},
): Promise<PullOutcome> {
  const spec = writeSpec(join(dir, `${label.replace(/\W+/g, '-')}.yaml`), entries);
  await cli(['apply', '-f', spec, ...node.plan, ...node.control, ...(extra.apply ?? [])]);
  const since = [
    { registry: pair.mirror, since: pair.mirror.mark() },
    { registry: pair.upstream, since: pair.upstream.mark() },
    { registry: tls, since: tls.mark() },
    { registry: mounted, since: mounted.mark() },
  ];
  const pulled = await node.containerd.cri().pullImage(image);
  const agent = `containerd/${node.version}`;
  const seen = manifestRequests(since, reference, agent);
  console.log(evidenceLine(`${agent} ${label}: ${image} ${pulled.ok ? 'pulled' : 'FAILED'}`, seen));
  const explained = await explainRequests(
    image,
    spec,
    extra.target ?? 'containerd',
    node.version,
    extra.explain,
  );
  expect(
    seen.map((s) => s.url),
    `explain vs runtime (${label})`,
  ).toEqual(expectedPrefix(explained, seen, [pair.mirror, pair.upstream, tls, mounted]));
  const upstreamHits = pair.upstream.requests('/v2/', since[1]?.since ?? 0).length;
  return { ok: pulled.ok, seen, upstreamHits };
}

const paths = (o: PullOutcome) => o.seen.map((s) => `${s.entry.path} ${s.status}`);

// The hosts.toml table on the oldest and the newest containerd (1.7 runs the matrix file).
const tableBinaries = containerdBinaries().filter((b) => !b.version.startsWith('1.7'));

describe.each(tableBinaries)(
  'containerd $version: issue 4 cases via mirrorctl apply + CRI pull',
  (binary) => {
    let node: Node;
    beforeAll(async () => {
      node = await startNode(binary, baseContainerdConfig(nativeConfigVersion(binary.version)));
    });
    afterAll(async () => {
      await node?.stop();
    });

    it('DPOD seed, namespace mode with the matching suffix → /v2/dpod/cpopen/…?ns=icr.io', async () => {
      const o = await applyAndPull(
        node,
        'dpod-namespace',
        [
          {
            source: 'icr.io/cpopen',
            mirrors: [{ url: `${pair.mirror.url}/dpod/cpopen`, path: 'namespace' }],
          },
        ],
        DPOD,
        '1.0',
      );
      expect(o.ok).toBe(true);
      expect(paths(o)).toEqual(['/v2/dpod/cpopen/cpopen-test/manifests/1.0?ns=icr.io 200']);
      expect(node.bridge.restarts()).toBe(1);
    });

    it('DPOD seed, mount mode (API under /dpod) → /dpod/v2/cpopen/…?ns=icr.io', async () => {
      const o = await applyAndPull(
        node,
        'dpod-mount',
        [{ source: 'icr.io/cpopen', mirrors: [{ url: `${mounted.url}/dpod`, path: 'mount' }] }],
        DPOD,
        '1.0',
      );
      expect(o.ok, node.containerd.log().slice(-2000)).toBe(true);
      expect(paths(o)).toEqual(['/dpod/v2/cpopen/cpopen-test/manifests/1.0?ns=icr.io 200']);
    });

    it('docker.io → mirror /v2/library/…?ns=docker.io', async () => {
      const o = await applyAndPull(
        node,
        'docker-io',
        [{ source: 'docker.io', mirrors: [{ url: pair.mirror.url }] }],
        'docker.io/library/mirrorctl-e2e:1.0',
        '1.0',
      );
      expect(o.ok).toBe(true);
      expect(paths(o)).toEqual(['/v2/library/mirrorctl-e2e/manifests/1.0?ns=docker.io 200']);
    });

    it('`*` (_default) mirrors a registry with no hosts.toml of its own', async () => {
      const o = await applyAndPull(
        node,
        'wildcard',
        [{ source: '*', mirrors: [{ url: pair.mirror.url }] }],
        'quay.io/team/app:1.0',
        '1.0',
      );
      expect(o.ok).toBe(true);
      expect(paths(o)).toEqual(['/v2/team/app/manifests/1.0?ns=quay.io 200']);
    });

    it('fallback order: first mirror down → second mirror serves', async () => {
      const o = await applyAndPull(
        node,
        'fallback-order',
        [{ source: 'docker.io', mirrors: [{ url: dead }, { url: pair.mirror.url }] }],
        'docker.io/library/mirrorctl-e2e:1.0',
        '1.0',
      );
      expect(o.ok).toBe(true);
      expect(paths(o)).toEqual(['/v2/library/mirrorctl-e2e/manifests/1.0?ns=docker.io 200']);
      expect(node.containerd.log()).toContain(dead.replace('http://', ''));
    });

    it('mirror only (fallback: false) with the mirror down → the pull fails, the source is never contacted', async () => {
      const o = await applyAndPull(
        node,
        'mirror-only-down',
        [{ source: pair.upstream.host, fallback: false, mirrors: [{ url: dead }] }],
        `${pair.upstream.host}/team/app:1.0`,
        '1.0',
      );
      expect(o.ok).toBe(false);
      expect(o.upstreamHits).toBe(0);
    });

    it('digest-only: a tag pull skips the mirror, a digest pull uses it', async () => {
      const entries: SpecEntry[] = [
        { source: pair.upstream.host, mirrors: [{ url: pair.mirror.url, pullFrom: 'digest-only' }] },
      ];
      const byTag = await applyAndPull(
        node,
        'digest-only-tag',
        entries,
        `${pair.upstream.host}/team/app:1.0`,
        '1.0',
      );
      expect(byTag.ok).toBe(true);
      expect(paths(byTag)).toEqual(['/v2/team/app/manifests/1.0 200']);
      expect(byTag.seen[0]?.url.startsWith(pair.upstream.url)).toBe(true);
      const digest = pair.image.manifestDigest;
      const byDigest = await applyAndPull(
        node,
        'digest-only-digest',
        entries,
        `${pair.upstream.host}/team/app@${digest}`,
        digest,
      );
      expect(byDigest.ok).toBe(true);
      expect(byDigest.seen[0]?.url).toBe(
        `${pair.mirror.url}/v2/team/app/manifests/${digest}?ns=${encodeURIComponent(pair.upstream.host)}`,
      );
    });

    it('HTTPS mirror trusted through tls.caFile', async () => {
      const o = await applyAndPull(
        node,
        'https-ca',
        [{ source: 'ghcr.io', mirrors: [{ url: tls.url, tls: { caFile: tls.pki?.caCert ?? '' } }] }],
        'ghcr.io/team/app:1.0',
        '1.0',
      );
      expect(o.ok, node.containerd.log().slice(-2000)).toBe(true);
      expect(paths(o)).toEqual(['/v2/team/app/manifests/1.0?ns=ghcr.io 200']);
    });

    it('HTTPS mirror with insecureSkipVerify', async () => {
      const o = await applyAndPull(
        node,
        'https-skip-verify',
        [{ source: 'gcr.io', mirrors: [{ url: tls.url, tls: { insecureSkipVerify: true } }] }],
        'gcr.io/team/app:1.0',
        '1.0',
      );
      expect(o.ok, node.containerd.log().slice(-2000)).toBe(true);
      expect(paths(o)).toEqual(['/v2/team/app/manifests/1.0?ns=gcr.io 200']);
      // Every case after the first changed hosts.toml only: still the one restart from config_path
      expect(node.bridge.restarts()).toBe(1);
    });
  },
);

const v16 = containerdBinaries().find((b) => b.version.startsWith('1.6'));
const legacy = v16 ? compatCase(v16.version, 'legacy registry.mirrors') : undefined;

describe.skipIf(!v16)(`${legacy?.title}: --runtime containerd-legacy, then --migrate-legacy`, () => {
  it('legacy mirrors pull through the mirror; migration moves them to hosts.toml; uninstall restores', async () => {
    if (!v16) return;
    const node = await startNode(v16, baseContainerdConfig(2));
    try {
      const before = await snapshotTree(fs, { dir: '/etc/containerd' });
      const entries: SpecEntry[] = [
        { source: 'icr.io/cpopen', mirrors: [{ url: `${pair.mirror.url}/v2/dpod`, path: 'api-root' }] },
      ];
      const o = await applyAndPull(node, 'legacy', entries, DPOD, '1.0', {
        apply: ['--runtime', 'containerd-legacy'],
        target: 'containerd-legacy',
        explain: ['--containerd-config', CONFIG],
      });
      expect(o.ok).toBe(true);
      expect(paths(o)).toEqual(['/v2/dpod/cpopen/cpopen-test/manifests/1.0?ns=icr.io 200']);
      expect(readFileSync(CONFIG, 'utf8')).toMatch(/mirrors\."icr\.io"\]/);
      expect(node.bridge.restarts()).toBe(1);

      // --migrate-legacy: hosts.toml written, the legacy table removed, one more restart
      const m = await applyAndPull(node, 'migrate-legacy', entries, DPOD, '1.0', {
        apply: ['--migrate-legacy'],
      });
      expect(m.ok, node.containerd.log().slice(-2000)).toBe(true);
      expect(paths(m)).toEqual(['/v2/dpod/cpopen/cpopen-test/manifests/1.0?ns=icr.io 200']);
      const config = readFileSync(CONFIG, 'utf8');
      expect(config).not.toMatch(/mirrors\./);
      expect(config).toContain('config_path = "/etc/containerd/certs.d"');
      expect(readFileSync('/etc/containerd/certs.d/icr.io/hosts.toml', 'utf8')).toContain('override_path');
      expect(node.bridge.restarts()).toBe(2);

      await cli(['uninstall', ...node.control]);
      expect(await snapshotTree(fs, { dir: '/etc/containerd' })).toEqual(before);
    } finally {
      await node.stop();
    }
  });
});

const v21 = containerdBinaries().find((b) => b.version.startsWith('2.1'));
const colon = v21 ? compatCase(v21.version, 'colon-list config_path') : undefined;
const LIST = '/etc/containerd/certs.d:/etc/docker/certs.d';
const listConfig = `${baseContainerdConfig(3)}\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "${LIST}"\n`;

describe.skipIf(!v21)(`${colon?.title}: fixed by apply`, () => {
  it.each([
    { flag: [], expectConfig: 'config_path = "/etc/containerd/certs.d"' },
    { flag: ['--keep-config-path-list'], expectConfig: 'use_local_image_pull = true' },
  ])('apply $flag → pull through the mirror', async ({ flag, expectConfig }) => {
    if (!v21) return;
    const node = await startNode(v21, listConfig);
    try {
      // GIVEN the list as found: 2.1's transfer service ignores hosts.toml entirely
      const o = await applyAndPull(
        node,
        `colon-list${flag.join('')}`,
        [{ source: 'icr.io/cpopen', mirrors: [{ url: `${pair.mirror.url}/v2/dpod`, path: 'api-root' }] }],
        DPOD,
        '1.0',
        { apply: flag },
      );
      const config = readFileSync(CONFIG, 'utf8');
      console.log(`[e2e evidence] containerd ${v21.version} ${flag.join(' ') || 'default'}: ${expectConfig}`);
      expect(config).toContain(expectConfig);
      if (flag.length > 0) expect(config).toContain(LIST);
      expect(o.ok, node.containerd.log().slice(-2000)).toBe(true);
      expect(paths(o)).toEqual(['/v2/dpod/cpopen/cpopen-test/manifests/1.0?ns=icr.io 200']);
      expect(node.bridge.restarts()).toBe(1);
    } finally {
      await node.stop();
    }
  });
});

const dial = v21 ? compatCase(v21.version, 'dial_timeout') : undefined;

describe.skipIf(!v21 || !v16)(`${dial?.title}: emitted on 2.1 only`, () => {
  it('2.1 gets dial_timeout and falls through a black-holed first mirror; 1.6 is not given the key', async () => {
    if (!v21 || !v16) return;
    const hole = `http://${await blackholeAddress()}:5000`;
    const entries: SpecEntry[] = [
      {
        source: 'docker.io',
        mirrors: [
          { url: hole, dialTimeout: '1s' },
          { url: pair.mirror.url, dialTimeout: '1s' },
        ],
      },
    ];
    const node = await startNode(v21, baseContainerdConfig(3));
    try {
      const o = await applyAndPull(
        node,
        'dial-timeout',
        entries,
        'docker.io/library/mirrorctl-e2e:1.0',
        '1.0',
      );
      expect(readFileSync('/etc/containerd/certs.d/docker.io/hosts.toml', 'utf8')).toContain(
        'dial_timeout = "1s"',
      );
      expect(o.ok, node.containerd.log().slice(-2000)).toBe(true);
      expect(paths(o)).toEqual(['/v2/library/mirrorctl-e2e/manifests/1.0?ns=docker.io 200']);
    } finally {
      await node.stop();
    }
    // 1.6 would reject nothing but ignores the key: mirrorctl leaves it out (plan only, no daemon)
    emptyDir('/etc/containerd');
    emptyDir('/var/lib/mirrorctl');
    writeFileSync(CONFIG, baseContainerdConfig(2));
    const spec = writeSpec(join(dir, 'dial-1.6.yaml'), entries);
    const plan = await cli(
      ['plan', '-f', spec, '--root', '/', '--containerd-bin', join(v16.binDir, 'containerd'), '-o', 'json'],
      1,
    );
    const doc = JSON.parse(plan.stdout) as {
      changes: { path: string; content?: string }[];
      diagnostics: { message: string }[];
    };
    const hosts = doc.changes.find((c) => c.path === '/etc/containerd/certs.d/docker.io/hosts.toml');
    expect(hosts?.content).toContain('[host.');
    expect(hosts?.content).not.toContain('dial_timeout');
    // …and says so, naming the version rule
    expect(doc.diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringMatching(/dial_timeout not written/),
    );
  });
});
