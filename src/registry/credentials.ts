// Registry credentials from a docker `config.json` / containers `auth.json` (`--auth-file`, a
// mirror's `auth`): `auths.<key>.auth` (base64 user:pass), `username`/`password`, `identitytoken`
// (OAuth2 refresh token), `registrytoken` (bearer token used as is). Keys may be `host[:port]`, a
// URL (`https://index.docker.io/v1/`) or, as podman writes them, `host/namespace`. The one lookup for
// every use (render, explain, preflight, verify) follows containers/image pkg/docker/config
// findAuthentication: an exact key first, then keys normalized from the legacy URL forms.
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';

export type Credential =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'identity-token'; username: string; token: string }
  | { kind: 'registry-token'; token: string };

/** Normalised key (`host[:port]` or `host[:port]/path`) → credential. */
export type CredentialStore = ReadonlyMap<string, Credential>;

const buildFileSchema = () => {
  const entrySchema = z.object({
    auth: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    identitytoken: z.string().optional(),
    registrytoken: z.string().optional(),
  });
  return z.object({ auths: z.record(z.string(), entrySchema).optional() });
};
let fileSchemaMemo: ReturnType<typeof buildFileSchema> | undefined;
/** Built on first parse, not at module load: `plan`/`apply` import this module but rarely read an auth file. */
const fileSchema = (): ReturnType<typeof buildFileSchema> => {
  fileSchemaMemo ??= buildFileSchema();
  return fileSchemaMemo;
};

const DOCKER_HUB_KEYS = new Set(['index.docker.io', 'docker.io', 'registry-1.docker.io']);

export function parseAuthFile(
  text: string,
  file: string,
): { store: CredentialStore; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const store = new Map<string, Credential>();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    diagnostics.push({ severity: 'error', code: 'auth.parse', file, message: `not valid JSON: ${message}` });
    return { store, diagnostics };
  }
  const parsed = fileSchema().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    diagnostics.push({
      severity: 'error',
      code: 'auth.schema',
      file,
      field: issue ? ['auths', ...issue.path.slice(1).map(String)].join('.') : 'auths',
      message: issue?.message ?? 'unexpected structure',
      hint: 'expected { "auths": { "<host>": { "auth": "<base64 user:password>" } } }',
    });
    return { store, diagnostics };
  }
  const exact = new Set<string>();
  for (const [key, entry] of Object.entries(parsed.data.auths ?? {})) {
    const field = `auths.${key}`;
    let username = entry.username ?? '';
    let password = entry.password ?? '';
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const sep = decoded.indexOf(':');
      if (sep < 0) {
        diagnostics.push({
          severity: 'error',
          code: 'auth.entry',
          file,
          field: `${field}.auth`,
          message: 'auth is not base64 of "username:password"',
          hint: 'regenerate it with `printf %s user:password | base64`',
        });
        continue;
      }
      username = decoded.slice(0, sep);
      password = decoded.slice(sep + 1);
    }
    const normalized = normalizeKey(key);
    // An exact `host[:port]` key wins over `https://host/v1/`-style keys that normalize to it.
    const isExact = normalized === key;
    if (exact.has(normalized) && !isExact) continue;
    const cred: Credential | undefined = entry.identitytoken
      ? { kind: 'identity-token', username, token: entry.identitytoken }
      : entry.registrytoken
        ? { kind: 'registry-token', token: entry.registrytoken }
        : username !== '' || password !== ''
          ? { kind: 'basic', username, password }
          : undefined;
    if (!cred) continue;
    store.set(normalized, cred);
    if (isExact) exact.add(normalized);
  }
  return { store, diagnostics };
}

/** `https://index.docker.io/v1/` → `docker.io`; `http://h:5000/` → `h:5000`; `quay.io/org` kept. */
export function normalizeKey(key: string): string {
  let k = key.trim().replace(/^[a-z]+:\/\//i, '');
  k = k.replace(/\/+$/, '').replace(/\/v[12]$/, '');
  const slash = k.indexOf('/');
  const host = (slash < 0 ? k : k.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : k.slice(slash);
  return `${DOCKER_HUB_KEYS.has(host) ? 'docker.io' : host}${path}`;
}

/**
 * Credential for a request to `host` (the host actually contacted, e.g. the mirror) for
 * `repository`: the longest `host/namespace` key that prefixes it wins, then the bare host.
 */
export function findCredential(
  store: CredentialStore,
  host: string,
  repository = '',
): Credential | undefined {
  const h = normalizeKey(host);
  const parts = repository.split('/').filter((p) => p !== '');
  for (let n = parts.length; n > 0; n--) {
    const hit = store.get(`${h}/${parts.slice(0, n).join('/')}`);
    if (hit) return hit;
  }
  return store.get(h);
}

/** How output names a credential: never its secret (`user alice`, `identity token of alice`). */
export function describeCredential(c: Credential): string {
  switch (c.kind) {
    case 'basic':
      return `user ${c.username}`;
    case 'identity-token':
      return c.username ? `identity token of ${c.username}` : 'identity token';
    case 'registry-token':
      return 'registry token';
  }
}

/** The Authorization header that carries `c` on every request, where one can (an OAuth2 refresh
 *  token must first be exchanged at the registry's token endpoint: undefined). */
export function staticAuthorization(c: Credential): string | undefined {
  switch (c.kind) {
    case 'basic':
      return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
    case 'registry-token':
      return `Bearer ${c.token}`;
    case 'identity-token':
      return undefined;
  }
}

/** Every form a secret of `c` could be printed in: raw, and base64 of user:password (for leak tests
 *  and for masking free text). */
export function secretForms(c: Credential): string[] {
  switch (c.kind) {
    case 'basic':
      return [c.password, Buffer.from(`${c.username}:${c.password}`).toString('base64')].filter(
        (s) => s !== '',
      );
    case 'identity-token':
    case 'registry-token':
      return [c.token];
  }
}
