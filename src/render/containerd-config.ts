// The config.toml side of the containerd target: make CRI read hosts.toml from ONE directory, or
// refuse with a reason (issue 3 conflict rules, runtime-semantics.md §1.2–1.4, §6). Pure: decides
// TomlOps on what formats/containerd-config.ts read from the node's file.
import type { Diagnostic } from '../diagnostics.js';
import type { ContainerdConfigAnalysis } from '../formats/containerd-config.js';
import { type ContainerdGates, containerdGates } from '../formats/containerd-versions.js';
import type { TomlOp } from '../toml/ops.js';
import { formatKeyPath } from '../toml/patch-keys.js';
import { importFindings } from './containerd-config-imports.js';
import { configVersionFindings, finding } from './containerd-config-version.js';
import { legacyToHostsFiles } from './containerd-legacy-migrate.js';
import { useTarget } from './target-flag.js';
import type { RenderedFile } from './types.js';

export interface ConfigPathOptions {
  /** The directory mirrorctl writes hosts.toml into (DEFAULT_PATHS.certsDir). */
  certsDir: string;
  /** Convert legacy `mirrors`/`configs.*.tls` to hosts.toml and delete them (issue 3). */
  migrateLegacy: boolean;
  /** On 2.1+, keep an existing `:` list and set `use_local_image_pull = true` instead of fixing it. */
  keepConfigPathList?: boolean;
  /** MirrorSet name for the header of migrated files. */
  specName?: string;
}

export interface ConfigPathPlan {
  /** Edits of config.toml (apply with patchToml to analysis.text); empty = already correct. */
  ops: TomlOp[];
  /** Whole new files: hosts.toml converted from legacy mirrors (spec-rendered files for the same
   *  directory take precedence over these). */
  files: RenderedFile[];
  diagnostics: Diagnostic[];
  /** config.toml changes need a containerd restart; nothing else here does. */
  restartNeeded: boolean;
  /** Where the hosts.toml files must go (an existing config_path is reused, not fought). */
  hostsDir: string;
  /** True when config.toml does not exist and the ops create it. */
  createsFile: boolean;
}

const err = (a: ContainerdConfigAnalysis, code: string, message: string, hint: string): Diagnostic =>
  finding('containerd', a, 'error', code, message, hint);
const note = (
  a: ContainerdConfigAnalysis,
  severity: 'warning' | 'info',
  code: string,
  message: string,
  hint?: string,
): Diagnostic => finding('containerd', a, severity, code, message, hint);

export function planConfigPath(a: ContainerdConfigAnalysis, opts: ConfigPathOptions): ConfigPathPlan {
  const gates = containerdGates(a.runtimeVersion);
  const plan: ConfigPathPlan = {
    ops: [],
    files: [],
    diagnostics: [...a.diagnostics],
    restartNeeded: false,
    hostsDir: opts.certsDir,
    createsFile: !a.exists,
  };
  if (a.exists && !a.parsed) return plan; // parse error already reported with line/column
  const registry = formatKeyPath(a.registryTableKeys);
  const d = plan.diagnostics;

  if (a.criDisabled) {
    d.push(
      err(
        a,
        'cri-disabled',
        `disabled_plugins = ${JSON.stringify(a.disabledPlugins)} turns off the CRI plugin, so kubelet cannot use this containerd and no registry setting applies`,
        'remove "cri" from disabled_plugins (Docker\'s containerd.io package ships it) and restart containerd, then run again',
      ),
    );
  }
  d.push(...configVersionFindings('containerd', a, gates));
  const importsAt = d.length; // their findings read best before the config_path ones
  // config_path first: it decides hostsDir, where migrated legacy mirrors must be written too.
  planPath(a, opts, plan, gates);
  planLegacy(a, opts, plan, registry, gates.legacyTlsConfigs || !gates.known);
  const setPath = plan.ops.find((o) => o.op === 'set' && o.keys.at(-1) === 'config_path');
  const mainAfter = setPath?.op === 'set' ? String(setPath.value) : (a.configPath ?? '');
  d.splice(importsAt, 0, ...importFindings('containerd', a, mainAfter, plan.hostsDir));
  // Deletions before the config_path edit, so the op list reads like the conflict it resolves.
  plan.ops = [...plan.ops.filter((o) => o.op === 'delete'), ...plan.ops.filter((o) => o.op === 'set')];
  if (plan.diagnostics.some((x) => x.severity === 'error')) {
    plan.ops = [];
    plan.files = [];
  }
  plan.restartNeeded = plan.ops.length > 0;
  return plan;
}

