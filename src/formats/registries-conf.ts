// containers/image's registries.conf reader, ported from pkg/sysregistriesv2/system_registries_v2.go
// (loadConfigFile, postProcessRegistries, updateWithConfigurationFrom, the drop-in walk) with c/image's
// exact error strings; the one reader of registries.conf(.d) for detect, render, explain and import.
import path from 'node:path/posix';
import { isTable, parseTomlVerbatim, type TomlTable } from '../toml/parse.js';

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

/** c/image's refusals that mirrorctl tells apart (a v1 drop-in; v1 lists next to v2 keys). */
export const V1_DROP_IN = 'registry must be in v2 format but is in v1';
export const V1_V2_MIXED = 'mixing sysregistry v1/v2 is not supported';

export type LoadResult = { ok: true; config: CImageConfig } | { ok: false; error: string };

type Table = TomlTable;

/** parseLocation: trims trailing slashes, refuses schemes (the empty-location check is disabled upstream). */
function parseLocation(input: string): { ok: true; value: string } | { ok: false; error: string } {
  const trimmed = input.replace(/\/+$/, '');
  if (trimmed.startsWith('http://') || trimmed.startsWith('https://'))
    return { ok: false, error: `invalid location '${input}': URI schemes are not supported` };
  return { ok: true, value: trimmed };
}

/** A TOML value of the wrong type: c/image's decoder fails the whole file. */
class DecodeError extends Error {}

function typed<T extends string | boolean>(t: Table, key: string, where: string, unset: T): T {
  const v = t[key];
  if (v === undefined) return unset;
  if (typeof v !== typeof unset) throw new DecodeError(`toml: ${where}.${key}: expected a ${typeof unset}`);
  return v as T;
}
const str = (t: Table, key: string, where: string): string => typed(t, key, where, '');
const bool = (t: Table, key: string, where: string): boolean => typed(t, key, where, false);

function stringList(v: unknown, name: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new DecodeError(`toml: ${name}: expected an array of strings`);
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

/** `[registries.<k>] registries`, untyped: a v1 field counts as set when present, even empty (hasSetField). */
function v1Field(doc: Table, k: (typeof V1_KEYS)[number]): unknown {
  const t = isTable(doc.registries) ? doc.registries[k] : undefined;
  return isTable(t) ? t.registries : undefined;
}

/** Whether c/image reads this parsed file as v1 (and converts it, or refuses it as a drop-in). */
export const isV1 = (doc: Table): boolean => V1_KEYS.some((k) => v1Field(doc, k) !== undefined);

function v1Lists(doc: Table): Record<(typeof V1_KEYS)[number], string[] | undefined> {
  const list = (k: (typeof V1_KEYS)[number]) => stringList(v1Field(doc, k), `registries.${k}.registries`);
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

/**
 * An entry with prefix = location and every other field at its default: what ConvertToV2 starts
 * from, and the stand-in newImageSource uses for a reference no [[registry]] prefix matches.
 */
export const registryAt = (location: string): CImageRegistry => ({
  location,
  prefix: location,
  insecure: false,
  pullFromMirror: '',
  blocked: false,
  mirrorByDigestOnly: false,
  mirrors: [],
});

/** ConvertToV2: block/insecure lists become entries keyed by location (block first, then insecure). */
function convertV1(lists: ReturnType<typeof v1Lists>): CImageRegistry[] | string {
  const byLocation = new Map<string, CImageRegistry>();
  const get = (loc: string): CImageRegistry | string => {
    const parsed = parseLocation(loc);
    if (!parsed.ok) return parsed.error;
    const reg = byLocation.get(parsed.value) ?? registryAt(parsed.value);
    byLocation.set(parsed.value, reg);
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
  const parsed = parseTomlVerbatim(text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const doc = parsed.value;
  try {
    const lists = v1Lists(doc);
    const v1 = isV1(doc);
    let registries: CImageRegistry[] | string;
    if (v1) {
      if (forceV2) return { ok: false, error: V1_DROP_IN };
      if (hasV2Field(doc)) return { ok: false, error: V1_V2_MIXED };
      registries = convertV1(lists);
    } else {
      registries = decodeRegistries(doc);
    }
    if (typeof registries === 'string') return { ok: false, error: registries };
    const processed = postProcess(registries);
    if (typeof processed === 'string') return { ok: false, error: processed };
    const config: CImageConfig = { registries: processed, convertedFromV1: v1 };
    const search = v1
      ? lists.search
      : stringList(doc['unqualified-search-registries'], 'unqualified-search-registries');
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

/** A registries.conf(.d) file as read from a node. */
export interface HostConfFile {
  /** Absolute node path. */
  path: string;
  text: string;
}

/** c/image reads only `*.conf` in registries.conf.d (no recursion). */
export const isDropInName = (name: string): boolean => name.endsWith('.conf');

/** The drop-ins c/image reads, in the order it reads them (lexical by name, later wins). */
export const dropInOrder = <F extends HostConfFile>(files: readonly F[]): F[] =>
  files
    .filter((f) => isDropInName(f.path))
    .sort((a, b) => (path.basename(a.path) < path.basename(b.path) ? -1 : 1));

/** The wrapper c/image puts around a loadConfigFile error (what CRI-O logs before refusing to start). */
export const loadErrorText = (file: string, error: string, dropIn: boolean): string =>
  `loading ${dropIn ? 'drop-in ' : ''}registries configuration "${file}": ${error}`;

/**
 * The configuration c/image ends up with: main file, then drop-ins in lexical order. A main-file
 * error comes back bare (callers name the file), a drop-in's with c/image's wrapper.
 */
export function effectiveRegistriesConf(
  mainText: string | null,
  dropIns: readonly HostConfFile[],
): LoadResult {
  let config: CImageConfig = { registries: [], convertedFromV1: false };
  if (mainText !== null) {
    const main = loadRegistriesConf(mainText, false);
    if (!main.ok) return main;
    config = main.config;
  }
  for (const f of dropInOrder(dropIns)) {
    const loaded = loadRegistriesConf(f.text, true);
    if (!loaded.ok) return { ok: false, error: loadErrorText(f.path, loaded.error, true) };
    config = mergeRegistriesConf(config, loaded.config);
  }
  return { ok: true, config };
}
