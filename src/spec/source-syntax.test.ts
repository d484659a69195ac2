import { describe, expect, it } from 'vitest';
import { normalizeSource } from './normalize.js';
import { parseSource } from './source-syntax.js';

const valid: Array<[string, string, string, string]> = [
  // input, source, sourceHost, sourcePath
  ['icr.io/cpopen', 'icr.io/cpopen', 'icr.io', 'cpopen'],
  ['ICR.io/cpopen/', 'icr.io/cpopen', 'icr.io', 'cpopen'],
  ['docker.io', 'docker.io', 'docker.io', ''],
  ['index.docker.io', 'docker.io', 'docker.io', ''],
  ['registry-1.docker.io/library', 'docker.io/library', 'docker.io', 'library'],
  ['docker.io:443', 'docker.io:443', 'docker.io:443', ''],
  ['*', '*', '*', ''],
  [
    'registry.example.com:5000/a/b-c/d_e/f__g/h.i',
    'registry.example.com:5000/a/b-c/d_e/f__g/h.i',
    'registry.example.com:5000',
    'a/b-c/d_e/f__g/h.i',
  ],
  ['localhost/x', 'localhost/x', 'localhost', 'x'],
  ['myhost:5000', 'myhost:5000', 'myhost:5000', ''],
  ['[fd00::1]:5000/x', '[fd00::1]:5000/x', '[fd00::1]:5000', 'x'],
  ['10.0.0.5', '10.0.0.5', '10.0.0.5', ''],
];

const invalid: Array<[string, string]> = [
  ['', 'spec.source.empty'],
  ['*.example.com', 'spec.source.wildcard'],
  ['https://icr.io', 'spec.source.scheme'],
  ['myregistry', 'spec.source.host'],
  ['library/nginx', 'spec.source.host'],
  ['icr.io//x', 'spec.path.empty-component'],
  ['icr.io/../x', 'spec.path.dot-component'],
  ['icr.io/X', 'spec.path.component'],
  ['icr.io/x:tag', 'spec.path.component'],
  ['icr.io/x@sha256:00', 'spec.path.component'],
  ['icr.io/x y', 'spec.path.invalid-char'],
  ['icr.io/x\0', 'spec.path.invalid-char'],
  ['icr.io"/x', 'spec.host.invalid-char'],
  ['icr.io\n/x', 'spec.host.invalid-char'],
  ['fd00::1', 'spec.host.ipv6-brackets'],
];

describe('parseSource + normalizeSource', () => {
  it.each(valid)('%s', (input, source, sourceHost, sourcePath) => {
    expect(parseSource(input).findings).toEqual([]);
    expect(normalizeSource(input)).toEqual({ source, sourceHost, sourcePath });
    // Normalizing the normalized form changes nothing.
    expect(normalizeSource(source)).toEqual({ source, sourceHost, sourcePath });
  });
  it.each(invalid)('rejects %j with %s', (input, code) => {
    const r = parseSource(input);
    expect(r.value).toBeUndefined();
    expect(r.findings[0]?.code).toBe(code);
  });
  it('suggests docker.io for a Docker Hub shorthand', () => {
    expect(parseSource('library/nginx').findings[0]?.hint).toContain('docker.io/library/nginx');
  });
});
