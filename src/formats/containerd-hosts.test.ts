import { describe, expect, it } from 'vitest';
import { hostDirectory, hostPaths, httpsFirst, readHostsToml } from './containerd-hosts.js';
import { checkHostsToml } from './containerd-hosts-check.js';

const urls = (text: string, version?: string): string[] =>
  readHostsToml(text, version).hosts.map((h) => `${h.scheme}://${h.host}${h.path}`);

describe('readHostsToml', () => {
  it('orders [host] tables as written, then the server, with the /v2 and override_path rules', () => {
    const text =
      'server = "https://up.example.com"\n[host."https://m/cache/"]\n[host."https://h/v2/proj"]\noverride_path = true\n[host."m2"]\n';
    expect(urls(text, '2.0.0')).toEqual([
      'https://m/cache/v2',
      'https://h/v2/proj',
      'https://m2/v2',
      'https://up.example.com/v2',
    ]);
  });

  it.each([
    ['1.7.31', 'invalid `host` tree'],
    ['1.7.32', undefined],
    ['2.0.0', undefined],
  ])('a file without a host tree on %s: %s', (version, error) => {
    expect(readHostsToml('server = "https://r"\n', version).error).toBe(error);
  });

  it('accepts an empty [host] table on 1.6 (go-toml hands getSortedHosts an empty tree)', () => {
    expect(readHostsToml('server = "https://r"\n[host]\n', '1.6.20').error).toBeUndefined();
  });

  it.each([
    ['2.1.9', 'unknown capability referrers'],
    ['2.2.0', undefined],
  ])('capability referrers on %s', (version, error) => {
    const text = '[host."https://m"]\ncapabilities = ["pull", "referrers"]\n';
    expect(readHostsToml(text, version).error).toBe(error);
  });

  it('rejects what containerd cannot decode, like the self-check does', () => {
    const text = '[host."https://m"]\noverride_path = "yes"\n';
    expect(readHostsToml(text, '2.2.0').error).toBe('[host."https://m"]: invalid type for "override_path"');
    expect(checkHostsToml(text, '/h/hosts.toml', '2.2.0').map((d) => d.code)).toEqual(['hosts-toml.type']);
  });

  it('quotes the parser on a syntax error', () => {
    expect(readHostsToml('[host."https://m"\n').error).toMatch(
      /^failed to parse TOML: Invalid TOML document: /,
    );
  });
});

describe('hostPaths and httpsFirst', () => {
  it.each([
    [
      'registry.example.com:5000',
      '1.6.20',
      ['registry.example.com_5000_', 'registry.example.com:5000', '_default'],
    ],
    ['docker.io', '1.6.16', ['docker.io']],
    ['docker.io', undefined, ['docker.io', '_default']],
    ['docker.io', '1.5.18', ['docker.io']],
    ['[fd00::1]:5000', '1.7.0', ['[fd00::1]_5000_', '[fd00::1]:5000', '_default']],
  ])('%s on %s', (host, version, dirs) => expect(hostPaths(host, version)).toEqual(dirs));
  it('rewrites only the last colon', () => expect(hostDirectory('[fd00::1]')).toBe('[fd00:_1]_'));

  const httpTls = (host: string) => readHostsToml(`[host."http://${host}"]\nskip_verify = true\n`).hosts[0]!;
  it.each([
    ['m:5000', '1.6.25', true],
    ['m', '1.6.25', false],
    ['m:5000', '1.7.6', false],
    ['m:5000', '1.7.7', true],
    ['m', '1.7.24', true],
    ['m:80', '2.0.0', false],
  ])('http://%s with TLS keys on %s: HTTPS first = %s', (host, version, first) =>
    expect(httpsFirst(httpTls(host), version)).toBe(first),
  );
});

describe('checkHostsToml', () => {
  it.each([
    ['server = "https://r"\n', '1.6.20', ['hosts-toml.no-host']],
    ['server = "https://r"\n', '2.0.0', []],
    ['[host."https://m"]\ncapabilities = ["pull", "referrers"]\n', '2.1.9', ['hosts-toml.capability']],
    ['[host."https://m"]\ncapabilities = ["pull", "referrers"]\n', '2.2.0', []],
    ['[host."http://m"]\ncapabilities = ["pull"]\nskip_verify = true\n', '1.6.25', ['hosts-toml.http-tls']],
    ['[host."https://m"]\ndial_timeout = "1s"\n', '1.6.20', ['hosts-toml.dial-timeout']],
    ['[host."https://m"]\noverride_path = "yes"\n', '1.6.20', ['hosts-toml.type']],
    ['host = { a = 1 }\n', '2.0.0', ['hosts-toml.type']],
    ['[host."https://m"\n', '1.6.20', ['toml.parse']],
  ])('%j on %s', (text, version, codes) => {
    expect(checkHostsToml(text, '/h/hosts.toml', version).map((d) => d.code)).toEqual(codes);
  });
});
