// Cross-field rules about secret material (issue 17): credentials are named by exactly one reference,
// every Secret lives in the mirrorctl namespace, TLS comes from files or a Secret (not both), and
// credentials never travel in the clear or twice (an inline Authorization header beside `auth`).
import type { Severity } from '../diagnostics.js';
import type { PathSegment } from './field-path.js';
import type { Finding } from './finding.js';
import type { MirrorInput, MirrorSetInput } from './schema.js';
import { SECRET_NAMESPACE } from './schema.js';

/** rules.ts's RuleIssue (not imported: rules.ts imports this file). */
type RuleIssue = Finding & { severity: Severity; path: PathSegment[] };
type Check = (m: MirrorInput, path: PathSegment[]) => RuleIssue[];

const eachMirror = (input: MirrorSetInput, f: Check): RuleIssue[] =>
  input.spec.registries.flatMap((r, i) =>
    r.mirrors.flatMap((m, j) => f(m, ['spec', 'registries', i, 'mirrors', j])),
  );

const authSource: Check = (m, path) => {
  if (!m.auth) return [];
  const given = (m.auth.file !== undefined ? 1 : 0) + (m.auth.secretRef !== undefined ? 1 : 0);
  if (given === 1) return [];
  return [
    {
      severity: 'error',
      code: 'spec.auth.source',
      path: [...path, 'auth'],
      message:
        given === 0 ? 'auth names no credentials' : 'auth has both file and secretRef; give exactly one',
      hint: 'auth: { file: auth.json } on a node, or auth: { secretRef: { name: <Secret> } } for a MirrorSet in a cluster',
    },
  ];
};

const secretNamespaces: Check = (m, path) => {
  const refs: [PathSegment[], string | undefined][] = [
    [[...path, 'auth', 'secretRef', 'namespace'], m.auth?.secretRef?.namespace],
    [[...path, 'tls', 'secretRef', 'namespace'], m.tls.secretRef?.namespace],
    [[...path, 'headersFrom', 'secretRef', 'namespace'], m.headersFrom?.secretRef.namespace],
  ];
  return refs
    .filter(([, ns]) => ns !== undefined && ns !== SECRET_NAMESPACE)
    .map(([p, ns]) => ({
      severity: 'error' as const,
      code: 'spec.secret-ref.namespace',
      path: p,
      message: `Secret namespace ${JSON.stringify(ns)}: mirrorctl reads Secrets only in the ${SECRET_NAMESPACE} namespace`,
      hint: `create the Secret in ${SECRET_NAMESPACE} (kubectl -n ${SECRET_NAMESPACE} create secret …) and drop namespace`,
    }));
};

const tlsSecretOrFiles: Check = (m, path) => {
  const files = (['caFile', 'certFile', 'keyFile'] as const).filter((f) => m.tls[f] !== undefined);
  if (m.tls.secretRef === undefined || files.length === 0) return [];
  return [
    {
      severity: 'error',
      code: 'spec.tls.secret-and-files',
      path: [...path, 'tls', 'secretRef'],
      message: `tls.secretRef and tls.${files.join('/')} both name TLS material; give one`,
      hint: 'files for node-level verbs (apply -f), secretRef for a MirrorSet stored in the cluster',
    },
  ];
};

const authorizationTwice: Check = (m, path) => {
  if (!m.auth) return [];
  const name = Object.keys(m.headers).find((h) => h.toLowerCase() === 'authorization');
  if (name === undefined) return [];
  return [
    {
      severity: 'error',
      code: 'spec.auth.header-conflict',
      path: [...path, 'headers', name],
      message: 'an Authorization header and auth both set the credentials sent to this mirror',
      hint: 'keep auth (a reference to the credentials) and remove the Authorization header',
    },
  ];
};

const authOverHttp: Check = (m, path) =>
  m.auth && /^http:/i.test(m.url)
    ? [
        {
          severity: 'warning',
          code: 'spec.auth.plain-http',
          path: [...path, 'auth'],
          message: 'credentials for an http:// mirror are sent in plain text (Basic auth is only base64)',
          hint: 'serve the mirror over https://, or accept that anyone on the path can read the password',
        },
      ]
    : [];

export const SECRET_RULES = [
  { name: 'auth-source', check: (input: MirrorSetInput) => eachMirror(input, authSource) },
  { name: 'secret-namespace', check: (input: MirrorSetInput) => eachMirror(input, secretNamespaces) },
  { name: 'tls-secret-or-files', check: (input: MirrorSetInput) => eachMirror(input, tlsSecretOrFiles) },
  { name: 'authorization-twice', check: (input: MirrorSetInput) => eachMirror(input, authorizationTwice) },
  { name: 'auth-over-http', check: (input: MirrorSetInput) => eachMirror(input, authOverHttp) },
];
