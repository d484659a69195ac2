// `source` grammar: `*`, or host[:port][/repository/prefix]. The path uses the OCI distribution
// reference grammar for repository components (lowercase, separators . _ __ -), because a
// source is matched against image names and a component outside that grammar matches nothing.
// https://github.com/distribution/reference/blob/main/regexp.go
import type { Finding } from './finding.js';
import { findForbiddenHostChar, type HostPort, isNeverInHost, parseHostPort } from './host-syntax.js';

export const WILDCARD_SOURCE = '*';

/** distribution/reference `pathComponent`. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export interface ParsedSource {
  wildcard: boolean;
  hostPort?: HostPort;
  /** Repository prefix without leading/trailing slash, '' if none. */
  path: string;
}

/** Checks `a/b/c` component by component; `what` names the thing in messages ("source path"). */
export function checkRepositoryPath(path: string, what: string): Finding | undefined {
  for (const ch of path) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x7f || cp > 0x7e || /[\s"'`\\#?%]/.test(ch)) {
      const forbidden = findForbiddenHostChar(ch);
      return {
        code: 'spec.path.invalid-char',
        message: `${what} contains ${forbidden ? forbidden.message.replace(/^host contains /, '') : JSON.stringify(ch)}`,
        hint: 'repository components are lowercase letters and digits separated by ".", "_", "__" or "-"',
      };
    }
  }
  for (const component of path.split('/')) {
    if (component === '')
      return {
        code: 'spec.path.empty-component',
        message: `${what} ${JSON.stringify(path)} has an empty component ("//")`,
      };
    if (component === '.' || component === '..') {
      return {
        code: 'spec.path.dot-component',
        message: `${what} ${JSON.stringify(path)} contains ${JSON.stringify(component)}`,
      };
    }
    if (!PATH_COMPONENT.test(component)) {
      const upper = component !== component.toLowerCase();
      return {
        code: 'spec.path.component',
        message: `${what} component ${JSON.stringify(component)} is not a valid repository name component`,
        hint: upper
          ? `repository names are lowercase: ${JSON.stringify(component.toLowerCase())}`
          : 'use lowercase letters and digits separated by ".", "_", "__" or "-" (no tag or digest)',
      };
    }
  }
  return undefined;
}

/** Is `host` a registry host rather than the first path component of a Docker Hub name? */
function looksLikeRegistryHost(hp: HostPort): boolean {
  // distribution/reference: the first component is a domain iff it has "." or ":" or is localhost.
  return hp.port !== undefined || hp.host.includes('.') || hp.host.startsWith('[') || hp.host === 'localhost';
}

export function parseSource(raw: string): { value?: ParsedSource; findings: Finding[] } {
  if (raw === WILDCARD_SOURCE) return { value: { wildcard: true, path: '' }, findings: [] };
  if (raw.trim() !== '' && [...raw].some(isNeverInHost)) {
    const slash = raw.indexOf('/');
    const hostPart = slash < 0 ? raw : raw.slice(0, slash);
    const finding =
      findForbiddenHostChar(hostPart) ?? checkRepositoryPath(raw.slice(slash + 1), 'source path');
    if (finding) return { findings: [finding] };
  }
  if (raw.trim() === '')
    return {
      findings: [
        {
          code: 'spec.source.empty',
          message: 'source is empty',
          hint: 'write a registry host such as registry.example.com, or "*" for every registry',
        },
      ],
    };
  if (raw.includes('*')) {
    return {
      findings: [
        {
          code: 'spec.source.wildcard',
          message: `source ${JSON.stringify(raw)} uses "*" inside a name`,
          hint: 'only "*" alone (every registry) is supported; list each registry host explicitly',
        },
      ],
    };
  }
  if (raw.includes('://')) {
    return {
      findings: [
        {
          code: 'spec.source.scheme',
          message: `source ${JSON.stringify(raw)} has a URL scheme`,
          hint: `a source is an image-name prefix such as ${JSON.stringify(raw.replace(/^[^:]*:\/\//, ''))}, not a URL`,
        },
      ],
    };
  }
  const slash = raw.indexOf('/');
  const hostText = slash < 0 ? raw : raw.slice(0, slash);
  const pathText = slash < 0 ? '' : raw.slice(slash + 1).replace(/\/$/, '');
  const host = parseHostPort(hostText);
  if (!host.value) return { findings: host.findings };
  if (!looksLikeRegistryHost(host.value)) {
    return {
      findings: [
        {
          code: 'spec.source.host',
          message: `${JSON.stringify(hostText)} is not a registry host (no ".", no port, not localhost)`,
          hint: `image names read "${hostText}/…" as Docker Hub; write docker.io/${raw}, or the registry's full host name`,
        },
      ],
    };
  }
  if (slash >= 0) {
    if (pathText === '') return { value: { wildcard: false, hostPort: host.value, path: '' }, findings: [] };
    const bad = checkRepositoryPath(pathText, 'source path');
    if (bad) return { findings: [bad] };
  }
  return { value: { wildcard: false, hostPort: host.value, path: pathText }, findings: [] };
}
