// Mirrors that need credentials (issue 17), on the real runtimes: a docker-registry with htpasswd is
// the mirror; the source is a stand-in registry on loopback, so a fallback to the source would show
// in its access log. Every entry is mirror-only (fallback: false) unless the target cannot say so.
// - containerd 1.6/1.7/2.1, target containerd: `mirrorctl apply` writes the credentials as an
//   Authorization header in hosts.toml (0600); a CRI pull goes through, also when the CRI request
//   carries a kubelet-style pull secret for the source; a wrong password fails the pull with the
//   mirror's 401 (no fallback), and verify/preflight name the 401 and the mirror.
// - containerd-legacy (config.toml configs.auth): the pull goes through, but a CRI request carrying
//   a pull secret for the source makes containerd skip configs.auth — the mirror answers 401 and the
//   pull falls back to the source. This is why hosts.toml's header is the containerd default.
// - CRI-O's library (skopeo 1.9, podman 4.3): `apply --runtime crio` merges the entry into
//   /etc/containers/auth.json (0600, other entries kept) and names it in crio.conf.d; the clients pull
//   with that file; removing auth from the spec removes only mirrorctl's entry; uninstall restores it.
// - dockerd 20.10: dockerd stores no credentials; it sends the pulling client's docker.io
//   credentials to the mirror (401, then 200 with them); without them the pull fails.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseContainerdConfig,
  type Containerd,
  type ContainerdBinary,
  containerdBinaries,
  nativeConfigVersion,
  startContainerd,
} from './harness/containerd.js';
import { startDockerd, testDaemonJsonExtras } from './harness/dockerd.js';
import { evidence, type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { mirrorctl } from './harness/mirrorctl.js';
import { emptyDir, mountEtcOverlay, mountNodeDirs, type NodeMounts } from './harness/mountns.js';
import { podman } from './harness/podman.js';
import { cli, type SpecEntry, writeSpec } from './harness/product.js';
import { type RestartBridge, restartBridge } from './harness/restart-bridge.js';
import { skopeo } from './harness/skopeo.js';

const USER = { username: 'puller', password: 'e2e-Pull-pw-7Qx' };
const WRONG = 'e2e-Wrong-pw-3Kz';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
/** What must never be printed by mirrorctl: the password and the base64 forms of the credentials. */
const SECRETS = [
  USER.password,
  WRONG,
  b64(`${USER.username}:${USER.password}`),
  b64(`${USER.username}:${WRONG}`),
];

let dir: string;
let etc: { unmount(): Promise<void> };
let mounts: NodeMounts;
let pair: MirrorPair;
let good: string;
let bad: string;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-creds-');
  etc = await mountEtcOverlay(join(dir, 'etc-overlay'));
  mounts = await mountNodeDirs(join(dir, 'node'));
  pair = await startMirrorPair({
    dir: join(dir, 'registries'),
    tag: '1.0',
    mirrorRepos: ['dpod/cpopen/cpopen-test', 'dpod/cpopen-test', 'library/mirrorctl-e2e'],
    upstreamRepos: ['cpopen/cpopen-test'],
    mirror: { auth: USER },
  });
  const authFile = (name: string, password: string): string => {
    const file = join(dir, name);
    writeFileSync(
      file,
      JSON.stringify({ auths: { [pair.mirror.host]: { auth: b64(`${USER.username}:${password}`) } } }),
    );
    return file;
  };
  good = authFile('good-auth.json', USER.password);
  bad = authFile('bad-auth.json', WRONG);
});

