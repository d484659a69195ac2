// Bottlerocket: settings are the only source of the runtime config (the API server renders
// containerd's config.toml from them), so mirrorctl emits a settings TOML for `apiclient apply` or
// user data: `[[settings.container-registry.mirrors]]` (registry + endpoint list) and a trusted
// `settings.pki.<name>` bundle per CA. Bottlerocket writes the endpoints as containerd registry
// CRI registry mirrors (legacy), which use an endpoint's path verbatim as the API root and append the
// full repository: no repository renames. Reading takes the same settings back (TOML, or the JSON of
// `apiclient get settings.container-registry`); trusted CAs and credentials are reported, not carried.

import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, MirrorSet, RegistryEntry, SpecAssets } from '../spec/types.js';
import { isTable, parseToml } from '../toml/parse.js';
import { stringifyToml } from '../toml/stringify.js';
import { isRecord } from '../util/is-record.js';
import { mirrorFromLegacyEndpoint } from './containerd-host-url.js';
import { authEntry, type Credentials } from './credentials-doc.js';
import { credentialsLeftOut, mirrorPlainAuth } from './foreign-auth.js';
import { renderDiagnosticsInto } from './render-diagnostic.js';
import type { EntryDoc, ReadResult } from './spec-doc.js';

export const BOTTLEROCKET_APPLY_COMMAND =
  'apiclient apply --from-file file:///path/to/bottlerocket-settings.toml   # from the admin/control container';

const appliesTo = (e: RegistryEntry): boolean => e.only === undefined || e.only.includes('containerd');

/** The legacy endpoint (path = API root verbatim, '' = /v2) that requests what the mirror serves. */
function endpoint(e: RegistryEntry, m: Mirror): string | undefined {
  if (m.pathMode === 'mount') return `${m.url}/v2`;
  if (m.pathMode === 'api-root') return m.path === '' ? undefined : m.url;
  return m.path === '' && e.sourcePath === '' ? m.url : undefined;
}

export function specToBottlerocket(
  set: MirrorSet,
  assets: SpecAssets,
  withCredentials = false,
): { text: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const add = renderDiagnosticsInto(diagnostics, 'bottlerocket');
  const mirrors: { registry: string; endpoint: string[] }[] = [];
  const pki: Record<string, { data: string; trusted: boolean }> = {};
  // RegistryCredentialV1, keyed by the host contacted (the mirror): core-kit container-registry.
  const credentials: Record<string, string>[] = [];
  for (const e of set.registries.filter(appliesTo)) {
    const at = `spec.registries[${e.index}]`;
    if (mirrors.some((x) => x.registry === e.sourceHost)) {
      add(
        'error',
        'host-conflict',
        `${at}.source`,
        `a second entry for registry ${e.sourceHost}`,
        'merge the entries into one per registry host',
      );
      continue;
    }
    if (e.sourceHost.startsWith('*.'))
      add(
        'error',
        'wildcard-domain',
        `${at}.source`,
        `Bottlerocket mirrors are keyed by registry host or "*"; ${e.source} cannot be expressed`,
        'list the registry hosts explicitly',
      );
    if (!e.fallback)
      add(
        'warning',
        'fallback',
        `${at}.fallback`,
        `Bottlerocket always falls back to ${e.sourceHost} after the mirrors`,
        'block the source at the network level if pulls must stay on the mirrors',
      );
    const endpoints: string[] = [];
    const before = diagnostics.length;
    e.mirrors.forEach((m, j) => {
      const f = `${at}.mirrors[${j}]`;
      const url = endpoint(e, m);
      if (url === undefined)
        add(
          'error',
          'remap',
          `${f}.url`,
          `Bottlerocket's mirror endpoints get the full repository appended to their API root, so ${m.url} (${m.pathMode}) cannot be expressed for ${e.source}`,
          'store the images under their source names, or use path: api-root with the root they sit under',
        );
      if (m.pullFrom !== 'all')
        add(
          'error',
          'pull-from',
          `${f}.pullFrom`,
          `pullFrom ${m.pullFrom} cannot be expressed`,
          'use pullFrom: all for this target',
        );
      if (Object.keys(m.headers).length > 0)
        add(
          'error',
          'headers',
          `${f}.headers`,
          'Bottlerocket mirrors have no request headers',
          'use settings.container-registry.credentials for auth',
        );
      if (m.tls.insecureSkipVerify || m.tls.certFile !== undefined)
        add(
          'error',
          'tls',
          `${f}.tls`,
          'Bottlerocket settings have no insecure-skip-verify or client certificates for mirrors',
          'trust the mirror CA instead (tls.caFile becomes a settings.pki bundle)',
        );
      if (m.dialTimeout !== undefined)
        add(
          'warning',
          'dial-timeout',
          `${f}.dialTimeout`,
          `${m.dialTimeout} is dropped`,
          'remove dialTimeout for this target',
        );
      if (url !== undefined) endpoints.push(url);
      const a = withCredentials ? mirrorPlainAuth(m, assets, `${f}.auth`, 'bottlerocket') : undefined;
      diagnostics.push(...(a?.diagnostics ?? []));
      if (a?.auth && !credentials.some((c) => c.registry === m.host))
        credentials.push({
          registry: m.host,
          ...(a.auth.username !== undefined ? { username: a.auth.username } : {}),
          ...(a.auth.password !== undefined ? { password: a.auth.password } : {}),
          ...(a.auth.identityToken !== undefined ? { identitytoken: a.auth.identityToken } : {}),
        });
      const pem = m.tls.caFile === undefined ? undefined : assets[m.tls.caFile];
      if (pem !== undefined)
        pki[`mirrorctl-${m.host.replace(/[^a-zA-Z0-9-]/g, '-')}`] = {
          data: Buffer.from(pem, 'utf8').toString('base64'),
          trusted: true,
        };
    });
    if (diagnostics.slice(before).some((d) => d.severity === 'error')) continue;
    mirrors.push({ registry: e.sourceHost, endpoint: endpoints });
  }
  if (!withCredentials) diagnostics.push(...credentialsLeftOut(set, 'bottlerocket'));
  const settings: Record<string, unknown> = {
    'container-registry': { mirrors, ...(credentials.length > 0 ? { credentials } : {}) },
  };
  if (Object.keys(pki).length > 0) settings.pki = pki;
  const header = [
    `# mirrorctl MirrorSet "${set.name}": Bottlerocket settings (mirrorctl does not write files on Bottlerocket).`,
    `# Apply: ${BOTTLEROCKET_APPLY_COMMAND}`,
    '',
  ].join('\n');
  return { text: `${header}${stringifyToml({ settings })}\n`, diagnostics };
}

