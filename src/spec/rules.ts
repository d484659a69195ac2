// Cross-field rules over schema-valid input (changesets rules.ts style): each rule is a small
// named function returning issues with a field path. Field-level syntax is in schema.ts.
import type { Severity } from '../diagnostics.js';
import type { PathSegment } from './field-path.js';
import type { Finding } from './finding.js';
import { normalizeSource, normalizeUrl } from './normalize.js';
import { SECRET_RULES } from './rules-secrets.js';
import type { MirrorInput, MirrorSetInput } from './schema.js';

export interface RuleIssue extends Finding {
  severity: Severity;
  path: PathSegment[];
}

export interface Rule {
  name: string;
  check(input: MirrorSetInput): RuleIssue[];
}

const registryPath = (i: number): PathSegment[] => ['spec', 'registries', i];
const mirrorPath = (i: number, j: number): PathSegment[] => [...registryPath(i), 'mirrors', j];

function eachMirror(
  input: MirrorSetInput,
  f: (m: MirrorInput, i: number, j: number) => RuleIssue[],
): RuleIssue[] {
  return input.spec.registries.flatMap((r, i) => r.mirrors.flatMap((m, j) => f(m, i, j)));
}

/** Entries without `only` apply to every target. */
function targetsOverlap(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return true;
  return a.some((t) => b.includes(t));
}

/** Reports the second and later occurrence of each key. */
function duplicates<T>(
  items: readonly T[],
  key: (t: T) => string,
  report: (t: T, idx: number, first: number) => RuleIssue,
): RuleIssue[] {
  const seen = new Map<string, number>();
  const out: RuleIssue[] = [];
  items.forEach((item, idx) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, idx);
    else out.push(report(item, idx, first));
  });
  return out;
}

