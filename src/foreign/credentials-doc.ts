// Credentials found while reading foreign files (config.toml configs.auth, registries.yaml
// configs.auth, a hosts.toml `Authorization: Basic` header, Talos and Bottlerocket auth) never go
// into a spec inline: `import`/`convert` either write them to a separate auth.json the operator names
// (--auth-out, created 0600) and reference it from each mirror (`auth: { file }`), or leave them out
// and say so. Pure: the CLI writes the file.
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { parseMirrorUrl } from '../spec/url-syntax.js';
import type { AuthJsonEntry, Credentials, EntryDoc, MirrorDoc } from './spec-doc.js';

export type { AuthJsonEntry, Credentials };

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** The auths entry of a credential given in any of the usual spellings, or undefined if none. */
export function authEntry(
  username?: string,
  password?: string,
  auth?: string,
  identityToken?: string,
): AuthJsonEntry | undefined {
  const user = username ?? '';
  const basic =
    auth && auth !== ''
      ? auth
      : user !== '' || (password ?? '') !== ''
        ? b64(`${user}:${password ?? ''}`)
        : undefined;
  if (identityToken) return { auth: basic ?? b64(`${user}:`), identitytoken: identityToken };
  return basic === undefined ? undefined : { auth: basic };
}

/** The host[:port] a mirror URL names, as the spec normalizes it (default port dropped). */
function hostOf(url: string): string | undefined {
  const p = parseMirrorUrl(url).value;
  if (!p) return undefined;
  const defaultPort = p.scheme === 'https' ? 443 : 80;
  return p.hostPort.port === defaultPort ? p.hostPort.host : p.hostPort.hostPort;
}

const isUserPassword = (b: string): boolean =>
  /^[A-Za-z0-9+/]+={0,2}$/.test(b) && Buffer.from(b, 'base64').toString('utf8').includes(':');

/** Moves `Authorization: Basic …` headers out of the mirrors into `credentials` (first one wins). */
function takeBasicHeaders(entries: EntryDoc[], credentials: Credentials): EntryDoc[] {
  return entries.map((e) => ({
    ...e,
    mirrors: e.mirrors.map((m): MirrorDoc => {
      const name = Object.keys(m.headers ?? {}).find((h) => h.toLowerCase() === 'authorization');
      const value = name ? m.headers?.[name] : undefined;
      const basic = value?.length === 1 ? /^Basic\s+(\S+)$/i.exec(value[0] ?? '')?.[1] : undefined;
      const host = hostOf(m.url);
      // Only a real base64 user:password is a credential an auth file can hold; anything else stays a header.
      if (!name || !basic || !host || !isUserPassword(basic)) return m;
      credentials[host] ??= { auth: basic };
      const { [name]: _drop, ...rest } = m.headers ?? {};
      const { headers: _h, ...bare } = m;
      return Object.keys(rest).length > 0 ? { ...bare, headers: rest } : bare;
    }),
  }));
}

export interface CredentialRefs {
  entries: EntryDoc[];
  /** The auth.json to write (0600) at `authFile`, when credentials were found and it was named. */
  authFileText?: string;
  diagnostics: Diagnostic[];
}

/**
 * Puts found credentials behind references: with `authFile` (the path the spec will name), each
 * mirror whose host has credentials gets `auth: { file: authFile }` and the file's content is returned;
 * without it they are left out, with a warning naming the hosts and the flag.
 */
export function credentialsAsReference(
  entries: EntryDoc[],
  found: Credentials,
  authFile: string | undefined,
  /** The input the credentials were read from, for the diagnostics. */
  file?: string,
): CredentialRefs {
  const flag = '--auth-out FILE';
  const at = file === undefined ? {} : { file };
  const credentials: Credentials = { ...found };
  const moved = takeBasicHeaders(entries, credentials);
  const hosts = Object.keys(credentials);
  if (hosts.length === 0) return { entries: moved, diagnostics: [] };
  const mirrorHosts = new Set(moved.flatMap((e) => e.mirrors.map((m) => hostOf(m.url) ?? '')));
  const used = hosts.filter((h) => mirrorHosts.has(h));
  const unused = hosts.filter((h) => !mirrorHosts.has(h));
  const diagnostics: Diagnostic[] = unused.map((h) => ({
    severity: 'warning',
    code: 'import.credentials.not-a-mirror',
    ...at,
    message: `credentials for ${h} were left out: ${h} is no mirror of the imported spec (a spec names credentials only for mirrors)`,
    hint: 'keep them where they are (kubelet pull secret, the runtime config) if a source registry needs them',
  }));
  if (used.length === 0) return { entries: moved, diagnostics };
  if (authFile === undefined) {
    diagnostics.push({
      severity: 'warning',
      code: 'import.credentials.left-out',
      ...at,
      message: `credentials for ${used.join(', ')} were found but a spec never holds them inline; they were left out`,
      hint: `pass ${flag}: mirrorctl writes them there (0600) and each mirror names the file (auth: { file })`,
    });
    return { entries: moved, diagnostics };
  }
  const withAuth = moved.map((e) => ({
    ...e,
    mirrors: e.mirrors.map((m) => {
      const h = hostOf(m.url);
      return h !== undefined && used.includes(h) ? { ...m, auth: { file: authFile } } : m;
    }),
  }));
  const auths = Object.fromEntries(used.map((h) => [h, credentials[h]]));
  diagnostics.push({
    severity: 'info',
    code: 'import.credentials.referenced',
    ...at,
    message: `credentials for ${used.join(', ')} written to ${authFile} (0600); the spec names that file`,
  });
  return { entries: withAuth, authFileText: `${JSON.stringify({ auths }, null, '\t')}\n`, diagnostics };
}

/** How the spec names the auth file written at `authOut`: relative to the spec file when it is
 *  written with -o (spec paths are relative to the spec), else absolute. */
export function authRef(cwd: string, authOut: string, specOut: string | undefined): string {
  const file = resolve(cwd, authOut);
  if (specOut === undefined) return file;
  const rel = relative(dirname(resolve(cwd, specOut)), file);
  return isAbsolute(rel) ? file : rel;
}
