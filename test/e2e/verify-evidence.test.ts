// `mirrorctl verify` says only what it saw about a pull (issue 15.6), on real containerd after a real
// `mirrorctl apply`, and each verdict is checked against the registries' access logs:
// - the mirror serves the image and the source (icr.io) is unreachable: the evidence ties the pull
//   to the mirror (✓, digest printed) and --strict passes;
// - the mirror lacks the image and containerd falls back to the source stand-in: verify does not
//   say the mirror served it, and --strict fails naming why;
// - mirror and source both hold the same digest: plain verify passes but says the pull is not tied
//   to the mirror, and --strict fails (either host may have answered).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../src/checks/verify-types.js';
import { type Containerd, containerdBinaries } from './harness/containerd.js';
import { type ContainerdNode, freshContainerdNode } from './harness/containerd-node.js';
import { type MirrorPair, startMirrorPair } from './harness/mirror-pair.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';
import { cli, evidenceLine, manifestRequests, writeSpec } from './harness/product.js';
import type { RestartBridge } from './harness/restart-bridge.js';

const FROM_MIRROR = 'icr.io/cpopen/cpopen-test:1.0';

let dir: string;
let mounts: NodeMounts;
let pair: MirrorPair;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-verify-');
  mounts = await mountNodeDirs(join(dir, 'node'));
  pair = await startMirrorPair({
    dir: join(dir, 'registries'),
    tag: '1.0',
    // team/app on both (same digest); only/upstream on the source stand-in only.
    mirrorRepos: ['dpod/cpopen/cpopen-test', 'team/app'],
    upstreamRepos: ['team/app', 'only/upstream'],
  });
});

afterAll(async () => {
  await pair?.stop();
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The oldest and the newest containerd here (1.7 behaves as 1.6 for resolution).
const binaries = containerdBinaries().filter((b) => !b.version.startsWith('1.7'));

describe.each(binaries)(
  'containerd $version: verify ties a pull to the mirror only on evidence',
  (binary) => {
    let ctd: ContainerdNode | undefined;
    let containerd: Containerd;
    let bridge: RestartBridge;
    let spec: string;
    const agent = `containerd/${binary.version}`;

    beforeAll(async () => {
      ctd = await freshContainerdNode(binary, dir);
      ({ containerd, bridge } = ctd);
      spec = writeSpec(join(ctd.dir, 'spec.yaml'), [
        { source: 'icr.io/cpopen', mirrors: [{ url: `${pair.mirror.url}/v2/dpod`, path: 'api-root' }] },
        { source: pair.upstream.host, mirrors: [{ url: pair.mirror.url }] },
      ]);
      await cli([
        'apply',
        '-f',
        spec,
        '--containerd-bin',
        join(binary.binDir, 'containerd'),
        '--root',
        '/',
        '--restart-command',
        bridge.command,
        '--cri-endpoint',
        containerd.endpoint,
      ]);
    });

    afterAll(async () => {
      await ctd?.stop();
    });

    /** One `mirrorctl verify` (it pulls through the CRI); the access-log lines of containerd's pull. */
    async function verify(image: string, expectedCode: number, ...extra: string[]) {
      const since = [
        { registry: pair.mirror, since: pair.mirror.mark() },
        { registry: pair.upstream, since: pair.upstream.mark() },
      ];
      const flags = ['verify', '-f', spec, '--image', image, '--cri-endpoint', containerd.endpoint];
      const more = ['--runtime', 'containerd', '--runtime-version', binary.version, ...extra];
      const json = await cli([...flags, ...more, '-o', 'json'], expectedCode);
      const seen = manifestRequests(since, '1.0', agent);
      const text = await cli([...flags, ...more], expectedCode);
      const report = JSON.parse(json.stdout) as VerifyReport;
      const check = (prefix: string) => report.checks.find((c) => c.id === `${prefix}:${image}`);
      console.log(evidenceLine(`verify ${extra.join(' ')} ${agent} ${image}`, seen));
      console.log(`[e2e evidence] verify output:\n${text.stdout}`);
      return { report, text: text.stdout, seen, evidence: check('evidence'), mirror: check('mirror') };
    }

    it('the mirror serves it, the source is unreachable: evidence ✓ with the digest; --strict passes', async () => {
      const plain = await verify(FROM_MIRROR, 0);
      // containerd asked the mirror and got the manifest: the log agrees with the evidence.
      expect(plain.seen.map((s) => `${s.url} ${s.status}`)).toEqual([
        `${pair.mirror.url}/v2/dpod/cpopen/cpopen-test/manifests/1.0?ns=icr.io 200`,
      ]);
      const digest = pair.image.manifestDigest;
      expect(plain.evidence).toMatchObject({
        ok: true,
        counted: true,
        evidence: { tied: true, mirror: { digest }, pulled: { repoDigests: [digest] } },
      });
      expect(plain.evidence?.detail).toContain(
        `has manifest ${digest} and the pulled image has the same digest; the source does not serve it from this node`,
      );
      expect(plain.text).toContain(`✓ evidence:${FROM_MIRROR}: the mirror`);
      expect(plain.text.trimEnd().split('\n').at(-1)).toBe('verified');
      const strict = await verify(FROM_MIRROR, 0, '--strict');
      expect(strict.report).toMatchObject({ ok: true, strict: true });
      expect(strict.text).toContain(`has manifest ${digest} and the pulled image has the same digest`);
    });

    it('the mirror lacks it and containerd falls back to the source: no mirror claim; --strict fails', async () => {
      const image = `${pair.upstream.host}/only/upstream:1.0`;
      const plain = await verify(image, 1);
      // The runtime's own requests: mirror 404, then the source stand-in 200.
      expect(plain.seen.map((s) => `${s.url.split('/v2/')[0]} ${s.status}`)).toEqual([
        `${pair.mirror.url} 404`,
        `${pair.upstream.url} 200`,
      ]);
      expect(plain.mirror).toMatchObject({ ok: false });
      expect(plain.evidence).toMatchObject({ ok: false, counted: false, evidence: { tied: false } });
      expect(plain.evidence?.evidence?.mirror).toBeUndefined();
      expect(plain.evidence?.detail).toContain(
        'the pull was not served by a mirror: no mirror has it; served by the source',
      );
      expect(plain.text).not.toMatch(/✓ (mirror|evidence):/);
      const strict = await verify(image, 1, '--strict');
      expect(strict.evidence).toMatchObject({ ok: false, counted: true });
      expect(strict.text).toContain(`✗ evidence:${image}: the pull was not served by a mirror`);
    });

    it('mirror and source hold the same digest: plain verify passes without the claim; --strict fails', async () => {
      const image = `${pair.upstream.host}/team/app:1.0`;
      const plain = await verify(image, 0);
      expect(plain.seen.map((s) => `${s.url.split('/v2/')[0]} ${s.status}`)).toEqual([
        `${pair.mirror.url} 200`,
      ]);
      expect(plain.evidence).toMatchObject({ ok: false, counted: false });
      expect(plain.evidence?.detail).toContain('the pull may have come from either');
      expect(plain.text).toContain(`· evidence:${image}:`);
      expect(plain.text.trimEnd().split('\n').at(-1)).toBe(
        `verified, but not that the mirror served ${image} (--strict would fail)`,
      );
      const strict = await verify(image, 1, '--strict');
      expect(strict.report.ok).toBe(false);
      expect(strict.text).toContain(`✗ evidence:${image}:`);
    });
  },
);
