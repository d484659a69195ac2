// The secret material a validated spec names, read into SpecAssets: each `auth.file` (node mode,
// relative to the spec), and each Secret (`auth.secretRef`, `tls.secretRef`, `headersFrom`) through
// a SecretResolver (cluster mode). Every problem is a Diagnostic naming the file, the field and the
// fix: an auth file that does not parse or has no entry for the mirror host, a Secret that is missing
// or lacks its key, header names a Secret cannot hold. Node-level verbs have no resolver and refuse.
import type { Diagnostic } from '../diagnostics.js';
import { formatFieldPath, type PathSegment } from './field-path.js';
import { checkPem } from './load-pem.js';
import { mirrorCredential } from './mirror-auth.js';
import {
  DOCKERCONFIG_KEY,
  type SecretData,
  type SecretResolver,
  secretAssetKey,
  secretLabel,
  secretRefsOf,
  TLS_SECRET_KEYS,
} from './secret-refs.js';
import type { MirrorSet, SecretRef, SpecAssets } from './types.js';
import { checkHeaderName, checkHeaderValue } from './value-syntax.js';

export interface SecretLoadOptions {
  /** Resolves Secrets (cluster mode). Without one, a spec naming a Secret is refused. */
  resolveSecret?: SecretResolver;
  /** 'warning' for verbs that only describe (explain): a Secret is then named, not read. */
  unresolvedSecrets?: 'error' | 'warning';
}

export interface SecretLoadInput {
  spec: MirrorSet;
  /** The spec file, for diagnostics. */
  file: string;
  /** Reads a file named by the spec (already resolved against the spec's directory by the caller). */
  readAuthFile: (path: string) => Promise<{ ok: true; text: string | null } | { ok: false; error: string }>;
  /** The path an auth file was looked for at, for "not found" messages. */
  resolvedPath: (path: string) => string;
  locate: (path: PathSegment[]) => { line?: number; column?: number };
}

function diag(
  input: SecretLoadInput,
  path: PathSegment[],
  code: string,
  message: string,
  hint?: string,
  severity: Diagnostic['severity'] = 'error',
): Diagnostic {
  return {
    severity,
    code,
    message,
    file: input.file,
    field: formatFieldPath(path),
    ...input.locate(path),
    ...(hint ? { hint } : {}),
  };
}

