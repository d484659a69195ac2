// containerd-legacy target: deprecated CRI `registry.mirrors."<host>".endpoint` + `configs."<host>".tls`
// in config.toml (runtime-semantics.md §1.2), for nodes that cannot use config_path. Never together with
// config_path (containerd then refuses to load the CRI plugin). Every change needs a restart.
//
// Legacy semantics that shape what is expressible: an endpoint's non-empty path is the API root
// verbatim (only an empty path becomes /v2); every endpoint gets pull+resolve (no digest-only);
// the upstream is appended unless an endpoint is the registry host itself (no mirror-only); headers
// exist only globally for all registries; `configs.*.tls` is gone in containerd 2.0. Credentials go to
// `configs."<mirror host>".auth` (containerd-legacy-auth.ts).
import type { Diagnostic } from '../diagnostics.js';
import { analyzeContainerdConfig, type ContainerdConfigAnalysis } from '../formats/containerd-config.js';
import { containerdGates } from '../formats/containerd-versions.js';
import type { MirrorSet, RegistryEntry } from '../spec/types.js';
import type { TomlOp } from '../toml/ops.js';
import { applyTomlOps } from '../toml/ops.js';
import { tomlEqual } from '../toml/parse.js';
import { importFindings } from './containerd-config-imports.js';
import { configVersionFindings } from './containerd-config-version.js';
import { apiRootWithoutV2 } from './containerd-hosts-lints.js';
import { legacyAuthOps } from './containerd-legacy-auth.js';
import { containerdHostUrl } from './containerd-mirror-url.js';
import { unsafeNames } from './name-guard.js';
import { useTarget } from './target-flag.js';
import type { RenderContext, RenderedFile, RenderResult } from './types.js';

export interface LegacyRenderResult extends RenderResult {
  /** Edits of config.toml (apply with patchToml); files are TLS material referenced by absolute path. */
  ops: TomlOp[];
  restartNeeded: boolean;
}

const appliesToLegacy = (e: RegistryEntry): boolean => !e.only || e.only.includes('containerd-legacy');
const slug = (host: string): string => host.replace(/[[\]]/g, '').replace(/:/g, '_');

function fail(code: string, message: string, hint: string, field?: string, file?: string): Diagnostic {
  return {
    severity: 'error',
    code: `render.containerd-legacy.${code}`,
    target: 'containerd-legacy',
    message,
    hint,
    ...(field ? { field } : {}),
    ...(file ? { file } : {}),
  };
}

