// render --target for the distribution targets, through the CLI: which files land under --out, that
// the documents parse as what their tools expect, and that inexpressible entries exit 2.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterEach, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../../src/cli/testing.js';

const CA = readFileSync(new URL('../golden/distro/ca.pem', import.meta.url), 'utf8');
const SPEC = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: dist }
spec:
  registries:
    - source: docker.io
      fallback: false
      mirrors:
        - url: https://cache.example.com
          tls: { caFile: ca.pem }
    - source: quay.io
      mirrors:
        - url: http://10.0.0.5:5000
`;
const dirs: string[] = [];
function setup(spec = SPEC): { dir: string; run: (t: string) => ReturnType<typeof runCli> } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-render-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'mirrors.yaml'), spec);
  writeFileSync(join(dir, 'ca.pem'), CA);
  return {
    dir,
    run: (t) => runCli(['render', '-f', 'mirrors.yaml', '--target', t, '--out', 'out'], { cwd: dir }),
  };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test('openshift: IDMS, ITMS, CA ConfigMap and the image config patch', async () => {
  const s = setup();
  const r = await s.run('openshift');
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual([
    'openshift-mirrors.yaml',
    'openshift-image-config-patch.yaml',
  ]);
  const objs = parseAllDocuments(readFileSync(join(s.dir, 'out/openshift-mirrors.yaml'), 'utf8')).map((d) =>
    d.toJS(),
  );
  expect(objs.map((o) => o.kind)).toEqual(['ImageDigestMirrorSet', 'ImageTagMirrorSet', 'ConfigMap']);
  expect(objs[0].spec.imageDigestMirrors[0]).toEqual({
    source: 'docker.io',
    mirrors: ['cache.example.com'],
    mirrorSourcePolicy: 'NeverContactSource',
  });
  expect(objs[2].data['cache.example.com']).toBe(CA);
  expect(parse(readFileSync(join(s.dir, 'out/openshift-image-config-patch.yaml'), 'utf8'))).toEqual({
    spec: {
      registrySources: { insecureRegistries: ['10.0.0.5:5000'] },
      additionalTrustedCA: { name: 'mirrorctl-dist-ca' },
    },
  });
  expect(r.stderr).toContain('oc apply -f openshift-mirrors.yaml');
});

test('talos: RegistryMirrorConfig + RegistryTLSConfig with the CA inline, 0600', async () => {
  const s = setup();
  const r = await s.run('talos');
  expect(r.code, r.stderr).toBe(0);
  const file = join(s.dir, 'out/talos-registry-mirrors.yaml');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
  expect(docs).toEqual([
    {
      apiVersion: 'v1alpha1',
      kind: 'RegistryMirrorConfig',
      name: 'docker.io',
      endpoints: [{ url: 'https://cache.example.com' }],
      skipFallback: true,
    },
    {
      apiVersion: 'v1alpha1',
      kind: 'RegistryMirrorConfig',
      name: 'quay.io',
      endpoints: [{ url: 'http://10.0.0.5:5000' }],
    },
    { apiVersion: 'v1alpha1', kind: 'RegistryTLSConfig', name: 'cache.example.com', ca: CA },
  ]);
  expect(r.stderr).toContain('talosctl patch mc');
});

test('bottlerocket: settings TOML with mirrors and a trusted pki bundle; fallback loss is a warning', async () => {
  const s = setup();
  const r = await s.run('bottlerocket');
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain('Bottlerocket always falls back to docker.io');
  const toml = parseToml(readFileSync(join(s.dir, 'out/bottlerocket-settings.toml'), 'utf8')) as {
    settings: {
      'container-registry': { mirrors: unknown[] };
      pki: Record<string, { data: string; trusted: boolean }>;
    };
  };
  expect(toml.settings['container-registry'].mirrors).toEqual([
    { registry: 'docker.io', endpoint: ['https://cache.example.com'] },
    { registry: 'quay.io', endpoint: ['http://10.0.0.5:5000'] },
  ]);
  const bundle = toml.settings.pki['mirrorctl-cache-example-com'];
  expect(bundle?.trusted).toBe(true);
  expect(Buffer.from(bundle?.data ?? '', 'base64').toString('utf8')).toBe(CA);
});

test('k3s: registries.yaml and the CA file as node paths', async () => {
  const s = setup();
  const r = await s.run('k3s');
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual([
    '/etc/rancher/k3s/mirrorctl/cache.example.com/ca.pem',
    '/etc/rancher/k3s/registries.yaml',
  ]);
  expect(parse(readFileSync(join(s.dir, 'out/etc/rancher/k3s/registries.yaml'), 'utf8')).configs).toEqual({
    'cache.example.com': { tls: { ca_file: '/etc/rancher/k3s/mirrorctl/cache.example.com/ca.pem' } },
  });
});

test('an entry a distribution cannot express exits 2 (and --skip-inexpressible leaves it out)', async () => {
  const s = setup(
    SPEC.replace('url: http://10.0.0.5:5000', 'url: http://10.0.0.5:5000\n          pullFrom: digest-only'),
  );
  const r = await s.run('talos');
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('spec.registries[1].mirrors[0].pullFrom');
  const skipped = await runCli(
    ['render', '-f', 'mirrors.yaml', '--target', 'talos', '--out', 'out', '--skip-inexpressible'],
    { cwd: s.dir },
  );
  expect(skipped.code, skipped.stderr).toBe(0);
  expect(readFileSync(join(s.dir, 'out/talos-registry-mirrors.yaml'), 'utf8')).not.toContain('quay.io');
});
