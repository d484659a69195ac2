import { describe, expect, it } from 'vitest';
import {
  describeCredential,
  findCredential,
  normalizeKey,
  parseAuthFile,
  secretForms,
  staticAuthorization,
} from './credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseAuthFile', () => {
  it('reads auth, username/password, identitytoken and registrytoken entries', () => {
    const text = JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:se:cret') },
        'mirror.local:5000': { username: 'u', password: 'p' },
        'quay.io/org': { auth: b64('org:1') },
        'quay.io': { auth: b64('any:2') },
        'acr.example.io': { auth: b64('00000000-0000-0000-0000-000000000000:'), identitytoken: 'refresh' },
        'tok.example.io': { registrytoken: 'bearer-xyz' },
        'empty.example.io': {},
      },
      credsStore: 'desktop',
    });
    const { store, diagnostics } = parseAuthFile(text, 'config.json');
    expect(diagnostics).toEqual([]);
    expect(findCredential(store, 'registry-1.docker.io')).toEqual({
      kind: 'basic',
      username: 'hub',
      password: 'se:cret',
    });
    expect(findCredential(store, 'mirror.local:5000')).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(findCredential(store, 'mirror.local')).toBeUndefined();
    expect(findCredential(store, 'quay.io', 'org/app')).toMatchObject({ username: 'org' });
    expect(findCredential(store, 'quay.io', 'other/app')).toMatchObject({ username: 'any' });
    expect(findCredential(store, 'acr.example.io')).toEqual({
      kind: 'identity-token',
      username: '00000000-0000-0000-0000-000000000000',
      token: 'refresh',
    });
    expect(findCredential(store, 'tok.example.io')).toEqual({ kind: 'registry-token', token: 'bearer-xyz' });
    expect(findCredential(store, 'empty.example.io')).toBeUndefined();
  });

  const bad = [
    { name: 'not JSON', text: '{', code: 'auth.parse', field: undefined },
    { name: 'auths not an object', text: '{"auths": 3}', code: 'auth.schema', field: 'auths' },
    {
      name: 'auth not a string',
      text: '{"auths": {"h": {"auth": 1}}}',
      code: 'auth.schema',
      field: 'auths.h.auth',
    },
    {
      name: 'auth without colon',
      text: `{"auths": {"h": {"auth": "${b64('nocolon')}"}}}`,
      code: 'auth.entry',
      field: 'auths.h.auth',
    },
  ];
  it.each(bad)('reports $name with file and field', ({ text, code, field }) => {
    const { diagnostics } = parseAuthFile(text, '/tmp/a.json');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', code, file: '/tmp/a.json' });
    expect(diagnostics[0]?.field).toBe(field);
  });

  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['http://Mirror.Local:5000/', 'mirror.local:5000'],
    ['quay.io/Org', 'quay.io/Org'],
    ['registry-1.docker.io', 'docker.io'],
    ['https://h/v2/', 'h'],
  ])('normalizeKey(%s) = %s', (key, expected) => {
    expect(normalizeKey(key)).toBe(expected);
  });
});

describe('describeCredential / staticAuthorization / secretForms', () => {
  it.each([
    [
      { kind: 'basic', username: 'alice', password: 'pw' },
      'user alice',
      `Basic ${b64('alice:pw')}`,
      ['pw', b64('alice:pw')],
    ],
    [{ kind: 'identity-token', username: 'u', token: 'rt' }, 'identity token of u', undefined, ['rt']],
    [{ kind: 'registry-token', token: 'bt' }, 'registry token', 'Bearer bt', ['bt']],
  ] as const)('%j', (cred, shown, header, forms) => {
    expect(describeCredential(cred)).toBe(shown);
    expect(staticAuthorization(cred)).toBe(header);
    expect(secretForms(cred)).toEqual(forms);
    expect(shown).not.toContain('pw');
  });

  it('an exact host key wins over a legacy URL form of it, whatever their order', () => {
    const text = JSON.stringify({
      auths: { 'm:5000': { auth: b64('exact:1') }, 'https://m:5000/v1/': { auth: b64('legacy:2') } },
    });
    expect(findCredential(parseAuthFile(text, 'a.json').store, 'm:5000')).toMatchObject({
      username: 'exact',
    });
  });
});
