// Talos ≥ 1.12: the registry mirror config documents of siderolabs/talos
// pkg/machinery/config/types/cri (registry_mirror.go, registry_tls.go): one RegistryMirrorConfig per
// registry with per-endpoint overridePath, one RegistryTLSConfig per endpoint host, PEM inline.
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

export type TalosDoc = TalosMirrorDoc | TalosTlsDoc;

/** Talos ≥ 1.12: one RegistryMirrorConfig per registry, one RegistryTLSConfig per endpoint host (PEM inline). */
export function talosDocuments(
  mirrors: readonly TalosMirror[],
  tls: ReadonlyMap<string, TalosTls>,
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
  return docs;
}
