import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  const cases = [
    {
      name: 'Docker Hub bearer',
      header:
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      expected: [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/nginx:pull',
          },
        },
      ],
    },
    {
      name: 'distribution htpasswd',
      header: 'Basic realm="basic-realm"',
      expected: [{ scheme: 'basic', params: { realm: 'basic-realm' } }],
    },
    {
      name: 'two challenges joined by Node',
      header: 'Basic realm="r", Bearer realm="https://t/token", service=reg',
      expected: [
        { scheme: 'basic', params: { realm: 'r' } },
        { scheme: 'bearer', params: { realm: 'https://t/token', service: 'reg' } },
      ],
    },
    {
      name: 'escaped quote, spaces around =, case-insensitive names',
      header: 'BEARER Realm = "a\\"b" ,  Scope="repository:x:pull,push"',
      expected: [{ scheme: 'bearer', params: { realm: 'a"b', scope: 'repository:x:pull,push' } }],
    },
    { name: 'empty', header: '', expected: [] },
    { name: 'scheme without params', header: 'Negotiate', expected: [{ scheme: 'negotiate', params: {} }] },
    {
      name: 'unterminated quote keeps the rest',
      header: 'Bearer realm="https://x',
      expected: [{ scheme: 'bearer', params: { realm: 'https://x' } }],
    },
  ];
  it.each(cases)('$name', ({ header, expected }) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});
