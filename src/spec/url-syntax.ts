// Mirror URL grammar: http(s)://host[:port][/path], nothing else. The WHATWG URL parser is not
// used on purpose: it silently strips tabs and newlines, turns "\" into "/", resolves "..",
// converts Unicode hosts to punycode and reads "1.2.3" as an IPv4 address — each of which would
// hide exactly the injection we must reject. The split is RFC 3986 Appendix B's regex; every part
// is then checked strictly.
import type { Finding } from './finding.js';
import { findForbiddenHostChar, type HostPort, isNeverInHost, parseHostPort } from './host-syntax.js';
import { checkRepositoryPath } from './source-syntax.js';

export interface ParsedUrl {
  scheme: 'http' | 'https';
  hostPort: HostPort;
  /** '' or '/a/b' without trailing slash. */
  path: string;
}

const RFC3986 = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;
const SCHEME_HINT = 'must include a scheme, e.g. https://mirror.example.com';

export function parseMirrorUrl(raw: string): { value?: ParsedUrl; findings: Finding[] } {
  const one = (code: string, message: string, hint?: string) => ({
    findings: [{ code, message, ...(hint ? { hint } : {}) }],
  });
  if (raw.trim() === '') return one('spec.url.empty', 'url is empty', SCHEME_HINT);
  const m = RFC3986.exec(raw);
  const scheme = m?.[1];
  const authority = m?.[2];
  if (!m || scheme === undefined || authority === undefined) {
    return one(
      'spec.url.scheme',
      `url ${JSON.stringify(raw)} has no scheme`,
      `${SCHEME_HINT} (http:// for a plain-HTTP mirror)`,
    );
  }
  const lower = scheme.toLowerCase();
  if (lower !== 'http' && lower !== 'https') {
    return one(
      'spec.url.scheme',
      `scheme ${JSON.stringify(scheme)} is not supported`,
      'use https://, or http:// for a plain-HTTP mirror',
    );
  }
  if (m[4] !== undefined)
    return one('spec.url.query', 'url has a query string ("?…")', 'registries ignore queries; remove it');
  if (m[5] !== undefined)
    return one('spec.url.fragment', 'url has a fragment ("#…")', 'remove everything from "#"');
  // Injection characters are named before "@" so that `host\@evil` reads as what it is.
  const injected = [...authority].find(isNeverInHost);
  if (injected !== undefined)
    return {
      findings: [
        findForbiddenHostChar(injected) ?? {
          code: 'spec.host.invalid-char',
          message: 'host contains an invalid character',
        },
      ],
    };
  if (authority.includes('@')) {
    return one(
      'spec.url.userinfo',
      'url contains credentials ("user@" or "user:password@")',
      'never put credentials in a mirror URL; use the runtime pull secrets, or headers for tokens',
    );
  }
  if (authority === '') return one('spec.host.empty', 'url has no host', SCHEME_HINT);
  const host = parseHostPort(authority);
  if (!host.value) return { findings: host.findings };
  let path = m[3] ?? '';
  path = path.replace(/\/$/, '');
  if (path !== '') {
    const bad = checkRepositoryPath(path.slice(1), 'url path');
    if (bad) return { findings: [bad] };
  }
  return { value: { scheme: lower, hostPort: host.value, path }, findings: [] };
}

/** scheme://host[:port][/path]: lowercase scheme/host, default port dropped, no trailing slash. */
export function canonicalUrl(u: ParsedUrl): string {
  const defaultPort = u.scheme === 'https' ? 443 : 80;
  const hp = u.hostPort.port === defaultPort ? u.hostPort.host : u.hostPort.hostPort;
  return `${u.scheme}://${hp}${u.path}`;
}
