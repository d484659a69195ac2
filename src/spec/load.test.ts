// loadSpec over an in-memory reader holding real PEM files made with openssl
// (test/spec-corpus/tls: a CA, a client cert/key pair, encrypted keys, a corrupt PEM).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPem, loadSpec, type ReadText } from './load.js';

const tlsDir = join(import.meta.dirname, '../../test/spec-corpus/tls');
const pem = (name: string): string => readFileSync(join(tlsDir, name), 'utf8');

function reader(files: Record<string, string>): ReadText {
  return async (p) => {
    if (p === '/etc/boom') throw new Error('EACCES: permission denied');
    return files[p] ?? null;
  };
}

const spec = (tls: string, url = 'https://m.example.com') =>
  `apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: x }\nspec:\n  registries:\n    - source: icr.io\n      mirrors:\n        - url: ${url}\n          tls: ${tls}\n`;

describe('loadSpec', () => {
  it('reads TLS files relative to the spec and keys them by the path as written', async () => {
    const r = await loadSpec(
      '/work/specs/mirrors.yaml',
      reader({
        '/work/specs/mirrors.yaml': spec(
          '{ caFile: certs/ca.pem, certFile: certs/client.pem, keyFile: /abs/client.key }',
        ),
        '/work/specs/certs/ca.pem': pem('ca.pem'),
        '/work/specs/certs/client.pem': pem('client.pem'),
        '/abs/client.key': pem('client.key'),
      }),
    );
    expect(r.diagnostics).toEqual([]);
    expect(Object.keys(r.assets).sort()).toEqual(['/abs/client.key', 'certs/ca.pem', 'certs/client.pem']);
    expect(r.assets['certs/ca.pem']).toBe(pem('ca.pem'));
    expect(r.spec?.registries[0]?.mirrors[0]?.tls.caFile).toBe('certs/ca.pem');
  });

  it('reports a missing spec file', async () => {
    const r = await loadSpec('/nope.yaml', reader({}));
    expect(r.diagnostics).toMatchObject([{ code: 'spec.file.missing', file: '/nope.yaml' }]);
  });

  it('reports a spec file that cannot be read', async () => {
    const r = await loadSpec('/etc/boom', reader({}));
    expect(r.diagnostics[0]?.code).toBe('spec.file.unreadable');
  });

  it('passes validation errors through without reading TLS files', async () => {
    const r = await loadSpec(
      '/s.yaml',
      reader({ '/s.yaml': spec('{ caFile: ca.pem }', 'mirror.example.com') }),
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['spec.url.scheme']);
  });

  it.each([
    ['missing file', '{ caFile: missing.pem }', {}, 'spec.tls.file-missing', 'caFile'],
    ['unreadable file', '{ caFile: /etc/boom }', {}, 'spec.tls.file-unreadable', 'caFile'],
    ['not PEM', '{ caFile: ca.pem }', { '/s/ca.pem': 'hello' }, 'spec.tls.file-invalid', 'caFile'],
    [
      'corrupt certificate',
      '{ caFile: ca.pem }',
      { '/s/ca.pem': pem('corrupt.pem') },
      'spec.tls.file-invalid',
      'caFile',
    ],
    [
      'key given as CA',
      '{ caFile: ca.pem }',
      { '/s/ca.pem': pem('client.key') },
      'spec.tls.file-invalid',
      'caFile',
    ],
    [
      'cert given as key',
      '{ certFile: c.pem, keyFile: k.pem }',
      { '/s/c.pem': pem('client.pem'), '/s/k.pem': pem('client.pem') },
      'spec.tls.file-invalid',
      'keyFile',
    ],
    [
      'encrypted legacy key',
      '{ certFile: c.pem, keyFile: k.pem }',
      { '/s/c.pem': pem('client.pem'), '/s/k.pem': pem('client-encrypted.key') },
      'spec.tls.file-invalid',
      'keyFile',
    ],
    [
      'encrypted PKCS#8 key',
      '{ certFile: c.pem, keyFile: k.pem }',
      { '/s/c.pem': pem('client.pem'), '/s/k.pem': pem('client-encrypted-pkcs8.key') },
      'spec.tls.file-invalid',
      'keyFile',
    ],
    [
      'key of another certificate',
      '{ certFile: c.pem, keyFile: k.pem }',
      { '/s/c.pem': pem('ca.pem'), '/s/k.pem': pem('client.key') },
      'spec.tls.key-mismatch',
      'keyFile',
    ],
  ])('%s → %s on tls.%s', async (_, tls, files, code, field) => {
    const r = await loadSpec('/s/m.yaml', reader({ '/s/m.yaml': spec(tls), ...files }));
    expect(r.spec).toBeUndefined();
    expect(r.assets).toEqual({});
    expect(r.diagnostics).toMatchObject([
      {
        severity: 'error',
        code,
        field: `spec.registries[0].mirrors[0].tls.${field}`,
        file: '/s/m.yaml',
        line: 9,
      },
    ]);
  });
});

describe('checkPem', () => {
  it('accepts a CA bundle of several certificates', () => {
    expect(checkPem('caFile', `${pem('ca.pem')}${pem('client.pem')}`)).toBeUndefined();
  });
  it('accepts an unencrypted key', () => expect(checkPem('keyFile', pem('client.key'))).toBeUndefined());
});
