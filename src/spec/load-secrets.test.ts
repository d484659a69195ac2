// Mirror credentials and Secret references through loadSpec: auth files read relative to the spec and
// checked for an entry for the MIRROR host, Secrets read only through a resolver (node mode refuses),
// TLS and header Secrets materialized for the renderers, and the rules about secret references.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiStorageFindings } from './api-storage.js';
import { loadSpec, type ReadText } from './load.js';
import { mirrorCredential } from './mirror-auth.js';
import { materializeSecretRefs, type SecretResolver, secretAssetKey } from './secret-refs.js';
import { validateSpec } from './validate.js';

const pem = (name: string): string =>
  readFileSync(join(import.meta.dirname, '../../test/spec-corpus/tls', name), 'utf8');
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const reader =
  (files: Record<string, string>): ReadText =>
  async (p) =>
    files[p] ?? null;

const spec = (mirror: string, url = 'https://m.example.com:5000/dpod') =>
  `apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: x }\nspec:\n  registries:\n    - source: icr.io\n      mirrors:\n        - url: ${url}\n${mirror
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n')}\n`;

const AUTH = JSON.stringify({ auths: { 'm.example.com:5000': { auth: b64('alice:s3cret-pw') } } });

describe('auth.file', () => {
  it('reads the file relative to the spec and finds the entry of the mirror host[:port]', async () => {
    const r = await loadSpec(
      '/w/mirrors.yaml',
      reader({ '/w/mirrors.yaml': spec('auth: { file: creds/auth.json }'), '/w/creds/auth.json': AUTH }),
    );
    expect(r.diagnostics).toEqual([]);
    const m = r.spec!.registries[0]!.mirrors[0]!;
    expect(m.auth).toEqual({ file: 'creds/auth.json' });
    const c = mirrorCredential(m, r.assets);
    expect(c).toMatchObject({
      ok: true,
      value: { credential: { kind: 'basic', username: 'alice', password: 's3cret-pw' } },
    });
    expect(c.ok && c.value?.shown).toBe('user alice (creds/auth.json)');
  });

  it.each([
    [
      'https://m.example.com:5000/v1/ (a legacy URL key)',
      { 'https://m.example.com:5000/v1/': { auth: b64('bob:x') } },
      'bob',
    ],
    [
      'a host/namespace key covering the mirror path',
      { 'm.example.com:5000/dpod': { username: 'ns', password: 'y' } },
      'ns',
    ],
    [
      'the exact key over a legacy form of it',
      { 'https://m.example.com:5000': { auth: b64('old:1') }, 'm.example.com:5000': { auth: b64('new:2') } },
      'new',
    ],
  ])('looks up %s', async (_, auths, user) => {
    const r = await loadSpec(
      '/w/m.yaml',
      reader({ '/w/m.yaml': spec('auth: { file: a.json }'), '/w/a.json': JSON.stringify({ auths }) }),
    );
    expect(r.diagnostics).toEqual([]);
    const c = mirrorCredential(r.spec!.registries[0]!.mirrors[0]!, r.assets);
    expect(c.ok && c.value?.credential).toMatchObject({ username: user });
  });

  it.each([
    ['a missing file', {}, 'spec.auth.file-missing', /not found \(looked at \/w\/a\.json\)/],
    ['a file that is not JSON', { '/w/a.json': 'nope' }, 'spec.auth.invalid', /not valid JSON/],
    [
      'credentials keyed by the source, not the mirror',
      { '/w/a.json': JSON.stringify({ auths: { 'icr.io': { auth: b64('a:b') } } }) },
      'spec.auth.no-entry',
      /a\.json has no credentials for m\.example\.com:5000/,
    ],
    [
      'an auth that is not user:password',
      { '/w/a.json': JSON.stringify({ auths: { 'm.example.com:5000': { auth: b64('nocolon') } } }) },
      'spec.auth.invalid',
      /auths\.m\.example\.com:5000\.auth: auth is not base64/,
    ],
  ])('refuses %s, naming the file and field', async (_, files, code, message) => {
    const r = await loadSpec('/w/m.yaml', reader({ '/w/m.yaml': spec('auth: { file: a.json }'), ...files }));
    expect(r.spec).toBeUndefined();
    expect(r.diagnostics).toMatchObject([
      { code, field: 'spec.registries[0].mirrors[0].auth.file', file: '/w/m.yaml', line: 9 },
    ]);
    expect(r.diagnostics[0]?.message).toMatch(message);
    expect(r.diagnostics[0]?.hint).toBeTruthy();
  });
});

