// Defence in depth: renderers turn registry hosts and the spec name into directory and file names,
// TOML keys and comment lines. validateSpec already refuses hostile text; this guard makes every
// renderer refuse it too, so a MirrorSet built by other code (conversion, tests, a future API) can
// never write outside its target dir (`../`, `/`, `\`), break a comment line, or smuggle a table.
import type { Diagnostic } from '../diagnostics.js';
import type { MirrorSet } from '../spec/types.js';

/** host[:port], `[v6]:port`, `*` or `*.suffix`: ASCII only, no separators, quotes or spaces. */
const HOST = /^(\*|(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$/;
/** The spec name becomes part of file names: DNS-1123 label, as validateSpec requires. */
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Text that ends up on one comment line or in a TOML key: no control or line-breaking characters. */
const LINE_BREAKING = /[\p{Cc}\u2028\u2029]/u;
/** RFC 9110 token: header names become TOML keys and HTTP field names. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Header values: no control characters and no lone UTF-16 surrogates (TOML/JSON writers mangle them). */
const badHeaderValue = (v: string): boolean => /\p{Cc}|\p{Cs}/u.test(v.replaceAll('\t', ''));
/** Repository path: segments of printable ASCII without `..`, `.`, `\` or empty segments. */
const REPO_SEGMENT = /^[A-Za-z0-9._-]+$/;

function unsafe(field: string, target: string, what: string, value: string): Diagnostic {
  return {
    severity: 'error',
    code: 'render.unsafe-name',
    field,
    target,
    message: `${what} ${JSON.stringify(value)} cannot be written safely (it names files, TOML keys and comment lines)`,
    hint: 'load the spec through validateSpec; hosts are ASCII host[:port] (punycode for IDN), names DNS-1123 labels',
  };
}

const repoPathOk = (p: string): boolean =>
  p === '' || p.split('/').every((s) => REPO_SEGMENT.test(s) && s !== '.' && s !== '..');

/** Every field of `set` that a renderer would turn into a path, key or comment, checked; [] = safe. */
export function unsafeNames(set: MirrorSet, target: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!NAME.test(set.name)) out.push(unsafe('metadata.name', target, 'spec name', set.name));
  for (const e of set.registries) {
    const f = `spec.registries[${e.index}]`;
    if (!HOST.test(e.sourceHost) || e.sourceHost === '.')
      out.push(unsafe(`${f}.source`, target, 'source host', e.sourceHost));
    else if (!repoPathOk(e.sourcePath) || LINE_BREAKING.test(e.source))
      out.push(unsafe(`${f}.source`, target, 'source', e.source));
    e.mirrors.forEach((m, j) => {
      const mf = `${f}.mirrors[${j}]`;
      if (!HOST.test(m.host) || m.host === '.') out.push(unsafe(`${mf}.url`, target, 'mirror host', m.host));
      else if (!repoPathOk(m.path.replace(/^\//, '')) || LINE_BREAKING.test(m.url))
        out.push(unsafe(`${mf}.url`, target, 'mirror URL', m.url));
      for (const [name, values] of Object.entries(m.headers)) {
        if (!HEADER_NAME.test(name)) out.push(unsafe(`${mf}.headers`, target, 'header name', name));
        else if (values.some(badHeaderValue))
          out.push(unsafe(`${mf}.headers.${name}`, target, 'header value of', name));
      }
    });
  }
  return out;
}
