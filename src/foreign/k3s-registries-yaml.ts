// k3s/RKE2 registries.yaml as a file: where it is, the part of its shape mirrorctl writes, and the
// editor that changes an existing file with the yaml Document API, so everything mirrorctl does not
// own (hand-made mirrors and credentials, comments) stays byte-for-byte where it was. Keys mirrorctl
// writes carry a `mirrorctl:<spec>` comment: that is how a later run knows which ones it may remove
// (a configs.<host>.auth mirrorctl wrote carries it on the `auth` key itself).
import { type Document, isMap, isScalar, type Pair, parseDocument, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';

export type RancherFlavor = 'k3s' | 'rke2';

export const registriesYamlPath = (flavor: RancherFlavor): string => `/etc/rancher/${flavor}/registries.yaml`;

export interface K3sMirror {
  endpoint: string[];
  rewrite?: Record<string, string>;
}

export interface K3sTls {
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
  insecure_skip_verify?: boolean;
}

/** k3s AuthConfig (pkg/agent/templates: registries.yaml `configs.<host>.auth`). */
export interface K3sAuth {
  username?: string;
  password?: string;
  auth?: string;
  identity_token?: string;
}

export interface K3sRegistries {
  mirrors: Record<string, K3sMirror>;
  /** Keyed by mirror host[:port]: `tls`, and `auth` for a mirror whose spec names credentials. */
  configs: Record<string, { tls?: K3sTls; auth?: K3sAuth }>;
}

export interface YamlPatch {
  /** undefined when the existing file cannot be parsed (see diagnostics). */
  text?: string;
  diagnostics: Diagnostic[];
  /** The file holds registry credentials (configs.*.auth): plans must redact it. */
  hasCredentials: boolean;
}

const marker = (specName: string): string => ` mirrorctl:${specName}`;
const keyOf = (p: Pair): string | undefined =>
  isScalar(p.key) ? String(p.key.value) : typeof p.key === 'string' ? p.key : undefined;
/** The marker sits before the key; on the first key of a block map the yaml parser hangs that
 *  comment on the map instead, so the map's comment counts for its first pair. */
const isOurs = (p: Pair, specName: string, map?: YAMLMap): boolean => {
  const own = isScalar(p.key) ? (p.key.commentBefore ?? '') : '';
  const onMap = map && map.items[0] === p ? (map.commentBefore ?? '') : '';
  return `${own}\n${onMap}`.split('\n').includes(marker(specName));
};

/** Drops the marker the parser moved onto `map` (its first pair is being rewritten or removed). */
function clearMapMarker(map: YAMLMap, specName: string): void {
  if (!map.commentBefore) return;
  const rest = map.commentBefore.split('\n').filter((l) => l !== marker(specName));
  map.commentBefore = rest.length > 0 ? rest.join('\n') : undefined;
}

function section(doc: Document, name: string): YAMLMap {
  const existing = doc.get(name, true);
  if (isMap(existing)) return existing;
  const created = doc.createNode({}) as YAMLMap;
  doc.set(name, created);
  return created;
}

/** Sets `map[key] = value`, marking the key as mirrorctl's; returns whether a foreign key was replaced. */
function setOwned(doc: Document, map: YAMLMap, key: string, value: unknown, specName: string): boolean {
  const i = map.items.findIndex((p) => keyOf(p) === key);
  const pair = doc.createPair(key, value);
  if (isScalar(pair.key)) pair.key.commentBefore = marker(specName);
  if (i < 0) {
    map.items.push(pair);
    return false;
  }
  const old = map.items[i]!;
  const foreign = !isOurs(old, specName, map);
  if (i === 0) clearMapMarker(map, specName);
  map.items[i] = pair;
  return foreign;
}

export function patchRegistriesYaml(
  existing: string | null,
  want: K3sRegistries,
  specName: string,
  file: string,
): YamlPatch {
  const doc: Document = parseDocument(existing ?? '');
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return {
      hasCredentials: true,
      diagnostics: [
        {
          severity: 'error',
          code: 'distro.k3s.registries-yaml.parse',
          file,
          ...(e.linePos?.[0] ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
          message: `cannot parse ${file}: ${e.message.split('\n')[0]}`,
          hint: 'fix the YAML by hand (k3s would not start with it either), then run mirrorctl again',
        },
      ],
    };
  }
  if (doc.contents !== null && !isMap(doc.contents))
    return {
      hasCredentials: true,
      diagnostics: [
        {
          severity: 'error',
          code: 'distro.k3s.registries-yaml.shape',
          file,
          message: `${file} is not a mapping with mirrors/configs`,
          hint: 'make the file a YAML mapping (mirrors: …, configs: …) or remove it',
        },
      ],
    };
  if (doc.contents === null) doc.contents = doc.createNode({});
  const diagnostics: Diagnostic[] = [];
  const mirrors = section(doc, 'mirrors');
  const first = mirrors.items[0];
  mirrors.items = mirrors.items.filter((p) => !isOurs(p, specName, mirrors) || keyOf(p)! in want.mirrors);
  if (first && mirrors.items[0] !== first) clearMapMarker(mirrors, specName);
  for (const [host, m] of Object.entries(want.mirrors)) {
    if (setOwned(doc, mirrors, host, m, specName))
      diagnostics.push({
        severity: 'warning',
        code: 'distro.k3s.replaces-mirror',
        file,
        field: `mirrors.${host}`,
        message: `mirrors.${host} was written by hand; the spec's entry for ${host} replaces it (a backup is kept)`,
        hint: 'move the hand-made mirror into the spec (mirrorctl import --from-node) so nothing is lost',
      });
  }
  const configs = section(doc, 'configs');
  for (const pair of configs.items) {
    const host = keyOf(pair);
    if (host === undefined || !isMap(pair.value)) continue;
    const wanted = want.configs[host];
    if (isOurs(pair, specName, configs) && !wanted?.tls) pair.value.delete('tls');
    // Credentials mirrorctl wrote go when the spec no longer names them; anyone else's stay.
    const auth = pair.value.items.find((p) => keyOf(p) === 'auth');
    if (auth && isOurs(auth, specName, pair.value) && !wanted?.auth) {
      if (pair.value.items[0] === auth) clearMapMarker(pair.value, specName);
      pair.value.delete('auth');
    }
  }
  const firstConfig = configs.items[0];
  configs.items = configs.items.filter(
    (p) => !(isOurs(p, specName, configs) && isMap(p.value) && p.value.items.length === 0),
  );
  if (firstConfig && configs.items[0] !== firstConfig) clearMapMarker(configs, specName);
  for (const [host, c] of Object.entries(want.configs)) {
    const current = configs.items.find((p) => keyOf(p) === host);
    if (!current || !isMap(current.value)) {
      setOwned(doc, configs, host, c, specName);
      const made = configs.items.find((p) => keyOf(p) === host);
      const auth = isMap(made?.value) ? made.value.items.find((p) => keyOf(p) === 'auth') : undefined;
      if (auth && isScalar(auth.key)) auth.key.commentBefore = marker(specName);
      continue;
    }
    if (c.tls) current.value.set('tls', doc.createNode(c.tls));
    if (c.auth && setOwned(doc, current.value, 'auth', c.auth, specName))
      diagnostics.push({
        severity: 'warning',
        code: 'distro.k3s.replaces-auth',
        file,
        field: `configs.${host}.auth`,
        message: `configs.${host}.auth was written by hand; the spec's credentials for ${host} replace it (a backup is kept)`,
        hint: 'if those were the right credentials, point the mirror auth at a file holding them',
      });
  }
  if (mirrors.items.length === 0) doc.delete('mirrors');
  if (configs.items.length === 0) doc.delete('configs');
  const hasCredentials = configs.items.some((p) => isMap(p.value) && p.value.has('auth'));
  return { text: doc.toString({ lineWidth: 0 }), diagnostics, hasCredentials };
}