// Reading. The settings model is bottlerocket-os/bottlerocket-core-kit's container-registry settings
// (RegistryMirrorV1 {registry, endpoint}, RegistryCredentialV1); its deserialize_mirrors also takes the
// older table form `[settings.container-registry.mirrors] "docker.io" = ["https://…"]`.

/** The document's settings: TOML user data / apply file (`[settings…]`), or JSON (`{"settings": …}`). */
function settingsOf(
  text: string,
  file: string,
): { settings?: Record<string, unknown>; diagnostics: Diagnostic[] } {
  let root: unknown;
  if (/^\s*\{/.test(text)) {
    try {
      root = JSON.parse(text);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return {
        diagnostics: [
          { severity: 'error', code: 'convert.parse', file, message: `not valid JSON: ${message}` },
        ],
      };
    }
  } else {
    const parsed = parseToml(text, file);
    if (!parsed.ok) {
      // toml.parse's hint speaks of containerd; the position and reason are what matter here.
      const { hint: _containerdHint, ...d } = parsed.diagnostic;
      return { diagnostics: [{ ...d, code: 'convert.parse' }] };
    }
    root = parsed.value;
  }
  const settings = isRecord(root) && isRecord(root.settings) ? root.settings : undefined;
  if (!settings)
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'convert.bottlerocket.settings',
          file,
          message:
            'no settings table: Bottlerocket settings start with [settings…] (TOML) or {"settings": …} (JSON)',
          hint: 'pass the user data or the file given to apiclient apply',
        },
      ],
    };
  return { settings, diagnostics: [] };
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Both forms of settings.container-registry.mirrors, in file order. */
function mirrorList(v: unknown): { registry: string; endpoints: string[]; field: string }[] {
  if (Array.isArray(v))
    return v.flatMap((m, i) =>
      isRecord(m) && typeof m.registry === 'string'
        ? [
            {
              registry: m.registry,
              endpoints: strings(m.endpoint),
              field: `settings.container-registry.mirrors[${i}]`,
            },
          ]
        : [],
    );
  if (isTable(v) || isRecord(v))
    return Object.entries(v).map(([registry, endpoints]) => ({
      registry,
      endpoints: strings(endpoints),
      field: `settings.container-registry.mirrors."${registry}"`,
    }));
  return [];
}

export function readBottlerocket(text: string, file: string): ReadResult {
  const { settings, diagnostics } = settingsOf(text, file);
  if (!settings) return { entries: [], diagnostics };
  const registry = isRecord(settings['container-registry']) ? settings['container-registry'] : {};
  const entries: EntryDoc[] = [];
  for (const m of mirrorList(registry.mirrors)) {
    if (m.endpoints.length === 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'convert.bottlerocket.no-endpoints',
        file,
        field: m.field,
        message: `mirror for ${m.registry} has no endpoint; left out`,
      });
      continue;
    }
    // Bottlerocket always falls back to the registry itself after the endpoints (fallback: true).
    entries.push({ source: m.registry, mirrors: m.endpoints.map(mirrorFromLegacyEndpoint) });
  }
  // Credentials become a reference (credentials-doc.ts), never a spec field.
  const found: Credentials = {};
  const credentials = Array.isArray(registry.credentials) ? registry.credentials : [];
  for (const c of credentials) {
    if (!isRecord(c) || typeof c.registry !== 'string') continue;
    const str = (k: string): string | undefined => (typeof c[k] === 'string' ? (c[k] as string) : undefined);
    const entry = authEntry(str('username'), str('password'), str('auth'), str('identitytoken'));
    if (entry) found[c.registry] ??= entry;
  }
  const pki = isRecord(settings.pki) ? settings.pki : {};
  for (const [name, bundle] of Object.entries(pki))
    if (isRecord(bundle) && bundle.trusted !== false)
      diagnostics.push({
        severity: 'warning',
        code: 'convert.bottlerocket.pki',
        file,
        field: `settings.pki.${name}`,
        message:
          'a trusted CA bundle for the whole node; the spec names a CA file per mirror, so it is not carried over',
        hint: 'save the PEM (base64 -d of data) to a file and add tls.caFile to the mirrors that need it',
      });
  return { entries, diagnostics, ...(Object.keys(found).length > 0 ? { credentials: found } : {}) };
}
