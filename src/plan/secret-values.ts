// Secret values inside the host files a plan shows (config.toml, hosts.toml, registries.conf(.d),
// daemon.json): found by key (password, auth, identitytoken, …; every value under a header/headers
// table) and in URLs (user:password@), as the exact quoted tokens the text holds — so output can mask
// them and `apply --plan` can put them back from the node's own file (issue 15.14).

import { isTable, parseToml } from '../toml/parse.js';
import { isRecord } from '../util/is-record.js';

/** One secret as written in the file, and how to write it masked as secret number n. */
export interface SecretToken {
  raw: string;
  masked(n: number): string;
}

export const placeholder = (n: number): string => `<redacted:${n}>`;
const PLACEHOLDER = /^<redacted:\d+>$/;

// containerd AuthConfig (password, auth, identitytoken), Docker config.json (registrytoken),
// k3s registries.yaml (identity_token), and the usual spellings of other credentials.
const SECRET_KEY =
  /^(password|passwd|auth|identitytoken|identity_token|registrytoken|registry_token|token|secret)$|[_-](password|token|secret)$/i;
/** Header tables: hosts.toml `[host."…".header]`, the CRI `registry.headers`. */
const HEADER_TABLE = /^headers?$/i;
/** `scheme://user:password@` — the password is the secret, the rest of the URL is not. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:)([^@/\s]+)(@.*)$/is;

interface Found {
  value: string;
  /** For a URL with a password: the value with the password replaced by `mask`. */
  url?: { mask(p: string): string; password: string };
}

function collect(v: unknown, key: string, underHeaders: boolean, out: Found[]): void {
  if (typeof v === 'string') {
    if (v === '') return;
    if (underHeaders || SECRET_KEY.test(key)) out.push({ value: v });
    else {
      const m = URL_PASSWORD.exec(v);
      if (m) out.push({ value: v, url: { mask: (p) => `${m[1]}${p}${m[3]}`, password: m[2] ?? '' } });
    }
    return;
  }
  if (Array.isArray(v)) for (const x of v) collect(x, key, underHeaders, out);
  else if (isRecord(v) || isTable(v))
    for (const [k, x] of Object.entries(v)) collect(x, k, underHeaders || HEADER_TABLE.test(k), out);
}

type Format = 'toml' | 'json' | 'other';
const formatOf = (path: string): Format =>
  /\.(toml|conf)$/.test(path) ? 'toml' : /\.json$/.test(path) ? 'json' : 'other';

const BASIC_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
};

/** A TOML basic string's body as toml writers spell it (C0 controls and DEL as \uXXXX). */
const tomlBasic = (v: string): string =>
  [...v]
    .map((c) => {
      const code = c.charCodeAt(0);
      const escaped = BASIC_ESCAPES[c];
      if (escaped !== undefined) return escaped;
      return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : c;
    })
    .join('');

/** The ways a string can be spelled in the format (a writer may pick any; unusual escapes are not
 *  found, and then the whole file is hidden instead). */
function spellings(format: Exclude<Format, 'other'>, v: string): ((s: string) => string)[] {
  if (format === 'json') return [(s) => JSON.stringify(s)];
  const out: ((s: string) => string)[] = [(s) => `"${tomlBasic(s)}"`, (s) => `"""${tomlBasic(s)}"""`];
  if (!/['\n\r]/.test(v)) out.push((s) => `'${s}'`);
  if (!v.includes("'''"))
    out.push(
      (s) => `'''${s}'''`,
      (s) => `'''\n${s}'''`,
    );
  return out;
}

function parse(format: Exclude<Format, 'other'>, text: string): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
  const r = parseToml(text);
  return r.ok ? r.value : undefined;
}

const LOOKS_SECRET = /\b(password|passwd|auth|identitytoken|identity_token|token|secret)\b\s*["']?\s*[:=]/i;

function secretsOf(text: string, path: string): Found[] | undefined {
  const format = formatOf(path);
  // A format mirrorctl does not parse here (YAML: k3s marks its own file secret) or a file that
  // does not parse: nothing can be located, so any secret-looking key hides the whole file.
  const doc = format === 'other' ? undefined : parse(format, text);
  if (doc === undefined) return LOOKS_SECRET.test(text) || URL_PASSWORD.test(text) ? undefined : [];
  const found: Found[] = [];
  collect(doc, '', false, found);
  return found;
}

/**
 * Every secret token in `text` (a file at node path `path`), in a stable order; undefined when a
 * secret is there that cannot be located exactly (the caller then hides the whole file).
 */
export function findSecrets(text: string, path: string): SecretToken[] | undefined {
  const format = formatOf(path);
  const found = secretsOf(text, path);
  if (found === undefined) return undefined;
  if (format === 'other') return [];
  const tokens: SecretToken[] = [];
  for (const f of found) {
    const hits = spellings(format, f.value).filter((spell) => text.includes(spell(f.value)));
    if (hits.length === 0) return undefined;
    for (const spell of hits) {
      const raw = spell(f.value);
      if (tokens.some((t) => t.raw === raw)) continue;
      const url = f.url;
      tokens.push({ raw, masked: (n) => spell(url ? url.mask(placeholder(n)) : placeholder(n)) });
    }
  }
  return proven(text, path, found, tokens) ? tokens : undefined;
}

/** Replaces each token by its mask; `number` gives each token's n. */
export function maskTokens(
  text: string,
  tokens: readonly SecretToken[],
  number: (t: SecretToken) => number,
): string {
  // Longest first, so a token inside another is never half-replaced.
  let out = text;
  for (const t of [...tokens].sort((a, b) => b.raw.length - a.raw.length))
    out = out.split(t.raw).join(t.masked(number(t)));
  return out;
}

/** After masking, no secret is left: every secret value reads as a placeholder, none in plain text. */
function proven(
  text: string,
  path: string,
  found: readonly Found[],
  tokens: readonly SecretToken[],
): boolean {
  const masked = maskTokens(text, tokens, (t) => tokens.indexOf(t) + 1);
  const again = secretsOf(masked, path);
  if (again === undefined) return false;
  const still = again.some((f) => !PLACEHOLDER.test(f.url ? f.url.password : f.value));
  // Short values are common substrings (a 3-letter token would match elsewhere): parsing proves them.
  const plain = found.some((f) => {
    const secret = f.url ? f.url.password : f.value;
    return secret.length >= 4 && masked.includes(secret);
  });
  return !still && !plain;
}

/** URL passwords in free text (diagnostic messages quoting a host file's URL). */
export const maskUrlPasswords = (text: string): string =>
  text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/@\s:"']*:)(?!<redacted)([^@/\s"']+)@/gi, '$1<redacted>@');
