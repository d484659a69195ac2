// The flags of the node verbs, in one table: every verb that works on a node (plan, apply, rollback,
// uninstall, import) takes the same --root/--runtime flags, and every verb that changes a node the same
// runtime-control flags, so a script can pass one flag set to all of them and help/env/docs agree.

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

/** Which runtime the node runs: every node verb takes these (rollback/uninstall check --runtime). */
export const RUNTIME_OPTIONS: OptionDef[] = [
  {
    flags: '--runtime <target>',
    description: "the node's target format, or auto to detect it",
    choices: ['auto', ...TARGETS],
    default: 'auto',
  },
  { flags: '--runtime-version <v>', description: 'runtime version to render for (default: detected)' },
  { flags: '--containerd-bin <path>', description: 'containerd binary to ask for its version' },
];

/** --root and the runtime flags: what every node verb accepts. */
export const NODE_OPTIONS: OptionDef[] = [ROOT_OPTION, ...RUNTIME_OPTIONS];

export const STATE_DIR_OPTION: OptionDef = {
  flags: '--state-dir <path>',
  description: "node path of mirrorctl's state (journal, backups, state.json)",
  default: '/var/lib/mirrorctl',
  hidden: true,
};

/** How a verb that changes the node acts on the runtime (apply, rollback, uninstall). */
export const RUNTIME_CONTROL_OPTIONS: OptionDef[] = [
  {
    flags: '--restart-command <cmd>',
    description: 'shell line (sh -c) that restarts the runtime (default: systemctl restart <unit>)',
  },
  {
    flags: '--reload-command <cmd>',
    description: 'shell line (sh -c) that reloads the runtime (default: systemctl reload <unit>)',
  },
  {
    flags: '--cri-endpoint <url>',
    description: 'CRI socket for the health check (default: the runtime socket under --root)',
  },
  {
    flags: '--health-timeout <duration>',
    description: 'how long the runtime may take to answer after a restart/reload',
    default: '30s',
  },
  {
    flags: '--no-runtime-action',
    description: 'change the files but leave the restart/reload to you (reported, not performed)',
  },
];

export const PLAN_OPTIONS: OptionDef[] = [
  SPEC_OPTION,
  ...NODE_OPTIONS,
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

export const rootOf = (ctx: CliContext, o: OptionValues): string =>
  resolve(ctx.cwd, optString(o, 'root') ?? '/');

/** --runtime: a target, or undefined for auto. */
export const runtimeFlag = (o: OptionValues): Target | undefined => {
  const r = optString(o, 'runtime') ?? 'auto';
  return r === 'auto' ? undefined : (r as Target);
};

export function planInput(opts: OptionValues, ctx: CliContext): PlanNodeInput & { root: string } {
  const root = rootOf(ctx, opts);
  const version = optString(opts, 'runtimeVersion');
  const bin = optString(opts, 'containerdBin');
  return {
    root,
    specFile: requireSpec(opts, ctx),
    readSpec: readLocalText,
    runtime: runtimeFlag(opts) ?? 'auto',
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