describe('Secret references', () => {
  const cluster = `auth: { secretRef: { name: pull } }
tls: { secretRef: { name: m-tls } }
headersFrom: { secretRef: { name: m-hdr } }`;
  const secrets: Record<string, Record<string, string>> = {
    pull: { '.dockerconfigjson': AUTH },
    'm-tls': { 'ca.crt': pem('ca.pem'), 'tls.crt': pem('client.pem'), 'tls.key': pem('client.key') },
    'm-hdr': { 'X-Mirror-Token': 'tok-123' },
  };
  const resolver =
    (s = secrets): SecretResolver =>
    async (ref) => {
      expect(ref.namespace).toBe('mirrorctl');
      return s[ref.name];
    };

  it('node-level verbs refuse a spec naming a Secret, saying why and what to do', async () => {
    const r = await loadSpec('/w/m.yaml', reader({ '/w/m.yaml': spec(cluster) }));
    expect(r.spec).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.field])).toEqual([
      ['spec.secret-ref.unresolved', 'spec.registries[0].mirrors[0].auth.secretRef'],
      ['spec.secret-ref.unresolved', 'spec.registries[0].mirrors[0].tls.secretRef'],
      ['spec.secret-ref.unresolved', 'spec.registries[0].mirrors[0].headersFrom.secretRef'],
    ]);
    expect(r.diagnostics[0]?.message).toContain(
      'names Secret mirrorctl/pull, which node-level verbs cannot read',
    );
    expect(r.diagnostics[0]?.hint).toContain('auth.file');
  });

  it('explain may only name them (a warning)', async () => {
    const r = await loadSpec('/w/m.yaml', reader({ '/w/m.yaml': spec(cluster) }), {
      unresolvedSecrets: 'warning',
    });
    expect(r.spec).toBeDefined();
    expect(r.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(mirrorCredential(r.spec!.registries[0]!.mirrors[0]!, r.assets)).toMatchObject({
      ok: false,
      reason: 'unresolved',
      source: 'Secret mirrorctl/pull key .dockerconfigjson',
    });
  });

  it('a resolver (cluster mode) reads each Secret once; materialized TLS and headers feed the renderers', async () => {
    let calls = 0;
    const r = await loadSpec('/w/m.yaml', reader({ '/w/m.yaml': spec(cluster) }), {
      resolveSecret: async (ref) => {
        calls++;
        return resolver()(ref);
      },
    });
    expect(r.diagnostics).toEqual([]);
    expect(calls).toBe(3);
    const set = r.spec!;
    const m = set.registries[0]!.mirrors[0]!;
    expect(mirrorCredential(m, r.assets)).toMatchObject({
      ok: true,
      value: { credential: { username: 'alice' } },
    });
    // The spec as written keeps only references (it is what is hashed and stored)…
    expect(m.tls.caFile).toBeUndefined();
    expect(m.headers).toEqual({});
    // …the materialized one is what files are made of.
    const made = materializeSecretRefs(set, r.assets).registries[0]!.mirrors[0]!;
    expect(made.tls.caFile).toBe(secretAssetKey({ name: 'm-tls', namespace: 'mirrorctl' }, 'ca.crt'));
    expect(r.assets[made.tls.keyFile!]).toBe(pem('client.key'));
    expect(made.headers).toEqual({ 'X-Mirror-Token': ['tok-123'] });
  });

  it.each([
    ['a missing Secret', { ...secrets, pull: undefined }, 'spec.secret-ref.missing', 'auth.secretRef'],
    [
      'a pull Secret without .dockerconfigjson',
      { ...secrets, pull: { other: '{}' } },
      'spec.secret-ref.key-missing',
      'auth.secretRef',
    ],
    [
      'a TLS Secret with tls.crt but no tls.key',
      { ...secrets, 'm-tls': { 'tls.crt': pem('client.pem') } },
      'spec.tls.cert-key-pair',
      'tls.secretRef',
    ],
    [
      'a TLS Secret holding no PEM',
      { ...secrets, 'm-tls': { 'ca.crt': 'junk' } },
      'spec.tls.file-invalid',
      'tls.secretRef',
    ],
    [
      'a header Secret whose key is no header name',
      { ...secrets, 'm-hdr': { 'bad name': 'v' } },
      'spec.header.name',
      'headersFrom.secretRef',
    ],
  ])('refuses %s', async (_, data, code, field) => {
    const r = await loadSpec('/w/m.yaml', reader({ '/w/m.yaml': spec(cluster) }), {
      resolveSecret: resolver(data as Record<string, Record<string, string>>),
    });
    expect(r.spec).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code, field: `spec.registries[0].mirrors[0].${field}` }]);
  });
});