function planLegacy(
  a: ContainerdConfigAnalysis,
  opts: ConfigPathOptions,
  plan: ConfigPathPlan,
  registry: string,
  tlsBlocksConfigPath: boolean,
): void {
  const mirrorHosts = Object.keys(a.legacyMirrors);
  const tlsHosts = Object.keys(a.legacyTlsConfigs);
  // configs.*.tls blocks config_path only on 1.x; 2.x ignores it (warning) and it is just stale there.
  const blocking = mirrorHosts.length > 0 || (tlsBlocksConfigPath && tlsHosts.length > 0);
  if (!blocking) {
    if (tlsHosts.length > 0) {
      plan.diagnostics.push(
        note(
          a,
          'warning',
          'legacy-tls-ignored',
          `configs.<host>.tls for ${tlsHosts.join(', ')} is ignored by containerd 2.x`,
          'move it to hosts.toml (--migrate-legacy does)',
        ),
      );
    }
    if (!opts.migrateLegacy) return;
  }
  if (!opts.migrateLegacy) {
    const what = [
      mirrorHosts.length > 0 ? `mirrors for ${mirrorHosts.join(', ')}` : '',
      tlsHosts.length > 0 ? `configs.<host>.tls for ${tlsHosts.join(', ')}` : '',
    ].filter((s) => s !== '');
    // containerd 1.x ValidatePluginConfig (pkg/cri/config/config.go) checks `mirrors` first, then
    // each `configs.<host>.tls`: the first error it meets is the one its log shows.
    const refusal =
      mirrorHosts.length > 0
        ? '`mirrors` cannot be set when `config_path` is provided'
        : '`configs.tls` cannot be set when `config_path` is provided';
    plan.diagnostics.push(
      err(
        a,
        'legacy-mirrors',
        `[${registry}] has legacy ${what.join(' and ')}; with config_path set containerd refuses to load the CRI plugin ("${refusal}")`,
        `rerun with --migrate-legacy (converts them to hosts.toml and removes them in the same apply), or keep them with ${useTarget('containerd-legacy')}`,
      ),
    );
    return;
  }
  const migrated = legacyToHostsFiles(a, {
    certsDir: plan.hostsDir,
    ...(opts.specName ? { specName: opts.specName } : {}),
  });
  plan.files.push(...migrated.files);
  plan.diagnostics.push(...migrated.diagnostics);
  for (const h of mirrorHosts) plan.ops.push({ op: 'delete', keys: [...a.registryTableKeys, 'mirrors', h] });
  for (const h of tlsHosts)
    plan.ops.push({ op: 'delete', keys: [...a.registryTableKeys, 'configs', h, 'tls'] });
}

function planPath(
  a: ContainerdConfigAnalysis,
  opts: ConfigPathOptions,
  plan: ConfigPathPlan,
  gates: ContainerdGates,
): void {
  const setPath: TomlOp = { op: 'set', keys: [...a.registryTableKeys, 'config_path'], value: opts.certsDir };
  if (!a.exists || a.blank) {
    plan.ops.push({ op: 'set', keys: ['version'], value: a.configVersion }, setPath);
    return;
  }
  const current = a.configPath ?? '';
  if (current === '') {
    plan.ops.push(setPath);
    return;
  }
  if (current === opts.certsDir) return;
  const dirs = a.configPathDirs;
  if (dirs.length <= 1) {
    plan.hostsDir = dirs[0] ?? current;
    plan.diagnostics.push(
      note(
        a,
        'info',
        'config-path-reused',
        `config_path is already ${current}; hosts.toml files go there instead of ${opts.certsDir}`,
      ),
    );
    return;
  }
  // A `:` list: the local pull path splits it, the 2.1+ transfer service does not (§1.4).
  if (!gates.transferServicePulls && gates.known) {
    plan.hostsDir = dirs[0]!;
    plan.diagnostics.push(
      note(
        a,
        'info',
        'config-path-reused',
        `config_path lists ${dirs.join(', ')}; hosts.toml files go to the first (it wins lookups)`,
      ),
    );
    return;
  }
  if (opts.keepConfigPathList && a.configVersion >= 3 && (gates.useLocalImagePull || !gates.known)) {
    plan.hostsDir = dirs[0]!;
    if (a.useLocalImagePull !== true) {
      plan.ops.push({ op: 'set', keys: [...a.imagesPluginKeys, 'use_local_image_pull'], value: true });
    }
    plan.diagnostics.push(
      note(
        a,
        'info',
        'config-path-list-kept',
        `config_path list ${current} kept; use_local_image_pull = true makes CRI split it (2.1+ transfer pulls would not)`,
      ),
    );
    return;
  }
  plan.ops.push(setPath);
  plan.diagnostics.push(
    note(
      a,
      'warning',
      'config-path-list-replaced',
      `config_path "${current}" is a list, which containerd 2.1+ transfer-service pulls read as one (missing) directory; replaced by ${opts.certsDir}, so hosts.toml files in ${dirs.filter((x) => x !== opts.certsDir).join(', ')} are no longer read`,
      a.configVersion >= 3
        ? 'pass --keep-config-path-list to keep the list with use_local_image_pull = true instead'
        : 'move those hosts.toml files into the single directory',
    ),
  );
}
