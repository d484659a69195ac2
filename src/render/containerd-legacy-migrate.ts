// `--migrate-legacy`: converts CRI `registry.mirrors` + `configs.*.tls` into hosts.toml files with
// exactly the same behaviour (runtime-semantics.md §1.8), so config_path can replace them.
import type { Diagnostic } from '../diagnostics.js';
import {
  type ContainerdConfigAnalysis,
  type LegacyTls,
  legacyEndpointUrl,
} from '../formats/containerd-config.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { containerdHostsDir, upstreamServer } from './containerd-hosts.js';
import { formatHostsToml, type HostSettings } from './containerd-hosts-toml.js';
import { managedHeader } from './header.js';
import type { RenderedFile } from './types.js';

export interface LegacyMigrationOptions {
  certsDir?: string;
  /** Name in the managed header (the MirrorSet being applied). */
  specName?: string;
}

/** Legacy endpoint → the URL hosts.toml gets (scheme as CRI defaults it; trailing slashes dropped). */
function endpointUrl(endpoint: string): { url: string; host: string; path: string; http: boolean } {
  const u = new URL(legacyEndpointUrl(endpoint));
  const path = u.pathname.replace(/\/+$/, '');
  return { url: `${u.protocol}//${u.host}${path}`, host: u.host, path, http: u.protocol === 'http:' };
}

function tlsSettings(tls: LegacyTls | undefined): Partial<HostSettings> {
  if (!tls) return {};
  return {
    ...(tls.insecureSkipVerify !== undefined ? { skipVerify: tls.insecureSkipVerify } : {}),
    ...(tls.caFile ? { ca: tls.caFile } : {}),
    ...(tls.certFile
      ? { client: tls.keyFile ? ([tls.certFile, tls.keyFile] as [string, string]) : tls.certFile }
      : {}),
  };
}

/** One hosts.toml per legacy mirror host, plus one per TLS-only host; paths stay absolute. */
export function legacyToHostsFiles(
  analysis: ContainerdConfigAnalysis,
  opts: LegacyMigrationOptions = {},
): { files: RenderedFile[]; diagnostics: Diagnostic[] } {
  const certsDir = opts.certsDir ?? DEFAULT_PATHS.certsDir;
  const header = (what: string): string[] => [
    managedHeader(opts.specName ?? 'migrated').trimEnd(),
    `# Converted by --migrate-legacy from ${what} in ${analysis.file}`,
  ];
  const files: RenderedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const usedTls = new Set<string>();
  const table = analysis.registryTableKeys.join('.');

  for (const [host, endpoints] of Object.entries(analysis.legacyMirrors)) {
    // `endpoint = []` meant "the upstream only", which is what no hosts.toml means too.
    if (endpoints.length === 0) continue;
    const hosts: HostSettings[] = endpoints.map((e) => {
      const ep = endpointUrl(e);
      const tls = analysis.legacyTlsConfigs[ep.host];
      if (tls) usedTls.add(ep.host);
      if (tls && ep.http) diagnostics.push(httpTlsDropped(analysis.file, host, ep.url));
      return {
        url: ep.url,
        // Legacy endpoints always got pull+resolve; a non-empty path was the API root verbatim.
        capabilities: ['pull', 'resolve'],
        ...(ep.http ? {} : tlsSettings(tls)),
        ...(ep.path !== '' ? { overridePath: true } : {}),
      };
    });
    // Legacy appended the upstream unless an endpoint already was the registry host itself: then
    // the endpoint list is complete, and its last entry becomes `server` so nothing is added.
    const covers = endpoints.some((e) => endpointUrl(e).host === host);
    const last = hosts[hosts.length - 1]!;
    const content = formatHostsToml({
      header: header(`${table}.mirrors."${host}"`),
      server: covers ? last.url : upstreamServer(host),
      ...(covers ? { root: last } : {}),
      hosts: covers && hosts.length > 1 ? hosts.slice(0, -1) : hosts,
    });
    files.push({ path: `${certsDir}/${containerdHostsDir(host)}/hosts.toml`, content, mode: 0o644 });
  }

  // TLS settings for a registry without legacy mirrors (e.g. a private registry's own CA).
  for (const [host, tls] of Object.entries(analysis.legacyTlsConfigs)) {
    if (usedTls.has(host) || analysis.legacyMirrors[host]?.length || Object.keys(tls).length === 0) continue;
    const self: HostSettings = {
      url: `https://${host}`,
      capabilities: ['pull', 'resolve', 'push'],
      ...tlsSettings(tls),
    };
    const content = formatHostsToml({
      header: header(`${table}.configs."${host}".tls`),
      server: self.url,
      root: self,
      hosts: [self],
    });
    files.push({ path: `${certsDir}/${containerdHostsDir(host)}/hosts.toml`, content, mode: 0o644 });
  }
  return { files, diagnostics };
}

function httpTlsDropped(file: string, host: string, url: string): Diagnostic {
  return {
    severity: 'warning',
    code: 'render.containerd-config.migrate-http-tls',
    file,
    target: 'containerd',
    message: `TLS settings for ${url} (mirror of ${host}) are not carried over: it is an http:// endpoint`,
    hint: 'on hosts.toml, TLS keys on an http:// host make containerd 1.6.25+ try HTTPS first',
  };
}
