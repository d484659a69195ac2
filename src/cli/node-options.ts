// Flags shared by the node-level verbs (plan, apply, render): one table, so help, env vars and
// docs agree everywhere.

import { resolve } from 'node:path';
import { CliError, ExitCode } from '../exit-codes.js';
import { readLocalText } from '../host/local-files.js';
import type { PlanNodeInput } from '../planner/plan-node.js';
import { TARGETS, type Target } from '../spec/types.js';
import { parseDuration } from '../util/duration.js';
import { type OptionDef, type OptionValues, optBool, optString } from './command.js';
import type { CliContext } from './context.js';

export const SPEC_OPTION: OptionDef = {
  flags: '-f, --file <spec>',
  description: 'mirror spec (YAML or JSON)',
};
export const ROOT_OPTION: OptionDef = {
  flags: '--root <dir>',
  description: 'directory standing for the node filesystem; every node path is resolved under it',
  default: '/',
};

export const PLAN_OPTIONS: OptionDef[] = [
  SPEC_OPTION,
  ROOT_OPTION,
  {
    flags: '--runtime <target>',
    description: 'target format, or auto to detect it',
    choices: ['auto', ...TARGETS],
    default: 'auto',
  },
  { flags: '--runtime-version <v>', description: 'runtime version to render for (default: detected)' },
  { flags: '--containerd-bin <path>', description: 'containerd binary to ask for its version' },
  {
    flags: '--migrate-legacy',
    description: 'convert legacy CRI `mirrors` to hosts.toml and remove them in the same transaction',
  },
  {
    flags: '--keep-config-path-list',
    description: 'containerd ≥ 2.1: keep a `:` list config_path and set use_local_image_pull instead',
  },
  {
    flags: '--take-over',
    description: 'replace hand-made files at paths mirrorctl owns (backed up; restored by uninstall)',
  },
  {
    flags: '--skip-inexpressible',
    description: 'leave out entries the target cannot express (warning) instead of failing',
  },
];

export function requireSpec(opts: OptionValues, ctx: CliContext): string {
  const file = optString(opts, 'file');
  if (!file) throw new CliError('missing -f/--file SPEC (the mirror spec to apply)', ExitCode.INVALID_INPUT);
  return resolve(ctx.cwd, file);
}

export function planInput(opts: OptionValues, ctx: CliContext): PlanNodeInput & { root: string } {
  const root = resolve(ctx.cwd, optString(opts, 'root') ?? '/');
  const runtime = (optString(opts, 'runtime') ?? 'auto') as 'auto' | Target;
  const version = optString(opts, 'runtimeVersion');
  const bin = optString(opts, 'containerdBin');
  return {
    root,
    specFile: requireSpec(opts, ctx),
    readSpec: readLocalText,
    runtime,
    ...(version ? { runtimeVersion: version } : {}),
    // A root prefix is not this machine's runtime: only ask binaries when told which, or at /.
    runCommands: root === '/' || bin !== undefined,
    ...(bin ? { containerdBin: bin } : {}),
    desired: {
      migrateLegacy: optBool(opts, 'migrateLegacy'),
      keepConfigPathList: optBool(opts, 'keepConfigPathList'),
    },
    takeOver: optBool(opts, 'takeOver'),
    skipInexpressible: optBool(opts, 'skipInexpressible'),
  };
}

/** `30s`, `2m`, `1500ms` → milliseconds (the one duration syntax: util/duration.ts). */
export function durationFlag(text: string, flag: string): number {
  const { ms, diagnostics } = parseDuration(text, flag);
  if (diagnostics.length > 0)
    throw new CliError(`${flag}: "${text}" is not a duration (e.g. 30s, 2m, 500ms)`, ExitCode.INVALID_INPUT);
  return ms;
}
