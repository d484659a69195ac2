// The harness's HTTPS and auth registries against real containerd, hand-written hosts.toml: an
// HTTPS mirror trusted through `ca` (the throwaway CA) or `skip_verify`, and a mirror behind basic
// auth where the credentials travel in the CRI PullImage request, as kubelet sends pull secrets.
// Also: a restart gives a new PID and the CRI comes back (what apply's restart checks rely on).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CriAuth } from '../../src/host/cri-port.js';
import {
  baseContainerdConfig,
  containerdBinaries,
  nativeConfigVersion,
  startContainerd,
} from './harness/containerd.js';
import { evidence, type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';
import { parseAccessLog } from './harness/registry.js';

const USER = { username: 'puller', password: 's3cret-pull' };

function configPathToml(configVersion: 2 | 3): string {
  const table = configVersion === 3 ? 'io.containerd.cri.v1.images' : 'io.containerd.grpc.v1.cri';
  return `${baseContainerdConfig(configVersion)}\n[plugins."${table}".registry]\n  config_path = "/etc/containerd/certs.d"\n`;
}

function hostsToml(upstream: string, mirror: string, trust: string): string {
  return [
    `server = "${upstream}"`,
    '',
    `[host."${mirror}/v2/dpod"]`,
    '  capabilities = ["pull", "resolve"]',
    '  override_path = true',
    `  ${trust}`,
    '',
  ].join('\n');
}

let dir: string;
let mounts: NodeMounts;
let tlsPair: MirrorPair;
let authPair: MirrorPair;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-tls-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  const repos = {
    tag: '1.0',
    mirrorRepos: ['dpod/cpopen/cpopen-test'],
    upstreamRepos: ['cpopen/cpopen-test'],
  };
  tlsPair = await startMirrorPair({ ...repos, dir: join(dir, 'tls'), mirror: { tls: true } });
  authPair = await startMirrorPair({ ...repos, dir: join(dir, 'auth'), mirror: { tls: true, auth: USER } });
});

