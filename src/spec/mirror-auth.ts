// The credential a mirror's `auth` names, read from the resolved assets with the one lookup of
// registry/credentials.ts: the entry for the mirror's host[:port] (a `host/namespace` key covering the
// mirror URL's path first, as containers/image matches keys). Renderers, explain and the checks all
// call this, so what is written, what is shown and what is probed are the same credential.
import {
  type Credential,
  describeCredential,
  findCredential,
  parseAuthFile,
} from '../registry/credentials.js';
import { authSourceOf } from './secret-refs.js';
import type { Mirror, SpecAssets } from './types.js';

export interface MirrorCredential {
  credential: Credential;
  /** The file or Secret it came from, as messages name it (`auth.json`, `Secret mirrorctl/x key …`). */
  source: string;
  /** `user alice (auth.json)`: what output may show, never the secret. */
  shown: string;
}

export type MirrorCredentialResult =
  | { ok: true; value?: MirrorCredential }
  /** `unresolved`: the file/Secret was not loaded (explain without a resolver); `missing`: it was,
   *  and holds no entry for the host; `invalid`: it does not parse. */
  | { ok: false; reason: 'unresolved' | 'missing' | 'invalid'; source: string; message: string };

/** The repository path of the mirror URL (`/dpod` → `dpod`), for `host/namespace` keys. */
const pathOf = (m: Mirror): string => m.path.replace(/^\/+/, '');

export function mirrorCredential(m: Mirror, assets: SpecAssets): MirrorCredentialResult {
  if (!m.auth) return { ok: true };
  const { assetKey, label } = authSourceOf(m.auth);
  const text = assets[assetKey];
  if (text === undefined)
    return { ok: false, reason: 'unresolved', source: label, message: `${label} was not read` };
  const parsed = parseAuthFile(text, label);
  const bad = parsed.diagnostics.find((d) => d.severity === 'error');
  if (bad)
    return {
      ok: false,
      reason: 'invalid',
      source: label,
      message: `${label}: ${bad.field ? `${bad.field}: ` : ''}${bad.message}`,
    };
  const credential = findCredential(parsed.store, m.host, pathOf(m));
  if (!credential)
    return {
      ok: false,
      reason: 'missing',
      source: label,
      message: `${label} has no credentials for ${m.host} (auths."${m.host}")`,
    };
  return {
    ok: true,
    value: { credential, source: label, shown: `${describeCredential(credential)} (${label})` },
  };
}