describe('rules about secret references', () => {
  const codes = (mirror: string, url?: string) =>
    validateSpec(spec(mirror, url), 'm.yaml').diagnostics.map((d) => [d.code, d.severity, d.field]);
  it.each([
    ['auth: {}', 'spec.auth.source', 'error', 'auth'],
    ['auth: { file: a.json, secretRef: { name: p } }', 'spec.auth.source', 'error', 'auth'],
    [
      'auth: { secretRef: { name: p, namespace: default } }',
      'spec.secret-ref.namespace',
      'error',
      'auth.secretRef.namespace',
    ],
    [
      'tls: { caFile: ca.pem, secretRef: { name: t } }',
      'spec.tls.secret-and-files',
      'error',
      'tls.secretRef',
    ],
    [
      'auth: { file: a.json }\nheaders: { authorization: [x] }',
      'spec.auth.header-conflict',
      'error',
      'headers.authorization',
    ],
    ['auth: { secretRef: { name: "Not_A_Name" } }', 'spec.secret-ref.name', 'error', 'auth.secretRef.name'],
    ['auth: { token: abc }', 'spec.unknown-field', 'error', 'auth.token'],
  ])('%s → %s', (mirror, code, severity, field) => {
    expect(codes(mirror)).toContainEqual([code, severity, `spec.registries[0].mirrors[0].${field}`]);
  });
  it('warns that credentials for an http:// mirror travel in plain text', () => {
    expect(codes('auth: { file: a.json }', 'http://m.example.com:5000')).toEqual([
      ['spec.auth.plain-http', 'warning', 'spec.registries[0].mirrors[0].auth'],
    ]);
  });
});

describe('apiStorageFindings (a spec stored in the API)', () => {
  it('reports inline header values and file paths, each with its Secret form', () => {
    const set = validateSpec(
      spec('auth: { file: a.json }\nheaders: { X-Token: [v] }\ntls: { caFile: ca.pem }'),
      'm.yaml',
    ).spec!;
    expect(
      apiStorageFindings(set).map((d) => [d.code, d.field, d.hint?.split(' ').slice(-2).join(' ')]),
    ).toEqual([
      ['spec.api.inline-headers', 'spec.registries[0].mirrors[0].headers', 'in headersFrom.secretRef'],
      ['spec.api.file-path', 'spec.registries[0].mirrors[0].tls.caFile', 'in tls.secretRef'],
      ['spec.api.file-path', 'spec.registries[0].mirrors[0].auth.file', 'in auth.secretRef'],
    ]);
  });
  it('accepts the Secret forms', () => {
    const set = validateSpec(
      spec(
        'auth: { secretRef: { name: p } }\nheadersFrom: { secretRef: { name: h } }\ntls: { secretRef: { name: t } }',
      ),
      'm.yaml',
    ).spec!;
    expect(apiStorageFindings(set)).toEqual([]);
  });
});
