// main(argv, ctx) → exit code. The bin sets process.exitCode; nothing here calls process.exit.
import { Command, CommanderError, Option } from 'commander';
import { formatDiagnostic } from '../diagnostics.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { fsErrorToDiagnostic, HostFsError } from '../host/fs-error.js';
import { KubeError } from '../host/kube-port.js';
import { type CommandDef, envVarFor } from './command.js';
import { commands } from './commands/index.js';
import type { CliContext } from './context.js';
import { VERSION } from './version.js';

export const GLOBAL_OPTIONS = [
  { flags: '--no-color', description: 'disable colored output (also NO_COLOR)' },
  { flags: '-q, --quiet', description: 'only results on stdout, no progress on stderr' },
  { flags: '-v, --verbose', description: 'debug logging on stderr' },
] as const;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `name` is what help prints in usage lines: `kubectl mirror` when run as the kubectl plugin. */
export function buildProgram(ctx: CliContext, onRun: (code: number) => void, name = 'mirrorctl'): Command {
  const program = new Command(name)
    .description('Declarative, verified container-registry mirroring on Kubernetes nodes')
    .version(VERSION, '--version', 'print the version')
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError();
  for (const g of GLOBAL_OPTIONS) program.addOption(new Option(g.flags, g.description));
  for (const def of commands) program.addCommand(toCommander(def, ctx, onRun));
  return program;
}

export function toCommander(def: CommandDef, ctx: CliContext, onRun: (code: number) => void): Command {
  const cmd = new Command(def.name).description(def.summary).exitOverride();
  cmd.configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) });
  if (def.description) cmd.addHelpText('after', `\n${def.description}`);
  if (def.examples?.length)
    cmd.addHelpText('after', `\nExamples:\n${def.examples.map((e) => `  ${e}`).join('\n')}`);
  for (const a of def.args ?? []) {
    const name = a.variadic ? `${a.name}...` : a.name;
    cmd.argument(a.required ? `<${name}>` : `[${name}]`, a.description);
  }
  for (const o of def.options) {
    const opt = new Option(o.flags, o.description).env(envVarFor(o));
    if (o.choices) opt.choices(o.choices);
    if (o.repeatable) opt.argParser(collect);
    if (o.default !== undefined) opt.default(o.default);
    if (o.hidden) opt.hideHelp();
    cmd.addOption(opt);
  }
  cmd.action(async (...actionArgs: unknown[]) => {
    const self = actionArgs[actionArgs.length - 1] as Command;
    const args = self.args;
    const globals = self.optsWithGlobals();
    const runCtx: CliContext = {
      ...ctx,
      color: ctx.color && globals.color !== false,
      quiet: ctx.quiet || globals.quiet === true,
      verbose: ctx.verbose || globals.verbose === true,
    };
    onRun(await def.run(runCtx, args, self.opts()));
  });
  return cmd;
}

export async function main(argv: readonly string[], ctx: CliContext, name = 'mirrorctl'): Promise<number> {
  let code: number = ExitCode.OK;
  const program = buildProgram(
    ctx,
    (c) => {
      code = c;
    },
    name,
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help/version exit 0; usage errors are invalid input
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.INVALID_INPUT;
    }
    if (err instanceof HostFsError) {
      // A filesystem refusal (escape, symlink out of the root, ENOSPC …) is expected, not a bug.
      ctx.stderr.write(`${formatDiagnostic(fsErrorToDiagnostic(err))}\n`);
      return ExitCode.CONFLICT;
    }
    if (err instanceof CliError) {
      ctx.stderr.write(`✖ ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof KubeError) {
      // The API server's answer (or none) to a cluster verb: an expected failure, said in its words.
      ctx.stderr.write(`✖ the Kubernetes API: ${err.message}\n  → ${kubeErrorHint(err.status)}\n`);
      return ExitCode.FAILED_RESTORED;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    ctx.stderr.write(`✖ internal error (a bug, please report it): ${e.stack ?? e.message}\n`);
    return ExitCode.INTERNAL;
  }
}

function kubeErrorHint(status: number): string {
  if (status === 0)
    return 'no answer: check that the API server in --kubeconfig/--context (or KUBECONFIG) is reachable from here';
  if (status === 401)
    return 'the credentials in the kubeconfig were refused: log in again or pick another --context';
  if (status === 403)
    return 'this identity may not do that: ask for the RBAC in deploy/README.md, or use an admin --context';
  return 'the request was refused as printed; rerun with -v for the requests made';
}
