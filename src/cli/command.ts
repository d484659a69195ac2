// A command is data plus a run function. The same option table drives parsing (commander),
// the environment variable of every flag, `--help`, shell completion and docs/cli/*.md.
import type { CliContext } from './context.js';

export interface OptionDef {
  /** commander flags, e.g. '-f, --file <path>' or '--dry-run'. */
  flags: string;
  description: string;
  default?: string | boolean | string[];
  choices?: readonly string[];
  /** Repeatable value option (collects into an array). */
  repeatable?: boolean;
  /** Overrides the derived variable name (MIRRORCTL_<LONG_FLAG>). */
  env?: string;
  /** Hidden from help and docs (internal/test-only flags). */
  hidden?: boolean;
}

export interface ArgDef {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
}

export type OptionValues = Record<string, unknown>;

export interface CommandDef {
  name: string;
  summary: string;
  /** Longer text for --help and docs (markdown-ish plain text). */
  description?: string;
  args?: ArgDef[];
  options: OptionDef[];
  /** Examples shown in help and docs. */
  examples?: string[];
  run(ctx: CliContext, args: string[], opts: OptionValues): Promise<number>;
}

/** MIRRORCTL_DRY_RUN for --dry-run. */
export function envVarFor(def: OptionDef): string {
  if (def.env) return def.env;
  const long = /--(?:no-)?([a-z0-9-]+)/.exec(def.flags)?.[1] ?? def.flags;
  return `MIRRORCTL_${long.replace(/-/g, '_').toUpperCase()}`;
}

/** Typed accessors for commander's loose option bag. */
export const optString = (o: OptionValues, k: string): string | undefined =>
  typeof o[k] === 'string' ? (o[k] as string) : undefined;
export const optBool = (o: OptionValues, k: string): boolean => o[k] === true;
export const optList = (o: OptionValues, k: string): string[] => {
  const v = o[k];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
};
