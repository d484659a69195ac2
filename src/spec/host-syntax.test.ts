import { describe, expect, it } from 'vitest';
import { parseHostPort, parsePort } from './host-syntax.js';

const valid: Array<{ name: string; input: string; hostPort: string; port?: number }> = [
  { name: 'dns name', input: 'registry.example.com', hostPort: 'registry.example.com' },
  { name: 'uppercase is lowercased', input: 'ICR.IO', hostPort: 'icr.io' },
  { name: 'single label', input: 'localhost', hostPort: 'localhost' },
  {
    name: 'with port',
    input: 'registry.example.com:5000',
    hostPort: 'registry.example.com:5000',
    port: 5000,
  },
  { name: 'port 1', input: 'r.io:1', hostPort: 'r.io:1', port: 1 },
  { name: 'port 65535', input: 'r.io:65535', hostPort: 'r.io:65535', port: 65535 },
  { name: 'ipv4', input: '10.0.0.5', hostPort: '10.0.0.5' },
  { name: 'ipv4 port', input: '10.0.0.5:5000', hostPort: '10.0.0.5:5000', port: 5000 },
  { name: 'ipv6', input: '[fd00::1]', hostPort: '[fd00::1]' },
  { name: 'ipv6 upper', input: '[FD00::1]:5000', hostPort: '[fd00::1]:5000', port: 5000 },
  { name: 'ipv6 loopback', input: '[::1]', hostPort: '[::1]' },
  { name: 'punycode', input: 'xn--mrror-9na.example.com', hostPort: 'xn--mrror-9na.example.com' },
  { name: 'hyphen inside', input: 'my-registry.example.com', hostPort: 'my-registry.example.com' },
  { name: 'digit label', input: '123.example.com', hostPort: '123.example.com' },
  { name: '63-char label', input: `${'a'.repeat(63)}.io`, hostPort: `${'a'.repeat(63)}.io` },
];

const invalid: Array<{ name: string; input: string; code: string }> = [
  { name: 'empty', input: '', code: 'spec.host.empty' },
  { name: 'port 0', input: 'r.io:0', code: 'spec.host.port' },
  { name: 'port 65536', input: 'r.io:65536', code: 'spec.host.port' },
  { name: 'port leading zero', input: 'r.io:0080', code: 'spec.host.port' },
  { name: 'port empty', input: 'r.io:', code: 'spec.host.port' },
  { name: 'ipv6 bare', input: 'fd00::1', code: 'spec.host.ipv6-brackets' },
  { name: 'ipv6 bare full', input: '2001:db8:0:0:0:0:0:1', code: 'spec.host.ipv6-brackets' },
  { name: 'two colons not v6', input: 'a.io:1:2', code: 'spec.host.invalid-char' },
  { name: 'ipv6 invalid', input: '[fd00:::1]', code: 'spec.host.ipv6' },
  { name: 'ipv6 unclosed', input: '[fd00::1', code: 'spec.host.ipv6' },
  { name: 'ipv6 junk', input: '[fd00::1]:5000x', code: 'spec.host.port' },
  { name: '] outside v6', input: 'a]b.io', code: 'spec.host.invalid-char' },
  { name: 'trailing dot', input: 'icr.io.', code: 'spec.host.trailing-dot' },
  { name: 'double dot', input: 'icr..io', code: 'spec.host.empty-label' },
  { name: 'leading dot', input: '.icr.io', code: 'spec.host.empty-label' },
  { name: 'slash', input: 'icr.io/x', code: 'spec.host.invalid-char' },
  { name: 'backslash', input: 'icr\\io', code: 'spec.host.invalid-char' },
  { name: 'NUL', input: 'icr\0io', code: 'spec.host.invalid-char' },
  { name: 'quote', input: 'icr"io', code: 'spec.host.invalid-char' },
  { name: 'newline', input: 'icr\nio', code: 'spec.host.invalid-char' },
  { name: 'hash', input: 'icr#io', code: 'spec.host.invalid-char' },
  { name: 'underscore', input: '_default', code: 'spec.host.invalid-char' },
  { name: 'cyrillic look-alike', input: 'іcr.io', code: 'spec.host.non-ascii' },
  { name: 'zero width', input: 'icr\u200b.io', code: 'spec.host.non-ascii' },
  { name: 'label hyphen start', input: '-a.io', code: 'spec.host.label' },
  { name: '64-char label', input: `${'a'.repeat(64)}.io`, code: 'spec.host.label' },
  { name: '254 chars', input: Array(51).fill('abcd').join('.'), code: 'spec.host.too-long' },
  { name: 'bad ipv4', input: '256.1.1.1', code: 'spec.host.ipv4' },
  { name: 'short ipv4', input: '10.1', code: 'spec.host.ipv4' },
];

describe('parseHostPort', () => {
  it.each(valid)('accepts $name', ({ input, hostPort, port }) => {
    const r = parseHostPort(input);
    expect(r.findings).toEqual([]);
    expect(r.value?.hostPort).toBe(hostPort);
    expect(r.value?.port).toBe(port);
  });
  it.each(invalid)('rejects $name with $code', ({ input, code }) => {
    const r = parseHostPort(input);
    expect(r.value).toBeUndefined();
    expect(r.findings.map((f) => f.code)).toEqual([code]);
  });
});

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['443', 443],
    ['65535', 65535],
  ])('accepts %s', (text, port) => expect(parsePort(text).port).toBe(port));
  it.each(['0', '65536', '-1', '1e3', '0x50', ' 80', '080', '99999999999999999999'])('rejects %j', (text) => {
    expect(parsePort(text).finding?.code).toBe('spec.host.port');
  });
});
