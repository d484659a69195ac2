// Talos before 1.12 keeps mirrors in the v1alpha1 machine config: `machine.registries.mirrors.<host>`
// (endpoints, overridePath, skipFallback) and `machine.registries.config.<endpoint host>.tls` (ca,
// clientIdentity {crt, key}, insecureSkipVerify), field names as in siderolabs/talos
// pkg/machinery/config/types/v1alpha1/v1alpha1_types.go (RegistryMirrorConfig, RegistryTLSConfig).
// Which shape a node takes follows its Talos version (talosPatchShape); TalosMirror/TalosTls are the
// model both shapes are written from.

import { talosVersionOf } from '../detect/kubectl.js';
import type { Diagnostic } from '../diagnostics.js';
import { atLeast, parseVersion, type Version } from '../util/version.js';
import type { PlainAuth } from './foreign-auth.js';

/** Talos 1.12 added the RegistryMirrorConfig / RegistryTLSConfig documents (pkg/machinery/config/types/cri). */
export const TALOS_DOCUMENTS_SINCE = [1, 12] as const;
/** `skipFallback` in machine.registries.mirrors: not in the 1.9 reference, present from 1.10. */
const SKIP_FALLBACK_SINCE = [1, 10] as const;

export type TalosPatchShape = 'documents' | 'machine-config';

/**
 * `1.11`, `v1.11.2`, or a node's osImage as kubelet reports it (`Talos (v1.11.2)`, the OS-IMAGE column
 * of `kubectl get nodes -o wide`): the version, or undefined when the text holds none.
 */
export function parseTalosVersion(text: string): Version | undefined {
  return parseVersion(talosVersionOf(text) ?? text.trim());
}

/** Without a version the documents of current Talos; the header of the output says how to choose. */
export const talosPatchShape = (version: Version | undefined): TalosPatchShape =>
  version === undefined || atLeast(version, ...TALOS_DOCUMENTS_SINCE) ? 'documents' : 'machine-config';

/** One registry host as Talos mirrors it, whatever the shape it is written in. */
export interface TalosMirror {
  /** `machine.registries.mirrors` key / RegistryMirrorConfig name: the registry host or `*`. */
  name: string;
  /** spec.registries index, for diagnostics. */
  index: number;
  endpoints: { url: string; overridePath: boolean; apiRoot: string; origin: string }[];
  skipFallback: boolean;
}

/** PEM text as read from the spec's files; the machine config wants it base64-encoded. */
export interface TalosTls {
  ca?: string;
  clientIdentity?: { crt: string; key: string };
  insecureSkipVerify?: boolean;
}

export interface MachineConfigPatch {
  machine: {
    registries: {
      mirrors: Record<string, { endpoints: string[]; overridePath?: true; skipFallback?: true }>;
      config?: Record<
        string,
        {
          tls?: { ca?: string; clientIdentity?: { crt: string; key: string }; insecureSkipVerify?: true };
          /** v1alpha1 RegistryAuthConfig: username, password, auth, identityToken. */
          auth?: PlainAuth;
        }
      >;
    };
  };
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/**
 * The machine config patch. `overridePath` is one flag per registry here (per endpoint only in the
 * 1.12 documents), so when any endpoint needs it, every endpoint of that registry is written as its
 * full API root with overridePath: what containerd requests stays the same.
 */
export function machineConfigPatch(
  mirrors: readonly TalosMirror[],
  tls: ReadonlyMap<string, TalosTls>,
  version: Version,
  auth: ReadonlyMap<string, PlainAuth> = new Map(),
): { patch: MachineConfigPatch; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const out: MachineConfigPatch['machine']['registries']['mirrors'] = {};
  for (const m of mirrors) {
    const override = m.endpoints.some((e) => e.overridePath);
    const entry: (typeof out)[string] = {
      endpoints: m.endpoints.map((e) => (override ? `${e.origin}${e.apiRoot}` : e.url)),
    };
    if (override) entry.overridePath = true;
    if (m.skipFallback) {
      if (atLeast(version, ...SKIP_FALLBACK_SINCE)) entry.skipFallback = true;
      else {
        diagnostics.push({
          severity: 'error',
          code: 'render.talos.skip-fallback',
          field: `spec.registries[${m.index}].fallback`,
          target: 'talos',
          message: `Talos ${version.major}.${version.minor} has no skipFallback in machine.registries (added in 1.10): ${m.name} always falls back to the registry`,
          hint: 'allow fallback for this target, or upgrade Talos to 1.10+',
        });
        continue;
      }
    }
    out[m.name] = entry;
  }
  const config: NonNullable<MachineConfigPatch['machine']['registries']['config']> = {};
  for (const [host, t] of tls) {
    config[host] = {
      tls: {
        ...(t.ca !== undefined ? { ca: b64(t.ca) } : {}),
        ...(t.clientIdentity
          ? { clientIdentity: { crt: b64(t.clientIdentity.crt), key: b64(t.clientIdentity.key) } }
          : {}),
        ...(t.insecureSkipVerify ? { insecureSkipVerify: true as const } : {}),
      },
    };
  }
  for (const [host, a] of auth) config[host] = { ...config[host], auth: a };
  const registries: MachineConfigPatch['machine']['registries'] = { mirrors: out };
  if (Object.keys(config).length > 0) registries.config = config;
  return { patch: { machine: { registries } }, diagnostics };
}