async function readSecret(
  resolve: SecretResolver,
  ref: SecretRef,
): Promise<{ ok: true; data?: SecretData } | { ok: false; error: string }> {
  try {
    const data = await resolve(ref);
    return data === undefined ? { ok: true } : { ok: true, data };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export async function loadSecretAssets(
  input: SecretLoadInput,
  opts: SecretLoadOptions,
): Promise<{ assets: SpecAssets; diagnostics: Diagnostic[] }> {
  const assets: SpecAssets = {};
  const diagnostics: Diagnostic[] = [];
  const { spec } = input;

  // Auth files (node mode): read once each, then checked per mirror below.
  for (const e of spec.registries)
    for (const [j, m] of e.mirrors.entries()) {
      if (!m.auth || !('file' in m.auth) || m.auth.file in assets) continue;
      const field: PathSegment[] = ['spec', 'registries', e.index, 'mirrors', j, 'auth', 'file'];
      const p = m.auth.file;
      const r = await input.readAuthFile(p);
      if (!r.ok)
        diagnostics.push(
          diag(
            input,
            field,
            'spec.auth.file-unreadable',
            `auth file ${JSON.stringify(p)} cannot be read: ${r.error}`,
          ),
        );
      else if (r.text === null)
        diagnostics.push(
          diag(
            input,
            field,
            'spec.auth.file-missing',
            `auth file ${JSON.stringify(p)} not found (looked at ${input.resolvedPath(p)})`,
            'paths are relative to the spec file; create it with `docker login --config DIR` / `podman login --authfile FILE`, or write {"auths": {"<mirror host>": {"auth": "<base64 user:password>"}}}',
          ),
        );
      else assets[p] = r.text;
    }

  // Secrets (cluster mode), each read once; `found` holds the ones that exist.
  const found = new Set<string>();
  for (const { ref, path: field } of secretRefsOf(spec)) {
    if (!opts.resolveSecret) {
      const warn = opts.unresolvedSecrets === 'warning';
      diagnostics.push(
        diag(
          input,
          field,
          'spec.secret-ref.unresolved',
          `${field.slice(-2).join('.')} names ${secretLabel(ref)}, which ${warn ? 'is not read here: its values are not shown' : 'node-level verbs cannot read'}`,
          warn
            ? undefined
            : 'apply this MirrorSet in the cluster (kubectl apply; the controller reads the Secret), or use the file forms (auth.file, tls.caFile/certFile/keyFile, headers) for node-level verbs',
          warn ? 'warning' : 'error',
        ),
      );
      continue;
    }
    const got = await readSecret(opts.resolveSecret, ref);
    if (!got.ok) {
      diagnostics.push(
        diag(input, field, 'spec.secret-ref.unreadable', `${secretLabel(ref)} cannot be read: ${got.error}`),
      );
      continue;
    }
    if (!got.data) {
      diagnostics.push(
        diag(
          input,
          field,
          'spec.secret-ref.missing',
          `${secretLabel(ref)} does not exist`,
          `create it: kubectl -n ${ref.namespace} create secret …`,
        ),
      );
      continue;
    }
    found.add(secretLabel(ref));
    for (const [k, v] of Object.entries(got.data)) assets[secretAssetKey(ref, k)] = v;
  }

  // Per mirror: what each reference must hold.
  for (const e of spec.registries)
    for (const [j, m] of e.mirrors.entries()) {
      const at: PathSegment[] = ['spec', 'registries', e.index, 'mirrors', j];
      if (m.auth) {
        const field = [...at, 'auth', 'file' in m.auth ? 'file' : 'secretRef'];
        const c = mirrorCredential(m, assets);
        if (!c.ok && c.reason !== 'unresolved') {
          const key = 'secretRef' in m.auth ? m.auth.secretRef.key : undefined;
          diagnostics.push(
            diag(
              input,
              field,
              c.reason === 'missing' ? 'spec.auth.no-entry' : 'spec.auth.invalid',
              c.message,
              c.reason === 'missing'
                ? `add an entry keyed by the mirror host ${m.host} (not the source registry): {"auths": {"${m.host}": {"auth": "<base64 user:password>"}}}`
                : `the ${key === DOCKERCONFIG_KEY || key === undefined ? 'file' : `key ${key}`} must be a docker config.json: {"auths": {"<host>": {"auth": "<base64 user:password>"}}}`,
            ),
          );
        } else if (!c.ok && 'secretRef' in m.auth && found.has(secretLabel(m.auth.secretRef))) {
          const ref = m.auth.secretRef;
          diagnostics.push(
            diag(
              input,
              field,
              'spec.secret-ref.key-missing',
              `${secretLabel(ref)} has no key ${ref.key}`,
              'a kubernetes.io/dockerconfigjson Secret holds .dockerconfigjson (kubectl create secret docker-registry)',
            ),
          );
        }
      }
      const tlsRef = m.tls.secretRef;
      if (tlsRef && found.has(secretLabel(tlsRef)))
        diagnostics.push(...tlsSecretFindings(input, [...at, 'tls', 'secretRef'], tlsRef, assets));
      const hdrRef = m.headersFrom?.secretRef;
      if (hdrRef && found.has(secretLabel(hdrRef)))
        diagnostics.push(
          ...headerSecretFindings(
            input,
            [...at, 'headersFrom', 'secretRef'],
            hdrRef,
            Object.keys(m.headers),
            assets,
          ),
        );
    }
  return { assets, diagnostics };
}

function tlsSecretFindings(
  input: SecretLoadInput,
  field: PathSegment[],
  ref: SecretRef,
  assets: SpecAssets,
): Diagnostic[] {
  const get = (k: string): string | undefined => assets[secretAssetKey(ref, k)];
  const out: Diagnostic[] = [];
  const ca = get(TLS_SECRET_KEYS.ca);
  const cert = get(TLS_SECRET_KEYS.cert);
  const key = get(TLS_SECRET_KEYS.key);
  if (ca === undefined && cert === undefined && key === undefined)
    out.push(
      diag(
        input,
        field,
        'spec.tls.secret-empty',
        `${secretLabel(ref)} has none of ca.crt, tls.crt, tls.key`,
        'kubectl create secret tls NAME --cert=… --key=… (add ca.crt for a private CA)',
      ),
    );
  if ((cert === undefined) !== (key === undefined))
    out.push(
      diag(
        input,
        field,
        'spec.tls.cert-key-pair',
        `${secretLabel(ref)} has ${cert === undefined ? 'tls.key without tls.crt' : 'tls.crt without tls.key'}`,
        'a client certificate needs both keys',
      ),
    );
  const checks: [string | undefined, 'caFile' | 'certFile' | 'keyFile', string][] = [
    [ca, 'caFile', TLS_SECRET_KEYS.ca],
    [cert, 'certFile', TLS_SECRET_KEYS.cert],
    [key, 'keyFile', TLS_SECRET_KEYS.key],
  ];
  for (const [text, kind, name] of checks) {
    if (text === undefined) continue;
    const problem = checkPem(kind, text);
    if (problem)
      out.push(diag(input, field, 'spec.tls.file-invalid', `${secretLabel(ref)} key ${name} ${problem}`));
  }
  return out;
}

function headerSecretFindings(
  input: SecretLoadInput,
  field: PathSegment[],
  ref: SecretRef,
  inline: string[],
  assets: SpecAssets,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const prefix = secretAssetKey(ref, '');
  const names = Object.keys(assets)
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length));
  if (names.length === 0)
    out.push(
      diag(
        input,
        field,
        'spec.header.secret-empty',
        `${secretLabel(ref)} has no keys`,
        'each key is a header name and its value the header value',
      ),
    );
  for (const name of names) {
    const problems = [...checkHeaderName(name), ...checkHeaderValue(assets[`${prefix}${name}`] ?? '')];
    for (const p of problems)
      out.push(diag(input, field, p.code, `${secretLabel(ref)} key ${name}: ${p.message}`, p.hint));
    if (inline.some((h) => h.toLowerCase() === name.toLowerCase()))
      out.push(
        diag(
          input,
          field,
          'spec.header.duplicate',
          `header ${name} is set inline and in ${secretLabel(ref)}`,
          'keep one of them',
        ),
      );
  }
  return out;
}
