// Bottlerocket: settings are the only source of the runtime config (the API server renders
// containerd's config.toml from them), so mirrorctl emits a settings TOML for `apiclient apply` or
// user data: `[[settings.container-registry.mirrors]]` (registry + endpoint list) and a trusted
// `settings.pki.<name>` bundle per CA. Bottlerocket writes the endpoints as containerd registry
// CRI registry mirrors (legacy), which use an endpoint's path verbatim as the API root and append the
// full repository: no repository renames.

import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, MirrorSet, RegistryEntry, SpecAssets } from '../spec/types.js';
import { stringifyToml } from '../toml/stringify.js';

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
): { text: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const add = (severity: 'error' | 'warning', code: string, field: string, message: string, hint: string) =>
    diagnostics.push({
      severity,
      code: `render.bottlerocket.${code}`,
      field,
      target: 'bottlerocket',
      message,
      hint,
    });
  const mirrors: { registry: string; endpoint: string[] }[] = [];
  const pki: Record<string, { data: string; trusted: boolean }> = {};
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
  const settings: Record<string, unknown> = { 'container-registry': { mirrors } };
  if (Object.keys(pki).length > 0) settings.pki = pki;
  const header = [
    `# mirrorctl MirrorSet "${set.name}": Bottlerocket settings (mirrorctl does not write files on Bottlerocket).`,
    `# Apply: ${BOTTLEROCKET_APPLY_COMMAND}`,
    '',
  ].join('\n');
  return { text: `${header}${stringifyToml({ settings })}\n`, diagnostics };
}