/** Renders legacy mirrors against the node's config.toml (analysis; undefined = file absent). */
export function renderContainerdLegacy(
  set: MirrorSet,
  ctx: RenderContext,
  config?: ContainerdConfigAnalysis,
): LegacyRenderResult {
  const unsafe = unsafeNames(set, 'containerd-legacy');
  if (unsafe.length > 0) return { files: [], diagnostics: unsafe, ops: [], restartNeeded: false };
  const gates = containerdGates(ctx.runtimeVersion);
  const a = config ?? analyzeContainerdConfig(null, ctx.runtimeVersion, ctx.paths.containerdConfig);
  const d: Diagnostic[] = [...a.diagnostics];
  const ops: TomlOp[] = [];
  const files: RenderedFile[] = [];
  const done = (): LegacyRenderResult => {
    const failed = d.some((x) => x.severity === 'error');
    const finalOps = failed ? [] : ops;
    const changed = a.parsed ? !tomlEqual(applyTomlOps(a.parsed, finalOps), a.parsed) : finalOps.length > 0;
    return { files: failed ? [] : files, diagnostics: d, ops: finalOps, restartNeeded: changed };
  };
  if (a.exists && !a.parsed) return done();
  if (a.criDisabled) {
    d.push(
      fail(
        'cri-disabled',
        `disabled_plugins turns off the CRI plugin; registry settings do nothing`,
        'remove "cri" from disabled_plugins',
        undefined,
        a.file,
      ),
    );
  }
  if ((a.configPath ?? '') !== '') {
    d.push(
      fail(
        'config-path',
        `config_path is set (${a.configPath}): containerd refuses to load the CRI plugin when mirrors are set too`,
        `use ${useTarget('containerd', 'hosts.toml')}, or remove config_path first`,
        undefined,
        a.file,
      ),
    );
  }
  if (gates.defaultConfigPathBakedIn) {
    d.push(
      fail(
        'default-config-path',
        'containerd 2.2.0/2.2.1 has a built-in default config_path, which makes any mirrors setting fatal',
        `use ${useTarget('containerd')}, or upgrade to 2.2.2+`,
      ),
    );
  }
  d.push(...configVersionFindings('containerd-legacy', a, gates));
  d.push(...importFindings('containerd-legacy', a, a.configPath ?? ''));
  const registry = a.registryTableKeys;
  // A blank file gets a version like a new one (formats/containerd-config.ts `blank`).
  if (!a.exists || a.blank) ops.push({ op: 'set', keys: ['version'], value: a.configVersion });

  const tlsByHost = new Map<string, string>();
  const authByHost = new Map<string, string>();
  const byHost = new Map<string, RegistryEntry>();
  for (const e of set.registries.filter(appliesToLegacy)) {
    const prev = byHost.get(e.sourceHost);
    if (prev) {
      if (JSON.stringify([prev.fallback, prev.mirrors]) !== JSON.stringify([e.fallback, e.mirrors])) {
        d.push(
          fail(
            'host-conflict',
            `${e.source} and ${prev.source} need different mirrors, but legacy mirrors are keyed by registry host (${e.sourceHost})`,
            'give both entries the same mirrors, or target crio',
            `spec.registries[${e.index}].source`,
          ),
        );
      }
      continue;
    }
    byHost.set(e.sourceHost, e);
    const endpoints: string[] = [];
    for (const [j, m] of e.mirrors.entries()) {
      const field = `spec.registries[${e.index}].mirrors[${j}]`;
      const url = containerdHostUrl(e, j, 'containerd-legacy');
      if (!url.ok) {
        d.push(url.diagnostic);
        continue;
      }
      if (url.host.apiRoot === '') {
        d.push(
          fail(
            'api-root-empty',
            'an endpoint without a path always gets /v2: legacy mirrors cannot request <url>/<repo> directly',
            `add the API path to the URL (e.g. /v2) or use ${useTarget('containerd')}`,
            `${field}.url`,
          ),
        );
        continue;
      }
      const noV2 = apiRootWithoutV2(e, j, url.host.apiRoot, 'containerd-legacy');
      if (noV2) d.push(noV2);
      if (m.pullFrom !== 'all' || !m.capabilities.includes('resolve') || !m.capabilities.includes('pull')) {
        d.push(
          fail(
            'capabilities',
            'every legacy endpoint serves tags and digests (pull+resolve); digest-only, tag-only or reduced capabilities cannot be expressed',
            `use ${useTarget('containerd', 'hosts.toml capabilities')} or ${useTarget('crio', 'pull-from-mirror')}`,
            `${field}.pullFrom`,
          ),
        );
        continue;
      }
      if (Object.keys(m.headers).length > 0) {
        d.push(
          fail(
            'headers',
            'legacy config has only registry-wide headers (sent to every registry), not per mirror',
            `use ${useTarget('containerd', '[host.…header] in hosts.toml')}`,
            `${field}.headers`,
          ),
        );
        continue;
      }
      if (m.dialTimeout !== undefined) {
        d.push({
          severity: 'info',
          code: 'render.containerd-legacy.dial-timeout-dropped',
          field: `${field}.dialTimeout`,
          target: 'containerd-legacy',
          message: 'legacy mirrors have no dial timeout; not written',
        });
      }
      const origin = `${m.scheme}://${m.host}`;
      endpoints.push(url.host.apiRoot === '/v2' ? origin : `${origin}${url.host.apiRoot}`);
      tlsOps(e, j, ctx, a, gates.legacyTlsConfigs || !gates.known, tlsByHost, ops, files, d);
      legacyAuthOps(e, j, ctx, a.registryTableKeys, authByHost, ops, d);
    }
    // Legacy appends the upstream unless an endpoint is the registry itself (§1.2).
    if (!e.fallback && !e.mirrors.some((m) => m.host === e.sourceHost)) {
      d.push(
        fail(
          'fallback',
          'legacy mirrors always fall back to the upstream registry; fallback: false cannot be expressed',
          `use ${useTarget('containerd', 'server = the mirror in hosts.toml')}`,
          `spec.registries[${e.index}].fallback`,
        ),
      );
    }
    ops.push({ op: 'set', keys: [...registry, 'mirrors', e.sourceHost, 'endpoint'], value: endpoints });
  }
  return done();
}

