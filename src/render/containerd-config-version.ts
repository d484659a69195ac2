// The config-version side of config.toml for both containerd targets: which table this containerd
// reads for the file's `version` (formats/containerd-config.ts decides it), said as findings. An
// unknown containerd version with a version-less file is refused, never guessed (issues 15, 19).
import type { Diagnostic } from '../diagnostics.js';
import type { ContainerdConfigAnalysis } from '../formats/containerd-config.js';
import type { ContainerdGates } from '../formats/containerd-versions.js';
import { getPath, isTable, type TomlTable } from '../toml/parse.js';
import { formatKeyPath } from '../toml/patch-keys.js';
import { atLeast } from '../util/version.js';

export type ConfigTarget = 'containerd' | 'containerd-legacy';

export const finding = (
  target: ConfigTarget,
  a: ContainerdConfigAnalysis,
  severity: Diagnostic['severity'],
  code: string,
  message: string,
  hint?: string,
): Diagnostic => ({
  severity,
  code: `render.${target === 'containerd' ? 'containerd-config' : target}.${code}`,
  file: a.file,
  target,
  message,
  ...(hint ? { hint } : {}),
});

/** Findings about the file's config version for this containerd (the table it reads: a.registryTableKeys). */
export function configVersionFindings(
  target: ConfigTarget,
  a: ContainerdConfigAnalysis,
  gates: ContainerdGates,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const registry = formatKeyPath(a.registryTableKeys);
  const v = `containerd ${gates.version.major}.${gates.version.minor}`;
  const f = (severity: Diagnostic['severity'], code: string, message: string, hint?: string) =>
    out.push(finding(target, a, severity, code, message, hint));
  for (const e of a.loadErrors) {
    f(
      'error',
      'refused-by-containerd',
      `${v} refuses to load config.toml: "${e}"`,
      'fix config.toml first: containerd does not start with it',
    );
  }
  if (a.tableNeedsRuntimeVersion) {
    // 1.x reads [plugins.cri.registry] here, 2.0–2.2 only [plugins."io.containerd.cri.v1.images"
    // .registry] (containerd-versions.ts versionlessRegistry): no table is right for both.
    f(
      'error',
      'runtime-version-unknown',
      'config.toml has no `version` (a version 1 file), and where containerd reads its registry table then depends on the containerd version, which is unknown: 1.x reads [plugins.cri.registry], 2.0–2.2 only [plugins."io.containerd.cri.v1.images".registry]',
      'pass --runtime-version (the containerd version of this node), or --containerd-bin so mirrorctl can ask the binary',
    );
  } else if (a.parsed && !a.blank && a.configVersion <= 1 && gates.configV3) {
    out.push(versionlessOn2x(target, a, a.parsed, gates, registry));
  }
  if (gates.known && a.configVersion > gates.maxConfigVersion) {
    // 1.6 accepts any version and reads none of its tables; 1.7 and 2.x refuse to start.
    const refuses = gates.configV3 || atLeast(gates.version, 1, 7);
    f(
      'error',
      'version-unsupported',
      `config version ${a.configVersion} is not understood by containerd ${gates.version.major}.${gates.version.minor}.${gates.version.patch}: ${refuses ? `it refuses to start ("unsupported config version \`${a.configVersion}\`")` : `it silently ignores [${registry}]`}`,
      `write version = ${gates.defaultConfigVersion} with the registry table of that version, or upgrade containerd`,
    );
  }
  for (const keys of a.misplacedRegistryTables) {
    f(
      'warning',
      'registry-table-ignored',
      `[${formatKeyPath(keys)}] is ignored by ${a.configVersion <= 1 && gates.configV3 ? `${v} in ` : ''}a version ${a.configVersion} config; containerd reads [${registry}]`,
      'delete that table after checking nothing else depends on it',
    );
  }
  return out;
}

/** A version-less file on 2.x: where the registry goes, and (2.0–2.2) that the file's other CRI
 *  settings are ignored too — 2.1.9's `config dump` and `config migrate` both drop them. */
function versionlessOn2x(
  target: ConfigTarget,
  a: ContainerdConfigAnalysis,
  parsed: TomlTable,
  gates: ContainerdGates,
  registry: string,
): Diagnostic {
  const v = `containerd ${gates.version.major}.${gates.version.minor}`;
  const criTables = ['cri', 'io.containerd.grpc.v1.cri']
    .map((id) => ['plugins', id])
    .filter((keys) => isTable(getPath(parsed, keys)))
    .map(formatKeyPath);
  if (gates.versionlessRegistry === 'images-plugin-only' && criTables.length > 0) {
    return finding(
      target,
      a,
      'warning',
      'versionless-on-2x',
      `config.toml has no \`version\`: ${v} renames its plugin ids but never runs the CRI plugin's own migration, so every setting under [${criTables.join('], [')}] is ignored (sandbox_image, snapshotter, cni, registry…); the registry table ${v} reads here is [${registry}]`,
      'put `version = 2` first and rename [plugins.cri…] tables to [plugins."io.containerd.grpc.v1.cri"…] (what 1.x reads too); `containerd config migrate` of 2.0–2.2 drops those settings as well',
    );
  }
  return finding(
    target,
    a,
    'info',
    'versionless-on-2x',
    `config.toml has no \`version\`: ${v} reads it as version 1 and migrates it at every start; its registry table is [${registry}]`,
  );
}
