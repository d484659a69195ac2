// A mirror's credentials in hosts.toml: containerd has no auth field there (hosts.go "TODO:
// Credentials"), so they travel as a `header` Authorization on that host's table, which containerd
// sends on every request to it (core/remotes/docker/config/hosts.go parseHostConfig → header). No
// restart is needed (hosts.toml is read at each pull) and the kubelet's pull secrets do not displace
// it (configs.auth is skipped whenever the CRI request carries auth: cri image_pull.go). The file
// is then secret (0600). Why the other forms are not the default: docs/runtimes/containerd.md.
import type { Diagnostic } from '../diagnostics.js';
import { staticAuthorization } from '../registry/credentials.js';
import { mirrorCredential } from '../spec/mirror-auth.js';
import type { RegistryEntry } from '../spec/types.js';
import { useTarget } from './target-flag.js';
import type { RenderContext } from './types.js';

/** `{ Authorization: [...] }` for mirror j of `entry`, or {} (with a diagnostic saying why). */
export function authHeader(
  entry: RegistryEntry,
  j: number,
  ctx: RenderContext,
  diagnostics: Diagnostic[],
): Record<string, string[]> {
  const m = entry.mirrors[j];
  if (!m?.auth) return {};
  const field = `spec.registries[${entry.index}].mirrors[${j}].auth`;
  const c = mirrorCredential(m, ctx.assets);
  if (!c.ok) {
    // Unresolved only where nothing is written (explain naming a Secret); load refuses the rest.
    diagnostics.push({
      severity: c.reason === 'unresolved' ? 'warning' : 'error',
      code: c.reason === 'unresolved' ? 'render.containerd.auth.asset-missing' : 'render.containerd.auth',
      field,
      target: ctx.target,
      message: c.message,
    });
    return {};
  }
  const cred = c.value?.credential;
  if (!cred) return {};
  const value = staticAuthorization(cred);
  if (value === undefined) {
    diagnostics.push({
      severity: 'error',
      code: 'render.containerd.auth-identity-token',
      field,
      target: ctx.target,
      message: `${c.value?.source} holds an identity token (OAuth2 refresh token) for ${m.host}: containerd must exchange it at the registry's token endpoint, and hosts.toml can only send a fixed header`,
      hint: `use a username/password entry for the mirror, or ${useTarget('containerd-legacy', 'configs.auth')}, or a kubelet credential provider keyed by the mirror host`,
    });
    return {};
  }
  return { Authorization: [value] };
}