function tlsOps(
  e: RegistryEntry,
  j: number,
  ctx: RenderContext,
  a: ContainerdConfigAnalysis,
  tlsSupported: boolean,
  tlsByHost: Map<string, string>,
  ops: TomlOp[],
  files: RenderedFile[],
  d: Diagnostic[],
): void {
  const m = e.mirrors[j]!;
  const field = `spec.registries[${e.index}].mirrors[${j}].tls`;
  const wanted = m.tls.insecureSkipVerify || m.tls.caFile || m.tls.certFile || m.tls.keyFile;
  if (!wanted) return;
  if (m.scheme === 'http') {
    d.push({
      severity: 'warning',
      code: 'render.containerd-legacy.http-tls-ignored',
      field,
      target: 'containerd-legacy',
      message: 'TLS settings on an http:// endpoint have no effect; not written',
    });
    return;
  }
  if (!tlsSupported) {
    d.push(
      fail(
        'tls-removed',
        'configs.<host>.tls was removed in containerd 2.0 (ignored with a warning)',
        `use ${useTarget('containerd', 'ca/client/skip_verify in hosts.toml')}`,
        field,
      ),
    );
    return;
  }
  const key = JSON.stringify(m.tls);
  const prev = tlsByHost.get(m.host);
  if (prev !== undefined) {
    if (prev !== key)
      d.push(
        fail(
          'tls-conflict',
          `two mirrors on ${m.host} need different TLS settings, but legacy configs are keyed by host`,
          'use the same tls settings for that host',
          field,
        ),
      );
    return;
  }
  tlsByHost.set(m.host, key);
  const base = [...a.registryTableKeys, 'configs', m.host, 'tls'];
  const dir = `${ctx.paths.containerdConfig.replace(/\/[^/]*$/, '')}/mirrorctl-tls/${slug(m.host)}`;
  const put = (
    name: string,
    specPath: string | undefined,
    tlsKey: string,
    secret: boolean,
    fieldName: string,
  ): void => {
    if (!specPath) return;
    const content = ctx.assets[specPath];
    if (content === undefined) {
      d.push(
        fail(
          'tls-file-missing',
          `file ${specPath} was not loaded`,
          `make ${specPath} readable where mirrorctl runs`,
          `${field}.${fieldName}`,
        ),
      );
      return;
    }
    files.push({
      path: `${dir}/${name}`,
      content,
      mode: secret ? 0o600 : 0o644,
      ...(secret ? { secret: true } : {}),
    });
    ops.push({ op: 'set', keys: [...base, tlsKey], value: `${dir}/${name}` });
  };
  if (m.tls.insecureSkipVerify) ops.push({ op: 'set', keys: [...base, 'insecure_skip_verify'], value: true });
  put('ca.pem', m.tls.caFile, 'ca_file', false, 'caFile');
  put('client-cert.pem', m.tls.certFile, 'cert_file', false, 'certFile');
  put('client-key.pem', m.tls.keyFile, 'key_file', true, 'keyFile');
}