afterAll(async () => {
  await pair?.stop();
  await mounts?.unmount();
  await etc?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs mirrorctl and checks it printed no secret. */
async function run(args: readonly string[], expected?: number) {
  const r = expected === undefined ? await mirrorctl(args) : await cli(args, expected);
  for (const s of SECRETS)
    expect(`${r.stdout}${r.stderr}`, `mirrorctl ${args[0]} printed a secret`).not.toContain(s);
  return r;
}

const source = (): string => pair.upstream.host;
const image = (): string => `${source()}/cpopen/cpopen-test:1.0`;
const since = () => ({ mirror: pair.mirror.mark(), upstream: pair.upstream.mark() });
const mirrorStatuses = (from: number, agent: string): number[] =>
  pair.mirror
    .requests('/v2/dpod/', from)
    .filter((e) => e.userAgent.startsWith(agent) && e.path.includes('/manifests/'))
    .map((e) => e.status);

interface Node {
  containerd: Containerd;
  bridge: RestartBridge;
  control: string[];
  version: string;
  stop(): Promise<void>;
}

async function startNode(binary: ContainerdBinary): Promise<Node> {
  emptyDir('/etc/containerd');
  emptyDir('/var/lib/mirrorctl');
  writeFileSync('/etc/containerd/config.toml', baseContainerdConfig(nativeConfigVersion(binary.version)));
  const ctdDir = mkdtempSync(join(dir, `c${binary.version}-`));
  const containerd = startContainerd({ binary, dir: ctdDir, configFile: '/etc/containerd/config.toml' });
  const bridge = restartBridge(join(ctdDir, 'restart'), async () => {
    await containerd.restart();
    return containerd.pid();
  });
  expect((await containerd.waitForCri()).ok, containerd.log()).toBe(true);
  return {
    containerd,
    bridge,
    control: [
      '--root',
      '/',
      '--restart-command',
      bridge.command,
      '--cri-endpoint',
      containerd.endpoint,
      '--containerd-bin',
      join(binary.binDir, 'containerd'),
    ],
    version: binary.version,
    async stop() {
      bridge.stop();
      await containerd.stop();
    },
  };
}

describe.each(containerdBinaries())(
  'containerd $version, target containerd: Authorization header in hosts.toml',
  (binary) => {
    let node: Node;
    const agent = `containerd/${binary.version}`;
    beforeAll(async () => {
      node = await startNode(binary);
    });
    afterAll(async () => {
      await node?.stop();
    });
    const spec = (authFile: string, name: string): string =>
      writeSpec(join(dir, `${name}-${binary.version}.yaml`), [
        {
          source: source(),
          fallback: false,
          mirrors: [{ url: `${pair.mirror.url}/v2/dpod`, path: 'api-root', auth: { file: authFile } }],
        },
      ] satisfies SpecEntry[]);
    const hostsToml = (): string => `/etc/containerd/certs.d/${source()}/hosts.toml`;

    it('pulls through the auth mirror with the credentials mirrorctl wrote; the file is 0600', async () => {
      const s = spec(good, 'good');
      await run(['apply', '-f', s, ...node.control], 0);
      expect(statSync(hostsToml()).mode & 0o777).toBe(0o600);
      expect(readFileSync(hostsToml(), 'utf8')).toContain(
        `Authorization = [ "Basic ${b64(`${USER.username}:${USER.password}`)}" ]`,
      );
      const at = since();
      const pulled = await node.containerd.cri().pullImage(image());
      console.log(evidence(`${agent} auth mirror`, pair.mirror, '/v2/dpod/', agent, at.mirror));
      expect(pulled, node.containerd.log()).toMatchObject({ ok: true });
      expect(mirrorStatuses(at.mirror, agent)).toContain(200);
      expect(mirrorStatuses(at.mirror, agent)).not.toContain(401);
      expect(pair.upstream.requests('/v2/', at.upstream)).toEqual([]);
      const explained = await run(
        [
          'explain',
          image(),
          '-f',
          s,
          '--target',
          'containerd',
          '--runtime-version',
          binary.version,
          '-o',
          'json',
        ],
        0,
      );
      const requests = (
        JSON.parse(explained.stdout) as { results: { requests: { credential?: string }[] }[] }
      ).results[0]?.requests;
      expect(requests?.[0]?.credential).toBe(
        `Basic <redacted>: user puller (from ${good}), hosts.toml header`,
      );
      const verify = await run(
        [
          'verify',
          '-f',
          s,
          '--image',
          image(),
          ...node.control.slice(0, 2),
          '--cri-endpoint',
          node.containerd.endpoint,
        ],
        0,
      );
      console.log(`[e2e evidence] verify:\n${verify.stdout}`);
    });

    it("a kubelet pull secret for the source (CRI auth) does not displace the mirror's header", async () => {
      const at = since();
      await node.containerd.cri().removeImage(image());
      const pulled = await node.containerd.cri().pullImage(image(), {
        username: 'source-user',
        password: 'source-pw',
        serverAddress: `http://${source()}`,
      });
      expect(pulled, node.containerd.log()).toMatchObject({ ok: true });
      expect(mirrorStatuses(at.mirror, agent)).toContain(200);
      expect(pair.upstream.requests('/v2/', at.upstream)).toEqual([]);
    });

    it('a wrong password: the pull fails at the mirror (401), never falls back; verify and preflight name the 401 and the mirror', async () => {
      const pid = node.containerd.pid();
      const s = spec(bad, 'bad');
      await run(['apply', '-f', s, ...node.control], 0);
      expect(node.containerd.pid(), 'hosts.toml only: no restart').toBe(pid);
      await node.containerd.cri().removeImage(image());
      const at = since();
      const pulled = await node.containerd.cri().pullImage(image());
      console.log(`[e2e evidence] ${agent} wrong password: ${JSON.stringify(pulled)}`);
      expect(pulled.ok).toBe(false);
      expect(mirrorStatuses(at.mirror, agent)).toEqual(expect.arrayContaining([401]));
      expect(mirrorStatuses(at.mirror, agent)).not.toContain(200);
      expect(pair.upstream.requests('/v2/', at.upstream)).toEqual([]);
      const verify = await run([
        'verify',
        '-f',
        s,
        '--image',
        image(),
        '--root',
        '/',
        '--cri-endpoint',
        node.containerd.endpoint,
      ]);
      console.log(
        `[e2e evidence] verify (wrong password), exit ${verify.code}:\n${verify.stdout}${verify.stderr}`,
      );
      expect(verify.code).not.toBe(0);
      expect(verify.stdout).toContain('401');
      expect(verify.stdout).toContain(pair.mirror.host);
      const list = join(dir, 'images.txt');
      writeFileSync(list, `${image()}\n`);
      const pre = await run([
        'preflight',
        '-f',
        s,
        '--images',
        list,
        '--target',
        `containerd@${binary.version}`,
      ]);
      console.log(`[e2e evidence] preflight (wrong password), exit ${pre.code}:\n${pre.stdout}`);
      expect(pre.code).toBe(1);
      expect(pre.stdout).toContain('401');
      expect(pre.stdout).toContain(pair.mirror.host);
      expect(pair.upstream.requests('/v2/', at.upstream)).toEqual([]);
    });

    it('uninstall puts the node back byte for byte', async () => {
      await run(['uninstall', ...node.control.slice(0, 6)], 0);
      expect(readFileSync('/etc/containerd/config.toml', 'utf8')).toBe(
        baseContainerdConfig(nativeConfigVersion(binary.version)),
      );
    });
  },
);

describe.each(containerdBinaries().filter((b) => b.version.startsWith('1.')))(
  'containerd $version, target containerd-legacy: config.toml configs.auth',
  (binary) => {
    let node: Node;
    const agent = `containerd/${binary.version}`;
    beforeAll(async () => {
      node = await startNode(binary);
      // Legacy mirrors cannot be mirror-only (the upstream is always appended): fallback stays on.
      const s = writeSpec(join(dir, `legacy-${binary.version}.yaml`), [
        {
          source: source(),
          mirrors: [{ url: `${pair.mirror.url}/v2/dpod`, path: 'api-root', auth: { file: good } }],
        },
      ]);
      await run(['apply', '-f', s, '--runtime', 'containerd-legacy', ...node.control], 0);
    });
    afterAll(async () => {
      await run(['uninstall', ...node.control.slice(0, 6)], 0);
      await node?.stop();
    });

    it('pulls through the auth mirror with configs."<mirror>".auth', async () => {
      const config = readFileSync('/etc/containerd/config.toml', 'utf8');
      expect(config).toContain(`configs."${pair.mirror.host}".auth]`);
      const at = since();
      const pulled = await node.containerd.cri().pullImage(image());
      console.log(evidence(`${agent} legacy configs.auth`, pair.mirror, '/v2/dpod/', agent, at.mirror));
      expect(pulled, node.containerd.log()).toMatchObject({ ok: true });
      expect(mirrorStatuses(at.mirror, agent)).toContain(200);
      expect(pair.upstream.requests('/v2/', at.upstream)).toEqual([]);
    });

    it('a pull secret for the source in the CRI request makes containerd skip configs.auth: 401 at the mirror, fallback to the source', async () => {
      await node.containerd.cri().removeImage(image());
      const at = since();
      const pulled = await node.containerd.cri().pullImage(image(), {
        username: 'source-user',
        password: 'source-pw',
        serverAddress: `http://${source()}`,
      });
      console.log(evidence(`${agent} legacy + CRI auth, mirror`, pair.mirror, '/v2/dpod/', agent, at.mirror));
      console.log(evidence(`${agent} legacy + CRI auth, source`, pair.upstream, '/v2/', agent, at.upstream));
      expect(pulled, node.containerd.log()).toMatchObject({ ok: true });
      expect(mirrorStatuses(at.mirror, agent)).toContain(401);
      expect(mirrorStatuses(at.mirror, agent)).not.toContain(200);
      expect(pair.upstream.requests('/v2/cpopen/', at.upstream).length).toBeGreaterThan(0);
    });
  },
);

describe("CRI-O's containers/image (skopeo 1.9, podman 4.3): the auth file mirrorctl merges into", () => {
  const AUTH_FILE = '/etc/containers/auth.json';
  const OTHER = `${JSON.stringify({ auths: { 'other.example.com': { auth: b64('someone:else') } } }, null, 2)}\n`;
  const crioArgs = ['--root', '/', '--runtime', 'crio', '--runtime-version', '1.25.4', '--no-runtime-action'];
  const crioImage = (): string => `${source()}/cpopen/cpopen-test:1.0`;
  const spec = (authFile: string | undefined, name: string): string =>
    writeSpec(join(dir, `crio-${name}.yaml`), [
      {
        source: `${source()}/cpopen`,
        fallback: false,
        mirrors: [{ url: `${pair.mirror.url}/dpod`, ...(authFile ? { auth: { file: authFile } } : {}) }],
      },
    ]);
  const clients = () => [
    {
      name: 'skopeo',
      agent: 'skopeo/',
      pull: () =>
        skopeo(
          [
            'copy',
            '--src-authfile',
            AUTH_FILE,
            `docker://${crioImage()}`,
            `dir:${mkdtempSync(join(dir, 'out-'))}`,
          ],
          { policy: '/etc/containers/policy.json', registriesConf: '/etc/containers/registries.conf' },
        ),
    },
    {
      name: 'podman',
      agent: 'containers/',
      pull: () =>
        podman(['pull', '--quiet', '--authfile', AUTH_FILE, crioImage()], {
          dir: mkdtempSync(join(dir, 'podman-')),
          registriesConf: '/etc/containers/registries.conf',
        }),
    },
  ];

  beforeAll(() => {
    emptyDir('/etc/containers');
    emptyDir('/var/lib/mirrorctl');
    writeFileSync(
      '/etc/containers/policy.json',
      JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }),
    );
    writeFileSync('/etc/containers/registries.conf', 'unqualified-search-registries = []\n');
    writeFileSync(AUTH_FILE, OTHER, { mode: 0o644 });
  });

  it('merges the mirror entry (0600, the other entry kept) and names the file in crio.conf.d', async () => {
    const out = await run(['apply', '-f', spec(good, 'good'), ...crioArgs], 0);
    console.log(`[e2e evidence] apply --runtime crio:\n${out.stdout}`);
    const auth = JSON.parse(readFileSync(AUTH_FILE, 'utf8')) as { auths: Record<string, { auth: string }> };
    expect(auth.auths['other.example.com']).toEqual({ auth: b64('someone:else') });
    expect(auth.auths[pair.mirror.host]).toEqual({ auth: b64(`${USER.username}:${USER.password}`) });
    expect(statSync(AUTH_FILE).mode & 0o777).toBe(0o600);
    expect(readFileSync('/etc/crio/crio.conf.d/99-mirrorctl-auth.conf', 'utf8')).toContain(
      'global_auth_file = "/etc/containers/auth.json"',
    );
  });

  it.each(['skopeo', 'podman'])(
    '%s pulls through the auth mirror with that file, never from the source',
    async (name) => {
      const client = clients().find((c) => c.name === name)!;
      const at = since();
      const pulled = await client.pull();
      console.log(evidence(`${name} with ${AUTH_FILE}`, pair.mirror, '/v2/dpod/', client.agent, at.mirror));
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(mirrorStatuses(at.mirror, client.agent)).toContain(200);
      expect(pair.upstream.requests('/v2/', at.upstream)).toEqual([]);
    },
  );

  it("a wrong password: the pull fails with the mirror's 401, the source is never asked", async () => {
    await run(['apply', '-f', spec(bad, 'bad'), ...crioArgs], 0);
    for (const client of clients()) {
      const at = since();
      const pulled = await client.pull();
      console.log(
        `[e2e evidence] ${client.name} wrong password, exit ${pulled.code}: ${pulled.stderr.trim().split('\n').at(-1)}`,
      );
      expect(pulled.code).not.toBe(0);
      expect(mirrorStatuses(at.mirror, client.agent)).toContain(401);
      expect(mirrorStatuses(at.mirror, client.agent)).not.toContain(200);
      expect(pair.upstream.requests('/v2/', at.upstream)).toEqual([]);
    }
  });

  it("auth removed from the spec: only mirrorctl's entry goes; uninstall restores the file byte for byte", async () => {
    await run(['apply', '-f', spec(undefined, 'none'), ...crioArgs], 0);
    const auth = JSON.parse(readFileSync(AUTH_FILE, 'utf8')) as { auths: Record<string, unknown> };
    expect(Object.keys(auth.auths)).toEqual(['other.example.com']);
    await run(['uninstall', '--root', '/', '--no-runtime-action'], 0);
    expect(readFileSync(AUTH_FILE, 'utf8')).toBe(OTHER);
    expect(statSync(AUTH_FILE).mode & 0o777).toBe(0o644);
    expect(() => statSync('/etc/crio/crio.conf.d/99-mirrorctl-auth.conf')).toThrow();
  });
});

