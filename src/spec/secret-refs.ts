// Secret material a spec names by reference, and how it is resolved: files (node mode, relative to
// the spec like TLS files) or Kubernetes Secrets in the mirrorctl namespace (cluster mode: the agent
// implements SecretResolver from the API). Resolved values live in SpecAssets under one key per
// Secret key, so renderers, explain and the checks read every secret the same way. Pure.
import type { PathSegment } from './field-path.js';
import { SECRET_NAMESPACE } from './schema.js';
import type { Mirror, MirrorAuth, MirrorSet, SecretRef, SpecAssets } from './types.js';

/** A Secret's decoded data (key → text). */
export type SecretData = Readonly<Record<string, string>>;

/**
 * Reads a Secret: its decoded data, or undefined when it does not exist. Cluster mode implements it
 * from the API (Secrets in the mirrorctl namespace only); node-level verbs have none and refuse a
 * spec naming a Secret. A thrown error is reported as the Secret being unreadable.
 */
export type SecretResolver = (ref: SecretRef) => Promise<SecretData | undefined>;

/** The keys of a `kubernetes.io/tls` Secret, and the CA key cert-manager and others add to it. */
export const TLS_SECRET_KEYS = { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key' } as const;
/** The key of a `kubernetes.io/dockerconfigjson` Secret. */
export const DOCKERCONFIG_KEY = '.dockerconfigjson';

const SECRET_PREFIX = 'secret:';

/** Where one Secret key's value is kept in SpecAssets. */
export const secretAssetKey = (ref: SecretRef, key: string): string =>
  `${SECRET_PREFIX}${ref.namespace}/${ref.name}#${key}`;

export const isSecretAssetKey = (key: string): boolean => key.startsWith(SECRET_PREFIX);

/** `Secret mirrorctl/pull-secret` */
export const secretLabel = (ref: SecretRef): string => `Secret ${ref.namespace}/${ref.name}`;

/** Where a mirror's credentials are read from: the assets key, and how messages name it. */
export function authSourceOf(auth: MirrorAuth): { assetKey: string; label: string } {
  if ('file' in auth) return { assetKey: auth.file, label: auth.file };
  const ref = auth.secretRef;
  return { assetKey: secretAssetKey(ref, ref.key), label: `${secretLabel(ref)} key ${ref.key}` };
}

/** Every Secret a spec names, once each, with the field that names it first. */
export function secretRefsOf(set: MirrorSet): { ref: SecretRef; path: PathSegment[] }[] {
  const out = new Map<string, { ref: SecretRef; path: PathSegment[] }>();
  const add = (ref: SecretRef | undefined, path: PathSegment[]): void => {
    if (!ref) return;
    const id = `${ref.namespace}/${ref.name}`;
    if (!out.has(id)) out.set(id, { ref: { name: ref.name, namespace: ref.namespace }, path });
  };
  for (const e of set.registries)
    e.mirrors.forEach((m, j) => {
      const at: PathSegment[] = ['spec', 'registries', e.index, 'mirrors', j];
      add(m.auth && 'secretRef' in m.auth ? m.auth.secretRef : undefined, [...at, 'auth', 'secretRef']);
      add(m.tls.secretRef, [...at, 'tls', 'secretRef']);
      add(m.headersFrom?.secretRef, [...at, 'headersFrom', 'secretRef']);
    });
  return [...out.values()];
}

/** The resolved keys of one Secret in `assets` (key → value). */
export function secretKeysIn(assets: SpecAssets, ref: SecretRef): Record<string, string> {
  const prefix = secretAssetKey(ref, '');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(assets)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

function materializeMirror(m: Mirror, assets: SpecAssets): Mirror {
  let out = m;
  const tlsRef = m.tls.secretRef;
  if (tlsRef) {
    const have = secretKeysIn(assets, tlsRef);
    const tls = { ...m.tls };
    if (have[TLS_SECRET_KEYS.ca] !== undefined) tls.caFile = secretAssetKey(tlsRef, TLS_SECRET_KEYS.ca);
    if (have[TLS_SECRET_KEYS.cert] !== undefined && have[TLS_SECRET_KEYS.key] !== undefined) {
      tls.certFile = secretAssetKey(tlsRef, TLS_SECRET_KEYS.cert);
      tls.keyFile = secretAssetKey(tlsRef, TLS_SECRET_KEYS.key);
    }
    out = { ...out, tls };
  }
  const hdrRef = m.headersFrom?.secretRef;
  if (hdrRef) {
    const headers = { ...m.headers };
    for (const [name, value] of Object.entries(secretKeysIn(assets, hdrRef))) headers[name] = [value];
    out = { ...out, headers };
  }
  return out;
}

/**
 * The spec as renderers consume it once its Secrets are resolved: `tls.secretRef` becomes the three
 * *File fields pointing at the Secret's keys in `assets`, `headersFrom` joins `headers`. The spec as
 * written (references only) is what is hashed and stored; this is only what the files are made of.
 */
export function materializeSecretRefs(set: MirrorSet, assets: SpecAssets): MirrorSet {
  const named = set.registries.some((e) =>
    e.mirrors.some((m) => m.tls.secretRef !== undefined || m.headersFrom !== undefined),
  );
  if (!named) return set;
  return {
    ...set,
    registries: set.registries.map((e) => ({
      ...e,
      mirrors: e.mirrors.map((m) => materializeMirror(m, assets)),
    })),
  };
}

export { SECRET_NAMESPACE };
