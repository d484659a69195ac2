import { describe, expect, it } from 'vitest';
import { canonicalUrl, parseMirrorUrl } from './url-syntax.js';

const canonical: Array<[string, string]> = [
  ['https://mirror.example.com', 'https://mirror.example.com'],
  ['https://mirror.example.com/', 'https://mirror.example.com'],
  ['HTTPS://Mirror.Example.COM/dpod/', 'https://mirror.example.com/dpod'],
  ['https://mirror.example.com:443/x', 'https://mirror.example.com/x'],
  ['http://mirror.example.com:80', 'http://mirror.example.com'],
  ['http://mirror.example.com:443', 'http://mirror.example.com:443'],
  ['https://mirror.example.com:80', 'https://mirror.example.com:80'],
  ['http://10.0.0.5:5000/v2/proxy', 'http://10.0.0.5:5000/v2/proxy'],
  ['https://[FD00::1]:8443/a/b', 'https://[fd00::1]:8443/a/b'],
  ['https://[fd00::1]:443', 'https://[fd00::1]'],
];

const invalid: Array<[string, string]> = [
  ['mirror.example.com', 'spec.url.scheme'],
  ['mirror.example.com:5000', 'spec.url.scheme'],
  ['//mirror.example.com', 'spec.url.scheme'],
  ['ftp://mirror.example.com', 'spec.url.scheme'],
  ['https://u:p@mirror.example.com', 'spec.url.userinfo'],
  ['https://mirror.example.com?x', 'spec.url.query'],
  ['https://mirror.example.com/#x', 'spec.url.fragment'],
  ['https://', 'spec.host.empty'],
  ['https://mirror.example.com:0', 'spec.host.port'],
  ['https://fd00::1', 'spec.host.ipv6-brackets'],
  ['https://m.example.com/../etc', 'spec.path.dot-component'],
  ['https://m.example.com/a//b', 'spec.path.empty-component'],
  ['https://m.example.com/a\\b', 'spec.path.invalid-char'],
  ['https://m.example.com/a\tb', 'spec.path.invalid-char'],
  ['https://m.exa mple.com', 'spec.host.invalid-char'],
  ['https://m.example.com./x', 'spec.host.trailing-dot'],
  ['', 'spec.url.empty'],
];

describe('parseMirrorUrl', () => {
  it.each(canonical)('%s → %s', (input, expected) => {
    const r = parseMirrorUrl(input);
    expect(r.findings).toEqual([]);
    expect(r.value && canonicalUrl(r.value)).toBe(expected);
  });
  it.each(invalid)('rejects %j with %s', (input, code) => {
    const r = parseMirrorUrl(input);
    expect(r.value).toBeUndefined();
    expect(r.findings[0]?.code).toBe(code);
  });
  it('says how to write a scheme', () => {
    expect(parseMirrorUrl('mirror.example.com').findings[0]?.hint).toContain(
      'must include a scheme, e.g. https://mirror.example.com',
    );
  });
  it('canonical URLs are fixed points', () => {
    for (const [, c] of canonical) {
      const again = parseMirrorUrl(c).value;
      expect(again && canonicalUrl(again)).toBe(c);
    }
  });
});