describe("dockerd 20.10: the pulling client's docker.io credentials go to the mirror", () => {
  it('mirrorctl warns that it writes none; the pull passes with client credentials the mirror accepts, fails without', async () => {
    emptyDir('/etc/docker');
    const ddir = mkdtempSync(join(dir, 'dockerd-'));
    writeFileSync('/etc/docker/daemon.json', `${JSON.stringify(testDaemonJsonExtras(ddir), null, 2)}\n`);
    const s = writeSpec(join(dir, 'docker.yaml'), [
      { source: 'docker.io', mirrors: [{ url: pair.mirror.url, auth: { file: good } }] },
    ]);
    const out = await run(
      [
        'apply',
        '-f',
        s,
        '--root',
        '/',
        '--runtime',
        'docker',
        '--runtime-version',
        '20.10.24',
        '--no-runtime-action',
      ],
      0,
    );
    expect(`${out.stdout}${out.stderr}`).toContain('dockerd has no credential setting');
    const dockerd = await startDockerd({ dir: ddir, configFile: '/etc/docker/daemon.json' });
    const img = 'docker.io/library/mirrorctl-e2e:1.0';
    try {
      writeFileSync(
        join(ddir, 'cli', 'config.json'),
        JSON.stringify({
          auths: { 'https://index.docker.io/v1/': { auth: b64(`${USER.username}:${USER.password}`) } },
        }),
      );
      let at = pair.mirror.mark();
      const pulled = await dockerd.cli(['pull', '--quiet', img]);
      console.log(
        `[e2e evidence] dockerd with the client logged in to docker.io:\n${pair.mirror
          .accessLog()
          .slice(at)
          .map((e) => `  ${e.line}`)
          .join('\n')}`,
      );
      expect(pulled.code, `${pulled.stderr}\n${dockerd.daemon.log()}`).toBe(0);
      const statuses = pair.mirror
        .requests('/v2/library/', at)
        .filter((e) => e.path.includes('/manifests/'))
        .map((e) => e.status);
      expect(statuses).toContain(200);
      await dockerd.cli(['rmi', img]);
      rmSync(join(ddir, 'cli', 'config.json'));
      at = pair.mirror.mark();
      const anonymous = await dockerd.cli(['pull', '--quiet', img]);
      console.log(
        `[e2e evidence] dockerd without client credentials, exit ${anonymous.code}: ${anonymous.stderr.trim()}`,
      );
      console.log(evidence('dockerd without client credentials', pair.mirror, '/v2/', 'docker/', at));
      // The `/v2/` ping carries the challenge: dockerd had nothing to answer it with and moved on to
      // Docker Hub (unreachable here), so the pull fails.
      const seen = pair.mirror.accessLog().slice(at);
      console.log(`[e2e evidence] mirror log:\n${seen.map((e) => `  ${e.line}`).join('\n')}`);
      expect(anonymous.code).not.toBe(0);
      expect(anonymous.stderr).toContain('registry-1.docker.io');
      expect(seen.filter((e) => e.path === '/v2/').map((e) => e.status)).toContain(401);
      expect(seen.filter((e) => e.path.startsWith('/v2/library/'))).toEqual([]);
    } finally {
      await dockerd.stop();
    }
  });
});