export const RULES: readonly Rule[] = [
  {
    name: 'unique-sources',
    // Two entries for one source would render two conflicting configs for the same registry — unless
    // `only` gives them disjoint targets: the per-runtime variants of one mapping (containerd can only
    // prefix while CRI-O rewrites, so the seed's DPOD setup needs one entry per flavour).
    check: (input) => {
      const out: RuleIssue[] = [];
      const regs = input.spec.registries;
      regs.forEach((r, i) => {
        const key = normalizeSource(r.source).source;
        const first = regs.findIndex(
          (o, j) => j < i && normalizeSource(o.source).source === key && targetsOverlap(o.only, r.only),
        );
        if (first < 0) return;
        out.push({
          severity: 'error',
          code: 'spec.source.duplicate',
          path: [...registryPath(i), 'source'],
          message: `source ${JSON.stringify(r.source)} is the same registry as spec.registries[${first}].source (${key}) for the same targets`,
          hint: 'merge the mirrors into one entry, or give the entries disjoint `only` targets; docker.io, index.docker.io and registry-1.docker.io are one registry',
        });
      });
      return out;
    },
  },
  {
    name: 'unique-mirrors',
    check: (input) =>
      input.spec.registries.flatMap((r, i) =>
        duplicates(
          r.mirrors,
          (m) => normalizeUrl(m.url),
          (m, j, first) => ({
            severity: 'error',
            code: 'spec.mirror.duplicate',
            path: [...mirrorPath(i, j), 'url'],
            message: `mirror ${normalizeUrl(m.url)} is listed twice (also mirrors[${first}])`,
            hint: 'list each mirror once',
          }),
        ),
      ),
  },
  {
    name: 'cert-key-pair',
    // A client certificate is useless without its key and vice versa; runtimes fail every pull.
    check: (input) =>
      eachMirror(input, (m, i, j) => {
        if ((m.tls.certFile === undefined) === (m.tls.keyFile === undefined)) return [];
        const missing = m.tls.certFile === undefined ? 'certFile' : 'keyFile';
        const present = missing === 'certFile' ? 'keyFile' : 'certFile';
        return [
          {
            severity: 'error',
            code: 'spec.tls.cert-key-pair',
            path: [...mirrorPath(i, j), 'tls', present],
            message: `${present} is set without ${missing}`,
            hint: 'a client certificate needs both certFile and keyFile',
          },
        ];
      }),
  },
  {
    name: 'tls-on-http',
    // containerd 1.6.25+/1.7.7+/2.x: TLS keys on an http:// host (port ≠ 80) make it try HTTPS first.
    check: (input) =>
      eachMirror(input, (m, i, j) => {
        const t = m.tls;
        const set =
          t.insecureSkipVerify ||
          t.caFile !== undefined ||
          t.certFile !== undefined ||
          t.keyFile !== undefined;
        if (!set || !/^http:/i.test(m.url)) return [];
        return [
          {
            severity: 'warning',
            code: 'spec.tls.http-mirror',
            path: [...mirrorPath(i, j), 'tls'],
            message:
              'tls is set on an http:// mirror: containerd (1.6.25+, 1.7.7+, 2.x) then tries HTTPS first and falls back to plain HTTP, and renderers drop these TLS keys for http hosts',
            hint: 'remove tls for a plain-HTTP mirror, or use an https:// URL',
          },
        ];
      }),
  },
  {
    name: 'skip-verify-with-ca',
    check: (input) =>
      eachMirror(input, (m, i, j) =>
        m.tls.insecureSkipVerify && m.tls.caFile !== undefined
          ? [
              {
                severity: 'warning',
                code: 'spec.tls.skip-verify-with-ca',
                path: [...mirrorPath(i, j), 'tls', 'insecureSkipVerify'],
                message: 'insecureSkipVerify is true, so caFile is never used',
                hint: 'keep caFile and set insecureSkipVerify: false',
              },
            ]
          : [],
      ),
  },
  {
    name: 'unique-capabilities',
    check: (input) =>
      eachMirror(input, (m, i, j) =>
        duplicates(
          m.capabilities,
          (c) => c,
          (c, k) => ({
            severity: 'error',
            code: 'spec.capabilities.duplicate',
            path: [...mirrorPath(i, j), 'capabilities', k],
            message: `capability ${JSON.stringify(c)} is listed twice`,
          }),
        ),
      ),
  },
  {
    name: 'pull-capability',
    check: (input) =>
      eachMirror(input, (m, i, j) =>
        m.capabilities.includes('pull') || m.capabilities.includes('resolve')
          ? []
          : [
              {
                severity: 'warning',
                code: 'spec.capabilities.no-pull',
                path: [...mirrorPath(i, j), 'capabilities'],
                message: 'without pull or resolve this mirror is never used for pulls',
                hint: 'add pull and resolve (the default), or drop the mirror',
              },
            ],
      ),
  },
  {
    name: 'unique-header-names',
    // HTTP header names are case-insensitive: X-A and x-a would be sent as one header.
    check: (input) =>
      eachMirror(input, (m, i, j) =>
        duplicates(
          Object.keys(m.headers),
          (n) => n.toLowerCase(),
          (n) => ({
            severity: 'error',
            code: 'spec.header.duplicate',
            path: [...mirrorPath(i, j), 'headers', n],
            message: `header ${JSON.stringify(n)} is listed twice (names are case-insensitive)`,
            hint: 'merge the values into one header entry',
          }),
        ),
      ),
  },
  {
    name: 'unique-targets',
    check: (input) =>
      input.spec.registries.flatMap((r, i) =>
        duplicates(
          r.only ?? [],
          (t) => t,
          (t, k) => ({
            severity: 'error',
            code: 'spec.only.duplicate',
            path: [...registryPath(i), 'only', k],
            message: `target ${JSON.stringify(t)} is listed twice`,
          }),
        ),
      ),
  },
];

export const ALL_RULES: readonly Rule[] = [...RULES, ...SECRET_RULES];

export const runRules = (input: MirrorSetInput, rules: readonly Rule[] = ALL_RULES): RuleIssue[] =>
  rules.flatMap((r) => r.check(input));
