// daemon.json as dockerd reads it: blank files, syntax errors with their place, the registry keys,
// ValidateMirror (moby registry/config_test.go TestValidateMirror's table) and isSecureIndex.
import { describe, expect, it } from 'vitest';
import {
  isInsecureRegistry,
  readDaemonJson,
  splitMirror,
  summarizeDaemonJson,
  validateMirror,
} from './docker-daemon.js';

describe('readDaemonJson', () => {
  it.each([null, undefined, '', ' \n\t'])('%j is the empty configuration', (text) => {
    expect(readDaemonJson(text)).toEqual({
      ok: true,
      doc: {},
      isObject: true,
      registryMirrors: [],
      insecureRegistries: [],
    });
  });
  it('keeps string entries of the registry keys and every other key', () => {
    const r = readDaemonJson(
      '{"log-level":"warn","registry-mirrors":["https://m.example.com",3],"insecure-registries":"x"}',
    );
    expect(r).toMatchObject({
      ok: true,
      isObject: true,
      registryMirrors: ['https://m.example.com'],
      insecureRegistries: [],
    });
    expect(r.ok && r.doc['log-level']).toBe('warn');
  });
  it('a JSON value that is not an object has no registry keys', () => {
    expect(readDaemonJson('["registry-mirrors"]')).toMatchObject({
      ok: true,
      isObject: false,
      registryMirrors: [],
    });
  });
  it('a syntax error comes back with its line and column when the engine names the offset', () => {
    const r = readDaemonJson('{\n  "a": 1,\n  x\n}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(SyntaxError);
    if (r.line !== undefined) expect([r.line, r.column]).toEqual([3, 3]);
  });
});

describe('validateMirror (moby ValidateMirror)', () => {
  it.each([
    ['http://mirror-1.example.com', 'http://mirror-1.example.com/'],
    ['https://mirror-1.example.com/', 'https://mirror-1.example.com/'],
    ['http://localhost:5000', 'http://localhost:5000/'],
    ['https://127.0.0.1:5000', 'https://127.0.0.1:5000/'],
    ['http://mirror-1.example.com/v1/', 'http://mirror-1.example.com/v1/'],
  ])('%s → %s', (input, url) => expect(validateMirror(input, true)).toEqual({ ok: true, url }));
  it.each([
    [
      'mirror-1.example.com',
      `invalid mirror: no scheme specified for "mirror-1.example.com": must use either 'https://' or 'http://'`,
    ],
    [
      'mirror-1.example.com:5000',
      `invalid mirror: no scheme specified for "mirror-1.example.com:5000": must use either 'https://' or 'http://'`,
    ],
    [
      'ftp://mirror-1.example.com',
      `invalid mirror: unsupported scheme "ftp" in "ftp://mirror-1.example.com": must use either 'https://' or 'http://'`,
    ],
    [
      'http://mirror-1.example.com/?q=foo',
      'invalid mirror: query or fragment at end of the URI "http://mirror-1.example.com/?q=foo"',
    ],
    [
      'http://mirror-1.example.com/v1/?q=foo#frag',
      'invalid mirror: query or fragment at end of the URI "http://mirror-1.example.com/v1/?q=foo#frag"',
    ],
    [
      'https://mirror-1.example.com#frag',
      'invalid mirror: query or fragment at end of the URI "https://mirror-1.example.com#frag"',
    ],
    [
      'https://mirror-1.example.com?q',
      'invalid mirror: query or fragment at end of the URI "https://mirror-1.example.com?q"',
    ],
    [
      'http://foo:bar@mirror-1.example.com/',
      'invalid mirror: username/password not allowed in URI "http://foo:xxxxx@mirror-1.example.com/"',
    ],
  ])('%s is refused', (input, error) =>
    expect(validateMirror(input, true)).toMatchObject({ ok: false, error }),
  );
  it('engines before 24.0.8 refuse a path (a root "/" is fine)', () => {
    expect(validateMirror('https://m.example.com/cache', false)).toEqual({
      ok: false,
      reason: 'path',
      error: 'invalid mirror: path, query, or fragment at end of the URI "https://m.example.com/cache"',
    });
    expect(validateMirror('https://m.example.com/', false)).toEqual({
      ok: true,
      url: 'https://m.example.com/',
    });
  });
});

describe('splitMirror', () => {
  it.each([
    ['https://m.example.com/', { origin: 'https://m.example.com', path: '' }],
    ['http://10.0.0.5:5000/cache/', { origin: 'http://10.0.0.5:5000', path: '/cache' }],
    ['m.example.com', undefined],
  ])('%s', (raw, expected) => expect(splitMirror(raw)).toEqual(expected));
});

describe('isInsecureRegistry (isSecureIndex)', () => {
  const entries = ['reg.example.com:5000', '10.1.0.0/16'];
  it.each([
    ['reg.example.com:5000', true],
    ['reg.example.com', false],
    ['10.1.2.3:5000', true],
    ['10.2.0.1', false],
    ['127.0.0.1:5001', true],
    ['[::1]:5000', true],
  ])('%s → %s', (host, insecure) => expect(isInsecureRegistry(host, entries)).toBe(insecure));
});

describe('summarizeDaemonJson', () => {
  it('says why dockerd would not start, naming the file', () => {
    const r = summarizeDaemonJson('/etc/docker/daemon.json', '{"registry-mirrors": [');
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['detect.daemon-json.syntax', '/etc/docker/daemon.json'],
    ]);
    expect(r.summary).toEqual({
      path: '/etc/docker/daemon.json',
      exists: true,
      registryMirrors: [],
      insecureRegistries: [],
    });
  });
  it('an absent file exists: false, no findings', () => {
    expect(summarizeDaemonJson('/d.json', undefined)).toEqual({
      summary: { path: '/d.json', exists: false, registryMirrors: [], insecureRegistries: [] },
      diagnostics: [],
    });
  });
});
