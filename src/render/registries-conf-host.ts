// Render policy for a CRI-O/Podman node: what already sits there, checked before mirrorctl writes its
// drop-in (files c/image refuses, a v1 main file, entries our drop-in replaces or is replaced by), on
// c/image's rules (loading, drop-in order, whole-entry merge by prefix) from formats/registries-conf.ts.
import path from 'node:path/posix';
import type { Diagnostic } from '../diagnostics.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import {
  type CImageConfig,
  type CImageRegistry,
  dropInOrder,
  type HostConfFile,
  loadErrorText,
  loadRegistriesConf,
  V1_DROP_IN,
  V1_V2_MIXED,
} from '../formats/registries-conf.js';
import { stringifyToml } from '../toml/stringify.js';

const TARGET = 'crio';

/** The v2 text c/image's ConvertToV2 produces from a v1 file: what to write instead. */
function v2Equivalent(config: CImageConfig): string {
  const doc: Record<string, unknown> = {};
  if (config.unqualifiedSearchRegistries !== undefined)
    doc['unqualified-search-registries'] = config.unqualifiedSearchRegistries;
  doc.registry = config.registries.map((r) => ({
    prefix: r.prefix,
    location: r.location,
    ...(r.insecure ? { insecure: true } : {}),
    ...(r.blocked ? { blocked: true } : {}),
  }));
  return stringifyToml(doc);
}

const describe = (r: CImageRegistry): string =>
  JSON.stringify({
    location: r.location,
    insecure: r.insecure,
    blocked: r.blocked,
    mirrorByDigestOnly: r.mirrorByDigestOnly,
    mirrors: r.mirrors,
  });

const loadError = (file: string, error: string, isDropIn: boolean): Diagnostic => {
  // Newer c/image appends a struct dump to the mixing error, hence the prefix test.
  const mixed = error.startsWith(V1_V2_MIXED);
  const v1DropIn = error === V1_DROP_IN;
  return {
    severity: 'error',
    code: mixed ? 'host.crio.v1-v2-mixed' : v1DropIn ? 'host.crio.v1-drop-in' : 'host.crio.invalid',
    message: loadErrorText(file, error, isDropIn),
    file,
    hint: mixed
      ? 'move the [registries.search|insecure|block] lists to unqualified-search-registries and [[registry]] entries (insecure/blocked), then remove the v1 tables'
      : v1DropIn
        ? 'drop-ins must use the v2 format ([[registry]] tables); convert or remove this file'
        : 'CRI-O refuses to start (and a reload keeps the old config) until this file is fixed',
    target: TARGET,
  };
};

/**
 * Checks the node's main file and drop-ins, and (given mirrorctl's own drop-in) the prefixes it
 * would replace or be replaced by. Drop-ins are read in lexical order; later files win per prefix.
 */
export function analyzeRegistriesConf(
  mainText: string | null,
  dropIns: readonly HostConfFile[],
  opts: { mainPath?: string; own?: HostConfFile } = {},
): Diagnostic[] {
  const mainPath = opts.mainPath ?? DEFAULT_PATHS.registriesConf;
  const out: Diagnostic[] = [];
  const layers: { file: string; config: CImageConfig }[] = [];
  if (mainText !== null) {
    const main = loadRegistriesConf(mainText, false);
    if (!main.ok) out.push(loadError(mainPath, main.error, false));
    else {
      if (main.config.convertedFromV1)
        out.push({
          severity: 'error',
          code: 'host.crio.v1-main',
          message: `${mainPath} uses the deprecated v1 format ([registries.search|insecure|block]); c/image converts it in memory, and mirrorctl refuses to layer v2 drop-ins over a file it cannot merge by prefix`,
          file: mainPath,
          hint: `replace its v1 tables with this v2 equivalent (same behaviour):\n${v2Equivalent(main.config)}`,
          target: TARGET,
        });
      layers.push({ file: mainPath, config: main.config });
    }
  }
  const ownName = opts.own ? path.basename(opts.own.path) : undefined;
  const sorted = dropInOrder([...dropIns, ...(opts.own ? [opts.own] : [])]);
  let ownConfig: CImageConfig | undefined;
  for (const f of sorted) {
    const loaded = loadRegistriesConf(f.text, true);
    if (!loaded.ok) {
      out.push(loadError(f.path, loaded.error, true));
      continue;
    }
    if (opts.own && f.path === opts.own.path) ownConfig = loaded.config;
    else if (f.path !== opts.own?.path) layers.push({ file: f.path, config: loaded.config });
  }
  if (!opts.own || !ownConfig || ownName === undefined) return out;
  for (const reg of ownConfig.registries) {
    for (const layer of layers) {
      const theirs = layer.config.registries.find((r) => r.prefix === reg.prefix);
      if (!theirs) continue;
      const after = layer.file !== mainPath && path.basename(layer.file) > ownName;
      if (after)
        out.push({
          severity: 'error',
          code: 'host.crio.prefix-overridden',
          message: `${layer.file} sorts after ${opts.own.path} and also defines prefix "${reg.prefix}": c/image keeps only its entry, so mirrorctl's mirrors would never be used`,
          file: layer.file,
          hint: `remove that entry, or rename the file so it sorts before ${ownName}`,
          target: TARGET,
        });
      else if (describe(theirs) !== describe(reg))
        out.push({
          severity: 'warning',
          code: 'host.crio.prefix-replaced',
          message: `${layer.file} already defines prefix "${reg.prefix}" (${describe(theirs)}); mirrorctl's drop-in replaces that whole entry, so none of its settings apply any more`,
          file: layer.file,
          hint: 'carry the settings you still need into the spec, or remove the old entry',
          target: TARGET,
        });
    }
  }
  return out;
}
