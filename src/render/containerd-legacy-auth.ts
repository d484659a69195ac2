// containerd-legacy credentials: `configs."<endpoint host>".auth` {username, password | identitytoken}
// in config.toml (runtime-semantics.md §1.2). containerd keys it by the host it contacts (the mirror),
// reads it at start (a change needs a restart), and skips it whenever the CRI request carries auth
// (a pod's pull secret): pkg/cri/server/image_pull.go registryHosts, `auth == nil && config.Auth`.
import type { Diagnostic } from '../diagnostics.js';
import { mirrorCredential } from '../spec/mirror-auth.js';
import type { RegistryEntry } from '../spec/types.js';
import type { TomlOp } from '../toml/ops.js';
import { useTarget } from './target-flag.js';
import type { RenderContext } from './types.js';

export function legacyAuthOps(
  e: RegistryEntry,
  j: number,
  ctx: RenderContext,
  registryKeys: string[],
  byHost: Map<string, string>,
  ops: TomlOp[],
  d: Diagnostic[],
): void {
  const m = e.mirrors[j];
  if (!m?.auth) return;
  const field = `spec.registries[${e.index}].mirrors[${j}].auth`;
  const fail = (code: string, message: string, hint?: string, severity: Diagnostic['severity'] = 'error') =>
    d.push({
      severity,
      code,
      field,
      target: 'containerd-legacy',
      message,
      ...(hint ? { hint } : {}),
    });
  const c = mirrorCredential(m, ctx.assets);
  if (!c.ok) {
    if (c.reason === 'unresolved')
      fail('render.containerd-legacy.auth.asset-missing', c.message, undefined, 'warning');
    else fail('render.containerd-legacy.auth', c.message);
    return;
  }
  const cred = c.value?.credential;
  if (!cred) return;
  // containerd's AuthConfig: username/password, auth, identitytoken; no registry (bearer) token.
  let value: Record<string, string>;
  if (cred.kind === 'basic') value = { username: cred.username, password: cred.password };
  else if (cred.kind === 'identity-token')
    value = { ...(cred.username ? { username: cred.username } : {}), identitytoken: cred.token };
  else {
    fail(
      'render.containerd-legacy.auth-registry-token',
      `${c.value?.source} holds a registry token for ${m.host}; containerd's configs.auth has no field for one`,
      `use a username/password entry, or ${useTarget('containerd', 'sent as an Authorization: Bearer header')}`,
    );
    return;
  }
  const key = JSON.stringify(value);
  const prev = byHost.get(m.host);
  if (prev !== undefined) {
    if (prev !== key)
      fail(
        'render.containerd-legacy.auth-conflict',
        `two mirrors on ${m.host} name different credentials, but configs.auth is keyed by host`,
        'use one auth entry for that host',
      );
    return;
  }
  byHost.set(m.host, key);
  const base = [...registryKeys, 'configs', m.host, 'auth'];
  // The table holds exactly this credential: a stale password beside a new identity token would win.
  for (const k of ['username', 'password', 'auth', 'identitytoken'])
    if (!(k in value)) ops.push({ op: 'delete', keys: [...base, k] });
  for (const [k, v] of Object.entries(value)) ops.push({ op: 'set', keys: [...base, k], value: v });
}
