// config.toml `imports` for both containerd targets: does a file containerd imports undo what
// mirrorctl writes into the main file? 1.x replaces a whole plugin table per imported file, 2.x
// merges per key (runtime-semantics.md §1.7, formats/containerd-dropins.ts effectiveConfigPath);
// both proved by the real binaries in test/e2e/containerd-config-dump-generated.test.ts.
import type { Diagnostic } from '../diagnostics.js';
import type { ContainerdConfigAnalysis } from '../formats/containerd-config.js';
import { effectiveConfigPath, readImportedFiles } from '../formats/containerd-dropins.js';
import { containerdGates } from '../formats/containerd-versions.js';
import { formatKeyPath } from '../toml/patch-keys.js';
import { type ConfigTarget, finding } from './containerd-config-version.js';

/**
 * Findings about imported files, given the main file's config_path after mirrorctl's edit
 * (`mainAfter`, '' = unset) and, for the containerd target, the directory CRI must read.
 */
export function importFindings(
  target: ConfigTarget,
  a: ContainerdConfigAnalysis,
  mainAfter: string,
  hostsDir?: string,
): Diagnostic[] {
  if (a.imports.length === 0) return [];
  const gates = containerdGates(a.runtimeVersion);
  const out: Diagnostic[] = [];
  const f = (severity: Diagnostic['severity'], code: string, message: string, hint?: string) =>
    out.push(finding(target, a, severity, code, message, hint));
  const table = formatKeyPath(a.registryTableKeys.slice(0, -1));
  const cwdGlob = (u: string): boolean =>
    !u.startsWith('/') && u.includes('*') && !gates.relativeImportGlobsFromConfigDir;
  const merge = gates.importsDeepMerge
    ? 'overrides config_path per key'
    : `replaces the whole [${table}] table (containerd 1.x)`;
  if (!a.imported) {
    f(
      'warning',
      'imports',
      `config.toml imports ${a.imports.join(', ')}; an imported file that sets the CRI registry table ${merge}`,
      'make sure no imported file sets config_path or mirrors',
    );
    return out;
  }
  for (const u of a.imported.unread) {
    f(
      'warning',
      'import-unread',
      `config.toml imports ${u}, which mirrorctl could not follow${cwdGlob(u) ? ` (containerd ${gates.version.major}.${gates.version.minor} matches a relative glob against its own working directory)` : ''}; if it sets the CRI registry table it ${merge}`,
      'check those files by hand (absolute paths and `/dir/*.toml` globs are followed)',
    );
  }
  const dropIns = readImportedFiles(a.imported.files, a.runtimeVersion);
  for (const d of dropIns.filter((x) => x.syntaxError)) {
    f(
      'error',
      'import-syntax',
      `imported ${d.path} does not parse: ${d.syntaxError}`,
      'containerd refuses to start with it; fix or remove it',
    );
  }
  for (const d of dropIns) {
    for (const e of d.loadErrors ?? [])
      f(
        'error',
        'import-refused-by-containerd',
        `containerd ${gates.version.major}.${gates.version.minor} refuses to load imported ${d.path}: "${e}"`,
        'fix that file first: containerd does not start with it',
      );
  }
  const eff = effectiveConfigPath(mainAfter || undefined, dropIns, gates.known ? gates.version : undefined);
  const decided = eff.configPath ?? '';
  const how = (from: string): string =>
    eff.configPath !== undefined
      ? `${from} (imported) sets config_path = "${decided}"`
      : `${from} (imported) has the [${table}] table, which replaces the main file's whole table on containerd 1.x`;
  if (target === 'containerd') {
    const first = decided.split(':')[0];
    const ok = decided === mainAfter || (first === hostsDir && !gates.transferServicePulls);
    if (eff.from && !ok) {
      f(
        'error',
        'import-overrides',
        `${how(eff.from)}: containerd would read ${decided === '' ? 'no hosts.toml at all' : `"${decided}"`}, not ${hostsDir}`,
        `set config_path = "${hostsDir}" in ${eff.from}, or remove its registry table${gates.importsDeepMerge ? '' : ' (on 1.x: the whole CRI plugin table)'}`,
      );
    }
    for (const d of dropIns.filter((x) => x.legacyMirrorHosts.length > 0)) {
      f(
        'error',
        'import-legacy-mirrors',
        `imported ${d.path} has legacy mirrors for ${d.legacyMirrorHosts.join(', ')}; with config_path set containerd refuses to load the CRI plugin ("\`mirrors\` cannot be set when \`config_path\` is provided")`,
        `move them to hosts.toml and delete them from ${d.path}`,
      );
    }
  } else if (eff.from && decided !== '') {
    f(
      'error',
      'import-config-path',
      `${how(eff.from)}: with legacy mirrors set containerd refuses to load the CRI plugin`,
      `remove config_path from ${eff.from}, or use --runtime containerd (hosts.toml)`,
    );
  } else if (eff.from && !gates.importsDeepMerge) {
    f(
      'error',
      'import-overrides',
      `${how(eff.from)}: the mirrors written into config.toml would be dropped`,
      `write the mirrors into ${eff.from} by hand, or remove the CRI table from it`,
    );
  }
  if (!out.some((d) => d.severity !== 'info')) {
    f(
      'info',
      'imports-checked',
      `config.toml imports ${dropIns.length} file(s); none of them changes the registry settings mirrorctl writes`,
    );
  }
  return out;
}
