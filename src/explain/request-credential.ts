// The credential each explained request carries, as output may show it (never the secret): the
// spec mirror's `auth` through the one lookup (spec/mirror-auth.ts), in the form each target sends it
// (containerd: an Authorization header from hosts.toml; legacy: config.toml configs.auth; CRI-O: the
// auth file entry; Docker: whatever the pulling client sends for docker.io). Sources: undefined,
// since mirrorctl configures no credentials for them (a kubelet pull secret may apply).
import { describeCredential, staticAuthorization } from '../registry/credentials.js';
import { mirrorCredential } from '../spec/mirror-auth.js';
import type { MirrorSet, SpecAssets, Target } from '../spec/types.js';
import { findMirror } from './request-mirror.js';
import type { ExplainRequest } from './types.js';

export function requestCredential(
  set: MirrorSet,
  assets: SpecAssets,
  target: Target,
  req: ExplainRequest,
): string | undefined {
  if (req.role !== 'mirror') return undefined;
  const m = findMirror(set, req.url, target);
  if (!m?.auth) return undefined;
  if (target === 'docker') return "the pulling client's docker.io credentials (mirrorctl writes none)";
  const c = mirrorCredential(m, assets);
  if (!c.ok) return c.reason === 'unresolved' ? `from ${c.source} (not read here)` : `none: ${c.message}`;
  const cred = c.value?.credential;
  if (!cred) return undefined;
  const who = `${describeCredential(cred)} (from ${c.value?.source})`;
  switch (target) {
    case 'containerd': {
      const scheme = staticAuthorization(cred)?.split(' ')[0];
      return scheme
        ? `${scheme} <redacted>: ${who}, hosts.toml header`
        : 'none: an identity token cannot be a header';
    }
    case 'containerd-legacy':
      return `${who}, config.toml configs.auth (not when the pull carries a pull secret)`;
    case 'crio':
      return `${who}, CRI-O auth file`;
  }
}
