// Mirror credentials in the distributions' own auth fields — k3s/RKE2 `configs.<host>.auth`
// {username, password, auth, identity_token}, Talos `RegistryAuthConfig` / `machine.registries.config.
// <host>.auth` {username, password, auth, identityToken}, Bottlerocket `settings.container-registry.
// credentials` [{registry, username, password, auth, identitytoken}] — all keyed by the mirror host
// (what containerd contacts). The value comes from the one lookup (spec/mirror-auth.ts). A converted
// file is written with them only to a file (-o, created 0600), never to stdout.
import type { Diagnostic } from '../diagnostics.js';
import { mirrorCredential } from '../spec/mirror-auth.js';
import type { Mirror, MirrorSet, SpecAssets } from '../spec/types.js';

/** The fields every one of these formats has (spelled per format by the writers). */
export interface PlainAuth {
  username?: string;
  password?: string;
  identityToken?: string;
}

/** A mirror's credential as PlainAuth, or why it cannot be written for `target`. */
export function mirrorPlainAuth(
  m: Mirror,
  assets: SpecAssets,
  field: string,
  target: string,
): { auth?: PlainAuth; diagnostics: Diagnostic[] } {
  if (!m.auth) return { diagnostics: [] };
  const c = mirrorCredential(m, assets);
  if (!c.ok)
    return {
      diagnostics: [
        {
          severity: c.reason === 'unresolved' ? 'warning' : 'error',
          code: `render.${target}.auth${c.reason === 'unresolved' ? '.asset-missing' : ''}`,
          field,
          target,
          message: c.message,
        },
      ],
    };
  const cred = c.value?.credential;
  if (!cred) return { diagnostics: [] };
  if (cred.kind === 'basic')
    return { auth: { username: cred.username, password: cred.password }, diagnostics: [] };
  if (cred.kind === 'identity-token')
    return {
      auth: { ...(cred.username ? { username: cred.username } : {}), identityToken: cred.token },
      diagnostics: [],
    };
  return {
    diagnostics: [
      {
        severity: 'error',
        code: `render.${target}.auth-registry-token`,
        field,
        target,
        message: `${c.value?.source} holds a registry token for ${m.host}; ${target} auth has no field for one`,
        hint: 'use a username/password (or identity token) entry for the mirror',
      },
    ],
  };
}

/** The converted file goes to stdout: credentials are left out, said once per format. */
export function credentialsLeftOut(set: MirrorSet, target: string): Diagnostic[] {
  const hosts = [
    ...new Set(set.registries.flatMap((e) => e.mirrors.filter((m) => m.auth).map((m) => m.host))),
  ];
  if (hosts.length === 0) return [];
  return [
    {
      severity: 'warning',
      code: `convert.${target}.auth-left-out`,
      message: `credentials for ${hosts.join(', ')} are not printed: the output has no ${target} auth for them`,
      hint: 'write the output to a file with -o FILE (created 0600) to include them',
    },
  ];
}
