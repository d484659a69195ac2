// A port of containers/image's registries.conf loader (pkg/sysregistriesv2/system_registries_v2.go:
// loadConfigFile, postProcessRegistries, updateWithConfigurationFrom). It reproduces the checks and
// the exact error strings c/image would produce, so mirrorctl refuses what CRI-O would refuse and
// `explain` resolves images from the very text written to the node.
import { parse as parseToml } from 'smol-toml';

export type PullFromMirror = '' | 'all' | 'digest-only' | 'tag-only';

export interface CImageEndpoint {
  location: string;
  insecure: boolean;
  pullFromMirror: string;
}

export interface CImageRegistry extends CImageEndpoint {
  prefix: string;
  blocked: boolean;
  mirrorByDigestOnly: boolean;
  mirrors: CImageEndpoint[];
}

export interface CImageConfig {
  /** Sorted by prefix and unique per prefix, as c/image keeps them after post-processing. */
  registries: CImageRegistry[];
  /** True when the file was v1 (`[registries.search|insecure|block]`) and converted. */
  convertedFromV1: boolean;
  /** v2 `unqualified-search-registries`, or the v1 search list; undefined when the file has none. */
  unqualifiedSearchRegistries?: string[];
}

export type LoadResult = { ok: true; config: CImageConfig } | { ok: false; error: string };

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

/** parseLocation: trims trailing slashes, refuses schemes (the empty-location check is disabled upstream). */
function parseLocation(input: string): { ok: true; value: string } | { ok: false; error: string } {
  const trimmed = input.replace(/\/+$/, '');
  if (trimmed.startsWith('http://') || trimmed.startsWith('https://'))
    return { ok: false, error: `invalid location '${input}': URI schemes are not supported` };
  return { ok: true, value: trimmed };
}

function str(t: Table, key: string, where: string): string {
  const v = t[key];
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new DecodeError(`toml: ${where}.${key}: expected a string`);
  return v;
}

