// Talos ≥ 1.12: the registry mirror config documents of siderolabs/talos
// pkg/machinery/config/types/cri (registry_mirror.go, registry_tls.go): one RegistryMirrorConfig per
// registry with per-endpoint overridePath, one RegistryTLSConfig per endpoint host, PEM inline, and a
// RegistryAuthConfig per endpoint host whose mirror names credentials (convert -o FILE only).
import type { PlainAuth } from './foreign-auth.js';
import type { TalosMirror, TalosTls } from './talos-machine-config.js';

export interface TalosEndpoint {
  url: string;
  overridePath?: boolean;
}

export interface TalosMirrorDoc {
  apiVersion: 'v1alpha1';
  kind: 'RegistryMirrorConfig';
  name: string;
  endpoints: TalosEndpoint[];
  skipFallback?: boolean;
}

export interface TalosTlsDoc {
  apiVersion: 'v1alpha1';
  kind: 'RegistryTLSConfig';
  name: string;
  ca?: string;
  clientIdentity?: { cert: string; key: string };
  insecureSkipVerify?: boolean;
}

/** RegistryAuthConfig (pkg/machinery/config/types/cri/registry_auth.go): one per endpoint host. */
export interface TalosAuthDoc {
  apiVersion: 'v1alpha1';
  kind: 'RegistryAuthConfig';
  name: string;
  username?: string;
  password?: string;
  identityToken?: string;
}

export type TalosDoc = TalosMirrorDoc | TalosTlsDoc | TalosAuthDoc;

/** Talos ≥ 1.12: one RegistryMirrorConfig per registry, one RegistryTLSConfig per endpoint host (PEM inline). */
export function talosDocuments(
  mirrors: readonly TalosMirror[],
  tls: ReadonlyMap<string, TalosTls>,
  auth: ReadonlyMap<string, PlainAuth> = new Map(),
): TalosDoc[] {
  const docs: TalosDoc[] = mirrors.map((m) => ({
    apiVersion: 'v1alpha1',
    kind: 'RegistryMirrorConfig',
    name: m.name,
    endpoints: m.endpoints.map((e) => ({ url: e.url, ...(e.overridePath ? { overridePath: true } : {}) })),
    ...(m.skipFallback ? { skipFallback: true } : {}),
  }));
  for (const [host, t] of tls)
    docs.push({
      apiVersion: 'v1alpha1',
      kind: 'RegistryTLSConfig',
      name: host,
      ...(t.ca !== undefined ? { ca: t.ca } : {}),
      // meta.CertificateAndKey: `cert` and `key` (pkg/machinery/config/types/cri/registry_tls.go).
      ...(t.clientIdentity
        ? { clientIdentity: { cert: t.clientIdentity.crt, key: t.clientIdentity.key } }
        : {}),
      ...(t.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    });
  for (const [host, a] of auth)
    docs.push({ apiVersion: 'v1alpha1', kind: 'RegistryAuthConfig', name: host, ...a });
  return docs;
}
