// Talos before 1.12 has no RegistryMirrorConfig documents: its mirrors live in the machine config's
// machine.registries (issue 19 item 3). The shape follows the Talos version, given as a flag or told
// by a node's osImage; field names follow siderolabs/talos pkg/machinery/config/types (v1alpha1 for
// machine.registries, cri for the documents).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../src/cli/testing.js';
import { parseKubectlNodes } from '../../src/detect/kubectl.js';
import { docToSpec, specDoc } from '../../src/foreign/spec-doc.js';
import { readTalos, specToTalos } from '../../src/foreign/talos.js';
import { parseTalosVersion, talosPatchShape } from '../../src/foreign/talos-machine-config.js';
import type { MirrorSet } from '../../src/spec/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorctl-talos-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CERT = '-----BEGIN CERTIFICATE-----\nY2VydA==\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\na2V5\n-----END PRIVATE KEY-----\n';
const assets = { 'client.pem': CERT, 'client-key.pem': KEY, 'ca.pem': CERT };

function spec(): MirrorSet {
  const r = docToSpec(
    specDoc('t', [
      {
        source: 'ghcr.io',
        fallback: false,
        mirrors: [
          { url: 'https://harbor.example.com/v2/ghcr', path: 'api-root' },
          {
            url: 'https://cache.example.com',
            tls: { caFile: 'ca.pem', certFile: 'client.pem', keyFile: 'client-key.pem' },
          },
        ],
      },
    ]),
    'spec',
  );
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
}

describe('which shape', () => {
  it('reads a version from a flag or from a node osImage', () => {
    expect(
      ['1.11', 'v1.11.2', 'Talos (v1.11.2)', 'Talos (v1.12.0)'].map((t) => parseTalosVersion(t)),
    ).toEqual([
      { major: 1, minor: 11, patch: 0, pre: '' },
      { major: 1, minor: 11, patch: 2, pre: '' },
      { major: 1, minor: 11, patch: 2, pre: '' },
      { major: 1, minor: 12, patch: 0, pre: '' },
    ]);
    expect(parseTalosVersion('eleven')).toBeUndefined();
    expect(talosPatchShape(parseTalosVersion('1.11.9'))).toBe('machine-config');
    expect(talosPatchShape(parseTalosVersion('1.12.0'))).toBe('documents');
    expect(talosPatchShape(undefined)).toBe('documents');
  });

  it('a Talos node in kubectl output carries its version, and detect names the flag', async () => {
    const table = `NAME      STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE          KERNEL-VERSION   CONTAINER-RUNTIME
talos-a   Ready    control-plane   5d    v1.31.1   10.1.0.5      <none>        Talos (v1.11.2)   6.12.48-talos    containerd://2.1.4
`;
    expect(parseKubectlNodes(table).nodes.map((n) => [n.distribution, n.talosVersion])).toEqual([
      ['talos', '1.11.2'],
    ]);
    writeFileSync(join(tmp, 'nodes.txt'), table);
    const r = await runCli(['detect', '--from-kubectl', 'nodes.txt'], { cwd: tmp });
    expect(r.stdout).toContain('mirrorctl render --target talos --talos-version 1.11.2');
  });
});

describe('Talos before 1.12: machine.registries', () => {
  it('one overridePath per registry: every endpoint written as its API root; TLS base64 with crt/key', () => {
    const r = specToTalos(spec(), assets, { version: parseTalosVersion('1.11')! });
    expect(r.diagnostics).toEqual([]);
    expect(r.shape).toBe('machine-config');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(r.docs).toEqual([
      {
        machine: {
          registries: {
            mirrors: {
              'ghcr.io': {
                // cache.example.com would get /v2 appended; with the registry's overridePath it is spelled out.
                endpoints: ['https://harbor.example.com/v2/ghcr', 'https://cache.example.com/v2'],
                overridePath: true,
                skipFallback: true,
              },
            },
            config: {
              'cache.example.com': {
                tls: { ca: b64(CERT), clientIdentity: { crt: b64(CERT), key: b64(KEY) } },
              },
            },
          },
        },
      },
    ]);
  });

  it('skipFallback is refused before Talos 1.10, where machine.registries has no such field', () => {
    const r = specToTalos(spec(), assets, { version: parseTalosVersion('1.9.5')! });
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.field])).toEqual([
      ['error', 'render.talos.skip-fallback', 'spec.registries[0].fallback'],
    ]);
  });

  it('reads back what it wrote (TLS material is reported, not carried)', () => {
    const r = specToTalos(spec(), assets, { version: parseTalosVersion('1.11')! });
    const text = JSON.stringify(r.docs[0]);
    const back = readTalos(text, 'patch.yaml');
    expect(back.entries).toEqual([
      {
        source: 'ghcr.io',
        fallback: false,
        mirrors: [
          { url: 'https://harbor.example.com/v2/ghcr', path: 'api-root' },
          { url: 'https://cache.example.com/v2', path: 'api-root' },
        ],
      },
    ]);
    expect(back.diagnostics.map((d) => d.code)).toEqual(['convert.talos.inline-pem']);
  });
});

describe('Talos 1.12+: documents', () => {
  it('RegistryTLSConfig clientIdentity uses cert and key (meta.CertificateAndKey), PEM inline', () => {
    const r = specToTalos(spec(), assets, { version: parseTalosVersion('1.12.1')! });
    expect(r.shape).toBe('documents');
    expect(r.docs[1]).toEqual({
      apiVersion: 'v1alpha1',
      kind: 'RegistryTLSConfig',
      name: 'cache.example.com',
      ca: CERT,
      clientIdentity: { cert: CERT, key: KEY },
    });
  });
});

describe('the CLI', () => {
  const mirrors = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: t }
spec:
  registries:
    - source: docker.io
      mirrors: [{ url: https://cache.example.com }]
`;
  it('render --target talos --talos-version 1.11 writes machine.registries; a bad version exits 2', async () => {
    writeFileSync(join(tmp, 'mirrors.yaml'), mirrors);
    const r = await runCli(
      [
        'render',
        '-f',
        'mirrors.yaml',
        '--target',
        'talos',
        '--talos-version',
        'Talos (v1.11.2)',
        '--out',
        'o',
      ],
      { cwd: tmp },
    );
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(tmp, 'o/talos-registry-mirrors.yaml'), 'utf8');
    expect(text).toContain('machine.registries for Talos 1.11 (before 1.12)');
    expect(parse(text)).toEqual({
      machine: { registries: { mirrors: { 'docker.io': { endpoints: ['https://cache.example.com'] } } } },
    });
    const bad = await runCli(['convert', '--to', 'talos', '--talos-version', 'eleven', 'mirrors.yaml'], {
      cwd: tmp,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--talos-version eleven: not a version');
  });
});