function bool(t: Table, key: string, where: string): boolean {
  const v = t[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new DecodeError(`toml: ${where}.${key}: expected a boolean`);
  return v;
}

class DecodeError extends Error {}

function stringList(t: Table, key: string): string[] | undefined {
  const v = t[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new DecodeError(`toml: ${key}: expected an array of strings`);
  return v as string[];
}

const V1_KEYS = ['search', 'insecure', 'block'] as const;
const V2_KEYS = [
  'registry',
  'unqualified-search-registries',
  'credential-helpers',
  'additional-layer-store-auth-helper',
  'aliases',
] as const;

/** v1 fields count as set when the `registries` array is present at all, even empty (hasSetField). */
function v1Lists(doc: Table): Record<(typeof V1_KEYS)[number], string[] | undefined> {
  const root = isTable(doc.registries) ? doc.registries : {};
  const list = (k: string): string[] | undefined => {
    const t = root[k];
    if (!isTable(t) || t.registries === undefined) return undefined;
    if (!Array.isArray(t.registries) || !t.registries.every((x) => typeof x === 'string'))
      throw new DecodeError(`toml: registries.${k}.registries: expected an array of strings`);
    return t.registries as string[];
  };
  return { search: list('search'), insecure: list('insecure'), block: list('block') };
}

function hasV2Field(doc: Table): boolean {
  const mode = doc['short-name-mode'];
  return V2_KEYS.some((k) => doc[k] !== undefined) || (typeof mode === 'string' && mode !== '');
}

function decodeEndpoint(t: Table, where: string): CImageEndpoint {
  return {
    location: str(t, 'location', where),
    insecure: bool(t, 'insecure', where),
    pullFromMirror: str(t, 'pull-from-mirror', where),
  };
}

function decodeRegistries(doc: Table): CImageRegistry[] {
  const raw = doc.registry;
  if (raw === undefined) return [];
  if (!Array.isArray(raw))
    throw new DecodeError('toml: registry: expected an array of tables ([[registry]])');
  return raw.map((r, i) => {
    if (!isTable(r)) throw new DecodeError(`toml: registry[${i}]: expected a table`);
    const where = `registry[${i}]`;
    const mirrorsRaw = r.mirror ?? [];
    if (!Array.isArray(mirrorsRaw))
      throw new DecodeError(`toml: ${where}.mirror: expected [[registry.mirror]]`);
    return {
      ...decodeEndpoint(r, where),
      prefix: str(r, 'prefix', where),
      blocked: bool(r, 'blocked', where),
      mirrorByDigestOnly: bool(r, 'mirror-by-digest-only', where),
      mirrors: mirrorsRaw.map((m, j) => {
        if (!isTable(m)) throw new DecodeError(`toml: ${where}.mirror[${j}]: expected a table`);
        return decodeEndpoint(m, `${where}.mirror[${j}]`);
      }),
    };
  });
}

/** ConvertToV2: block/insecure lists become entries keyed by location (block first, then insecure). */
function convertV1(lists: ReturnType<typeof v1Lists>): CImageRegistry[] | string {
  const byLocation = new Map<string, CImageRegistry>();
  const get = (loc: string): CImageRegistry | string => {
    const parsed = parseLocation(loc);
    if (!parsed.ok) return parsed.error;
    let reg = byLocation.get(parsed.value);
    if (!reg) {
      reg = {
        location: parsed.value,
        prefix: parsed.value,
        insecure: false,
        pullFromMirror: '',
        blocked: false,
        mirrorByDigestOnly: false,
        mirrors: [],
      };
      byLocation.set(parsed.value, reg);
    }
    return reg;
  };
  for (const loc of lists.block ?? []) {
    const reg = get(loc);
    if (typeof reg === 'string') return reg;
    reg.blocked = true;
  }
  for (const loc of lists.insecure ?? []) {
    const reg = get(loc);
    if (typeof reg === 'string') return reg;
    reg.insecure = true;
  }
  return [...byLocation.values()];
}

const PULL_FROM_VALUES = new Set(['all', 'digest-only', 'tag-only']);

/** postProcessRegistries + the wildcard check of loadConfigFile, in upstream order. */
function postProcess(registries: CImageRegistry[]): CImageRegistry[] | string {
  const byKey = new Map<string, CImageRegistry[]>();
  for (const reg of registries) {
    const loc = parseLocation(reg.location);
    if (!loc.ok) return loc.error;
    reg.location = loc.value;
    if (reg.prefix === '') {
      if (reg.location === '') return 'invalid condition: both location and prefix are unset';
      reg.prefix = reg.location;
    } else {
      const prefix = parseLocation(reg.prefix);
      if (!prefix.ok) return prefix.error;
      reg.prefix = prefix.value;
      if (!reg.prefix.startsWith('*.') && reg.location === '')
        return 'invalid condition: location is unset and prefix is not in the format: *.example.com';
    }
    if (reg.pullFromMirror !== '')
      return `pull-from-mirror must not be set for a non-mirror registry ${JSON.stringify(reg.prefix)}`;
    for (const mir of reg.mirrors) {
      const m = parseLocation(mir.location);
      if (!m.ok) return m.error;
      mir.location = m.value;
      if (mir.location === '') return 'invalid condition: mirror location is unset';
      if (reg.mirrorByDigestOnly && mir.pullFromMirror !== '')
        return `cannot set mirror usage mirror-by-digest-only for the registry (${JSON.stringify(reg.prefix)}) and pull-from-mirror for per-mirror (${JSON.stringify(mir.location)}) at the same time`;
      if (mir.pullFromMirror !== '' && !PULL_FROM_VALUES.has(mir.pullFromMirror))
        return `unsupported pull-from-mirror value ${JSON.stringify(mir.pullFromMirror)} for mirror ${JSON.stringify(mir.location)}`;
    }
    const key = reg.location === '' ? reg.prefix : reg.location;
    byKey.set(key, [...(byKey.get(key) ?? []), reg]);
  }
  for (const reg of registries) {
    for (const other of byKey.get(reg.location === '' ? reg.prefix : reg.location) ?? []) {
      if (reg.insecure !== other.insecure)
        return `registry '${reg.location}' is defined multiple times with conflicting 'insecure' setting`;
      if (reg.blocked !== other.blocked)
        return `registry '${reg.location}' is defined multiple times with conflicting 'blocked' setting`;
    }
  }
  // Same prefix twice: the first one wins, silently; the result is sorted by prefix.
  const unique = new Map<string, CImageRegistry>();
  for (const reg of registries) if (!unique.has(reg.prefix)) unique.set(reg.prefix, reg);
  const sorted = [...unique.keys()].sort().map((p) => unique.get(p) as CImageRegistry);
  for (const reg of sorted) {
    if (reg.prefix.startsWith('*.') && /[/@:]/.test(reg.prefix))
      return `Wildcarded prefix should be in the format: *.example.com. Current prefix ${JSON.stringify(reg.prefix)} is incorrectly formatted`;
  }
  return sorted;
}

/**
 * loadConfigFile(path, forceV2): drop-ins are loaded with forceV2 = true, the main file with false.
 * Returns c/image's error text on failure (without the `loading registries configuration "<file>":`
 * wrapper, which the caller adds with the file name).
 */
export function loadRegistriesConf(text: string, forceV2: boolean): LoadResult {
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] ?? 'invalid TOML' };
  }
  try {
    const lists = v1Lists(doc);
    const isV1 = V1_KEYS.some((k) => lists[k] !== undefined);
    let registries: CImageRegistry[] | string;
    if (isV1) {
      if (forceV2) return { ok: false, error: 'registry must be in v2 format but is in v1' };
      if (hasV2Field(doc)) return { ok: false, error: 'mixing sysregistry v1/v2 is not supported' };
      registries = convertV1(lists);
    } else {
      registries = decodeRegistries(doc);
    }
    if (typeof registries === 'string') return { ok: false, error: registries };
    const processed = postProcess(registries);
    if (typeof processed === 'string') return { ok: false, error: processed };
    const config: CImageConfig = { registries: processed, convertedFromV1: isV1 };
    const search = isV1 ? lists.search : stringList(doc, 'unqualified-search-registries');
    if (search !== undefined) config.unqualifiedSearchRegistries = search;
    return { ok: true, config };
  } catch (err) {
    if (err instanceof DecodeError) return { ok: false, error: err.message };
    throw err;
  }
}

/** updateWithConfigurationFrom: a later file replaces whole entries by prefix; result sorted by prefix. */
export function mergeRegistriesConf(base: CImageConfig, update: CImageConfig): CImageConfig {
  const byPrefix = new Map<string, CImageRegistry>();
  for (const r of base.registries) byPrefix.set(r.prefix, r);
  for (const r of update.registries) byPrefix.set(r.prefix, r);
  const registries = [...byPrefix.keys()].sort().map((p) => byPrefix.get(p) as CImageRegistry);
  const merged: CImageConfig = { registries, convertedFromV1: base.convertedFromV1 };
  const search = update.unqualifiedSearchRegistries ?? base.unqualifiedSearchRegistries;
  if (search !== undefined) merged.unqualifiedSearchRegistries = search;
  return merged;
}
