// Docker Engine, hand-written daemon.json: dockerd 20.10 with `registry-mirrors` pulls a Docker Hub
// image (docker.io/library/mirrorctl-e2e:1.0) from the loopback mirror. registry-1.docker.io is
// unreachable in the test's network namespace, so the successful pull came from the mirror.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dockerd, startDockerd, testDaemonJsonExtras } from './harness/dockerd.js';
import { evidence, type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';

const IMAGE = 'docker.io/library/mirrorctl-e2e:1.0';

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;
let dockerd: Dockerd | undefined;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-docker-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  pair = await startMirrorPair({
    dir: join(dir, 'registries'),
    tag: '1.0',
    mirrorRepos: ['library/mirrorctl-e2e'],
    upstreamRepos: [],
  });
});

afterAll(async () => {
  await dockerd?.stop();
  await pair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dockerd 20.10 + daemon.json registry-mirrors', () => {
  it('pulls docker.io/library/mirrorctl-e2e:1.0 from the mirror', async () => {
    // GIVEN the node's daemon.json (scheme://host:port, no path: 20.10 rejects mirror paths)
    writeFileSync(
      '/etc/docker/daemon.json',
      JSON.stringify({ 'registry-mirrors': [pair.mirror.url], ...testDaemonJsonExtras(dir) }, null, 2),
    );
    dockerd = await startDockerd({ dir: join(dir, 'dockerd'), configFile: '/etc/docker/daemon.json' });
    const info = await dockerd.cli(['info', '--format', '{{json .RegistryConfig.Mirrors}}']);
    expect(info.stdout).toContain(pair.mirror.url);

    // WHEN
    const mirrorBefore = pair.mirror.mark();
    const pulled = await dockerd.cli(['pull', '--quiet', IMAGE]);

    // THEN
    expect(pulled.code, `${pulled.stderr}\n${dockerd.daemon.log()}`).toBe(0);
    console.log(evidence(`dockerd 20.10 ${IMAGE}`, pair.mirror, '/v2/library/', 'docker/', mirrorBefore));
    const manifests = pair.mirror
      .requests('/v2/library/mirrorctl-e2e/manifests/1.0', mirrorBefore)
      .filter((e) => e.userAgent.startsWith('docker/20.10') && e.status === 200);
    expect(manifests.length).toBeGreaterThan(0);
  });
});