afterAll(async () => {
  await tlsPair?.stop();
  await authPair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('parseAccessLog', () => {
  it.each([
    {
      name: 'containerd HEAD with query',
      line: '127.0.0.1 - - [25/Nov/2026:17:08:25 +0000] "HEAD /v2/dpod/x/manifests/1.0?ns=icr.io HTTP/1.1" 200 401 "" "containerd/1.6.20~ds1"',
      entry: {
        user: '-',
        method: 'HEAD',
        path: '/v2/dpod/x/manifests/1.0?ns=icr.io',
        status: 200,
        userAgent: 'containerd/1.6.20~ds1',
      },
    },
    {
      name: 'authenticated user, escaped parentheses in the agent',
      line: '127.0.0.1 - puller [25/Nov/2026:17:14:57 +0000] "GET /v2/library/x/blobs/sha256:ab HTTP/1.1" 200 184 "" "docker/20.10.24 UpstreamClient(Docker-Client \\(linux\\))"',
      entry: {
        user: 'puller',
        method: 'GET',
        status: 200,
        userAgent: 'docker/20.10.24 UpstreamClient(Docker-Client \\(linux\\))',
      },
    },
  ])('parses $name', ({ line, entry }) => {
    expect(parseAccessLog(`time="…" level=info msg="not an access line"\n${line}\n`)).toEqual([
      expect.objectContaining(entry),
    ]);
  });
});

describe.each(containerdBinaries())('containerd $version', (binary) => {
  const configVersion = nativeConfigVersion(binary.version);
  const agent = `containerd/${binary.version}`;
  const start = (name: string) =>
    startContainerd({
      binary,
      dir: mkdtempSync(join(dir, `${name}${binary.version}-`)),
      configFile: '/etc/containerd/config.toml',
    });

  it.each([
    { name: 'ca = <test CA>', trust: (p: MirrorPair) => `ca = "${p.mirror.pki?.caCert}"` },
    { name: 'skip_verify = true', trust: () => 'skip_verify = true' },
  ])('pulls through an HTTPS mirror trusted by $name', async ({ trust }) => {
    writeFileSync('/etc/containerd/config.toml', configPathToml(configVersion));
    mkdirSync('/etc/containerd/certs.d/icr.io', { recursive: true });
    writeFileSync(
      '/etc/containerd/certs.d/icr.io/hosts.toml',
      hostsToml(tlsPair.upstream.url, tlsPair.mirror.url, trust(tlsPair)),
    );
    const containerd = start('t');
    const before = tlsPair.mirror.mark();
    const upstreamBefore = tlsPair.upstream.mark();
    try {
      expect(await containerd.waitForCri(), containerd.log()).toMatchObject({ ok: true });
      const pulled = await containerd.cri().pullImage('icr.io/cpopen/cpopen-test:1.0');
      expect(pulled, containerd.log()).toMatchObject({ ok: true });
      console.log(evidence(`${agent} https mirror`, tlsPair.mirror, '/v2/dpod/', agent, before));
      expect(
        tlsPair.mirror.requests('/v2/dpod/cpopen/cpopen-test/manifests/', before).length,
      ).toBeGreaterThan(0);
      expect(tlsPair.upstream.requests('/v2/', upstreamBefore)).toEqual([]);
    } finally {
      await containerd.stop();
    }
  });

  it.each([
    { name: 'with the pull secret', auth: USER as CriAuth, ok: true },
    { name: 'without credentials', auth: undefined, ok: false },
  ])('pulls from a basic-auth mirror $name in the CRI request', async ({ auth, ok }) => {
    writeFileSync('/etc/containerd/config.toml', configPathToml(configVersion));
    mkdirSync('/etc/containerd/certs.d/icr.io', { recursive: true });
    writeFileSync(
      '/etc/containerd/certs.d/icr.io/hosts.toml',
      hostsToml(authPair.upstream.url, authPair.mirror.url, `ca = "${authPair.mirror.pki?.caCert}"`),
    );
    const containerd = start('a');
    const before = authPair.mirror.mark();
    const upstreamBefore = authPair.upstream.mark();
    try {
      expect(await containerd.waitForCri(), containerd.log()).toMatchObject({ ok: true });
      const pulled = await containerd.cri().pullImage('icr.io/cpopen/cpopen-test:1.0', auth);
      console.log(
        evidence(
          `${agent} auth mirror ${ok ? 'with' : 'without'} creds`,
          authPair.mirror,
          '/v2/dpod/',
          agent,
          before,
        ),
      );
      const served = authPair.mirror
        .requests('/v2/dpod/cpopen/cpopen-test/manifests/', before)
        .filter((e) => e.status === 200);
      // The combined log's user column comes from URL userinfo, never the Authorization header, so
      // the proof is the challenge (401) followed by 200s from the mirror, and a silent upstream.
      expect(authPair.mirror.requests('/v2/dpod/', before).map((e) => e.status)).toContain(401);
      if (ok) {
        expect(pulled, containerd.log()).toMatchObject({ ok: true });
        expect(served.length).toBeGreaterThan(0);
        expect(authPair.upstream.requests('/v2/', upstreamBefore)).toEqual([]);
      } else {
        // The mirror answers 401, containerd falls back to `server` (the upstream stand-in).
        expect(served).toEqual([]);
        expect(authPair.upstream.requests('/v2/cpopen/', upstreamBefore).length).toBeGreaterThan(0);
      }
    } finally {
      await containerd.stop();
    }
  });

  it('restarts with a new PID and serves CRI again', async () => {
    writeFileSync('/etc/containerd/config.toml', configPathToml(configVersion));
    const containerd = start('r');
    try {
      expect(await containerd.waitForCri(), containerd.log()).toMatchObject({ ok: true });
      const first = containerd.pid();
      await containerd.restart();
      expect(containerd.pid()).not.toBe(first);
      expect(await containerd.waitForCri(), containerd.log()).toMatchObject({ ok: true });
    } finally {
      await containerd.stop();
    }
  });
});
