import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apiStorageFindings } from '../../spec/api-storage.js';
import { validateSpec } from '../../spec/validate.js';
import { nameSecrets, storedSpec } from './stored-spec.js';

const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
function stored(mirror: string, assets: Record<string, string> = {}) {
  const text = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: lab }
spec:
  registries:
    - source: docker.io
      mirrors:
        - ${mirror}
`;
  const v = validateSpec(text, 'mirrors.yaml');
  if (!v.spec) throw new Error(JSON.stringify(v.diagnostics));
  return storedSpec(parse(text), v.spec, assets, 'mirrors.yaml');
}

describe('storedSpec', () => {
  it('a CA alone: an Opaque Secret with ca.crt, named by tls.secretRef; insecureSkipVerify kept; new apiVersion', () => {
    const s = stored('{ url: "https://m.example.com", tls: { caFile: ca.pem, insecureSkipVerify: false } }', {
      'ca.pem': CA,
    });
    expect(s.diagnostics).toEqual([]);
    expect(s.needs).toEqual([
      {
        component: 'tls',
        type: 'Opaque',
        data: { 'ca.crt': CA },
        at: ['spec', 'registries', 0, 'mirrors', 0, 'tls', 'secretRef'],
        field: 'spec.registries[0].mirrors[0].tls',
      },
    ]);
    const doc = nameSecrets(s.document, s.needs, ['mirrorctl-lab-tls-x']);
    expect(doc.apiVersion).toBe('mirrorctl.io/v1alpha1');
    expect(JSON.stringify(doc)).toContain(
      '"tls":{"insecureSkipVerify":false,"secretRef":{"name":"mirrorctl-lab-tls-x"}}',
    );
    const back = validateSpec(JSON.stringify(doc), 'stored');
    expect(back.spec && apiStorageFindings(back.spec)).toEqual([]);
  });

  it.each([
    [
      'inline headers beside headersFrom',
      '{ url: "https://m.example.com", headers: { X-Key: [a] }, headersFrom: { secretRef: { name: mine } } }',
      'cluster.rollout.headers-and-headers-from',
    ],
    [
      'two values of one header',
      '{ url: "https://m.example.com", headers: { X-Key: [a, b] } }',
      'cluster.rollout.header-values',
    ],
  ])('%s is refused', (_name, mirror, code) => {
    expect(stored(mirror).diagnostics.map((d) => d.code)).toContain(code);
  });

  it('an auth file without an entry for the mirror host is refused', () => {
    const auth = JSON.stringify({
      auths: { 'other.example.com': { auth: Buffer.from('u:p').toString('base64') } },
    });
    const s = stored('{ url: "https://m.example.com", auth: { file: auth.json } }', { 'auth.json': auth });
    expect(s.diagnostics.map((d) => [d.code, d.field])).toEqual([
      ['cluster.rollout.auth-entry', 'spec.registries[0].mirrors[0].auth.file'],
    ]);
  });
});
