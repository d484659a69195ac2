// TLS files named by the spec in cluster mode: the rewrite (pure), and a rollout through the real client
// library that ships certificates in the spec ConfigMap and keys only in the Secret, keeps them while
// the history names them (rollback), and prunes them after.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { type RolloutOptions, runRollout } from '../../src/cluster/rollout.js';
import { podTlsFiles, referencedTlsKeys, shipTlsAssets, staleTlsKeys } from '../../src/cluster/tls-assets.js';
import { loadSpec } from '../../src/spec/load.js';
import { type Harness, SPEC, startHarness } from './harness.js';
import { makePki } from './tls-pki.js';

const TLS_SPEC = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: lab }
spec:
  registries:
    # the internal mirror needs our CA and a client certificate
    - source: docker.io
      mirrors:
        - url: https://mirror.internal:5000
          tls: { caFile: pki/ca.pem, certFile: pki/client.pem, keyFile: pki/client.key }
    - source: quay.io
      mirrors:
        - url: https://mirror.internal:5000
          tls:
            caFile: pki/ca.pem
`;

const files = (pki: ReturnType<typeof makePki>): Record<string, string> => ({
  'pki/ca.pem': pki.ca,
  'pki/client.pem': pki.cert,
  'pki/client.key': pki.key,
});

describe('shipTlsAssets', () => {
  const pki = makePki();
  const shipped = shipTlsAssets(TLS_SPEC, files(pki));

  it('puts certificates in the ConfigMap, keys only in the Secret, one key per content', () => {
    expect(Object.keys(shipped.configMapData)).toHaveLength(2);
    expect(Object.keys(shipped.secretData)).toHaveLength(1);
    expect(Object.values(shipped.configMapData).join('')).not.toContain('PRIVATE KEY');
    expect(Object.values(shipped.secretData)).toEqual([pki.key]);
    for (const k of [...Object.keys(shipped.configMapData), ...Object.keys(shipped.secretData)])
      expect(k).toMatch(/^[-._a-zA-Z0-9]+$/); // a valid ConfigMap/Secret key
  });

  it('a certificate file bundling its key counts as a key (never in a ConfigMap)', () => {
    const bundled = TLS_SPEC.replace(', keyFile: pki/client.key', '');
    const r = shipTlsAssets(bundled, { ...files(pki), 'pki/client.pem': `${pki.cert}${pki.key}` });
    expect(Object.values(r.configMapData).join('')).not.toContain('PRIVATE KEY');
    expect(Object.keys(r.secretData)).toHaveLength(1);
  });

  it('rewrites the paths so loadSpec beside the mounted spec reads the same files, comments kept', async () => {
    expect(shipped.specText).toContain('# the internal mirror needs our CA');
    const pod: Record<string, string> = { '/config/mirrors.yaml': shipped.specText };
    for (const [k, v] of Object.entries(shipped.configMapData)) pod[`/config/${k}`] = v;
    for (const [k, v] of Object.entries(shipped.secretData)) pod[`/secrets/tls/${k}`] = v;
    const loaded = await loadSpec('/config/mirrors.yaml', async (p) => pod[p] ?? null);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(Object.values(loaded.assets).sort()).toEqual([pki.ca, pki.cert, pki.key].sort());
    expect(podTlsFiles(shipped.specText).sort()).toEqual(
      [
        ...Object.keys(shipped.configMapData),
        ...Object.keys(shipped.secretData).map((k) => `../secrets/tls/${k}`),
      ].sort(),
    );
  });

  it('a spec without TLS files is published as written', () => {
    expect(shipTlsAssets(SPEC, {})).toEqual({ specText: SPEC, configMapData: {}, secretData: {} });
    expect(referencedTlsKeys(SPEC)).toEqual({ configMap: [], secret: [] });
  });

  it('stale keys are only mirrorctl TLS files no published spec names', () => {
    const wanted = new Set(Object.values(referencedTlsKeys(shipped.specText)).flat());
    const existing = { 'mirrors.yaml': '', 'control.json': '', 'tls-aaaa.pem': '', ...shipped.configMapData };
    expect(staleTlsKeys(existing, wanted)).toEqual(['tls-aaaa.pem']);
  });
});

const opts = (o: Partial<RolloutOptions>): RolloutOptions => ({
  specText: SPEC,
  bundle: 'console.log("agent")',
  image: 'node:20-alpine',
  mode: 'apply',
  includeControlPlane: false,
  maxUnavailable: '1',
  timeoutMs: 20_000,
  gateNewNodes: false,
  dryRun: false,
  ...o,
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('rollout with TLS files', () => {
  it('ships them, keeps them for rollback, prunes them once no spec in the history names them', async () => {
    const pki = makePki();
    const shipped = shipTlsAssets(TLS_SPEC, files(pki));
    const tls = { configMapData: shipped.configMapData, secretData: shipped.secretData };
    h = await startHarness([{ name: 'w1', runtime: 'containerd://1.7.13' }]);

    const dry = await runRollout(h.kube, opts({ specText: shipped.specText, tls, dryRun: true }), () => {});
    expect(JSON.stringify(dry)).not.toContain(Buffer.from(pki.key).toString('base64'));
    expect(JSON.stringify(dry)).toMatch(/<redacted: \d+ bytes>/);

    const r = await runRollout(h.kube, opts({ specText: shipped.specText, tls }), () => {});
    expect(r.exitCode).toBe(0);
    const cmData = () =>
      (h?.server.get('configmaps', 'mirrorctl', 'mirrorctl-spec')?.data ?? {}) as Record<string, string>;
    const secret = () => h?.server.get('secrets', 'mirrorctl', 'mirrorctl-tls');
    expect(cmData()).toMatchObject(shipped.configMapData);
    expect(JSON.stringify(cmData())).not.toContain('PRIVATE KEY');
    const data = (secret()?.data ?? {}) as Record<string, string>;
    expect(
      Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])),
    ).toEqual(shipped.secretData);

    // A spec without TLS: the files stay (history[1] names them, rollback needs them).
    expect((await runRollout(h.kube, opts({}), () => {})).exitCode).toBe(0);
    expect(cmData()).toMatchObject(shipped.configMapData);
    expect(secret()).toBeDefined();

    // Five more specs push the TLS spec out of the history (5 entries): its files go.
    for (let i = 0; i < 5; i++)
      await runRollout(
        h.kube,
        opts({ specText: SPEC.replace('mirror.example.com', `m${i}.example.com`) }),
        () => {},
      );
    expect(Object.keys(cmData()).filter((k) => k.startsWith('tls-'))).toEqual([]);
    expect(secret()).toBeUndefined();
  });

  it('through the CLI: dry run ships the files (key redacted); an invalid key file exits 2 naming the field', async () => {
    h = await startHarness([{ name: 'w1', runtime: 'containerd://1.7.13' }]);
    const pki = makePki();
    writeFileSync(join(pki.dir, 'mirrors.yaml'), TLS_SPEC.replaceAll('pki/', ''));
    writeFileSync(join(pki.dir, 'client.key'), pki.key);
    writeFileSync(join(pki.dir, 'agent.mjs'), 'console.log("agent")\n');
    const run = async (): Promise<{ code: number; out: string; err: string }> => {
      const out: string[] = [];
      const err: string[] = [];
      const ctx: CliContext = {
        stdout: { write: (t) => void out.push(t), isTTY: false },
        stderr: { write: (t) => void err.push(t), isTTY: false },
        env: {},
        cwd: pki.dir,
        color: false,
        quiet: true,
        verbose: false,
      };
      const argv = ['rollout', '-f', 'mirrors.yaml', '--dry-run', '--kubeconfig', h?.kubeconfig ?? ''];
      const code = await main([...argv, '--agent-bundle', join(pki.dir, 'agent.mjs')], ctx);
      return { code, out: out.join(''), err: err.join('') };
    };
    const ok = await run();
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('kind: Secret');
    expect(ok.out).toMatch(/key-[0-9a-f]{10}\.pem: "<redacted: \d+ bytes>"/);
    expect(ok.out).not.toContain('PRIVATE KEY');
    expect(ok.out).toMatch(/caFile: tls-[0-9a-f]{10}\.pem/);

    writeFileSync(join(pki.dir, 'client.key'), 'not a key\n');
    const bad = await run();
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /mirrors\.yaml:\d+:\d+ spec\.registries\[0\]\.mirrors\[0\]\.tls\.keyFile: .*is not a PEM file/,
    );
  });
});
