// The implementation of `mirrorctl apply` (apply.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
import { resolve } from 'node:path';
import { CliError, ExitCode } from '../../exit-codes.js';
import { readLocalText } from '../../host/local-files.js';
import { redactPlan } from '../../plan/redact.js';
import { parsePlan } from '../../plan/schema.js';
import { applyNode, applySavedPlan } from '../../planner/reconcile.js';
import { resolveSavedPlan } from '../../planner/saved-plan.js';
import { exitCodeFor } from '../../transaction/types.js';
import { type OptionValues, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { nodeHost } from '../node-host.js';
import { durationFlag, planInput } from '../node-options.js';
import { step, writeDiagnostics, writeDoc } from '../output.js';
import { writePlanText } from '../plan-output.js';
import { txOptions } from '../runtime-wiring.js';

export async function runApply(ctx: CliContext, _args: string[], opts: OptionValues): Promise<number> {
  const saved = optString(opts, 'plan');
  if (saved) return applySaved(ctx, opts, resolve(ctx.cwd, saved));
  const input = planInput(opts, ctx);
  const json = optString(opts, 'output') === 'json';
  const host = nodeHost(input.root, consoleLog(ctx));
  const restart = optString(opts, 'restartCommand');
  const reload = optString(opts, 'reloadCommand');
  const cri = optString(opts, 'criEndpoint');
  const out = await applyNode(
    host,
    {
      ...input,
      ...(restart ? { restartCommand: restart } : {}),
      ...(reload ? { reloadCommand: reload } : {}),
      ...(cri ? { criEndpoint: cri } : {}),
      healthTimeoutMs: durationFlag(optString(opts, 'healthTimeout') ?? '30s', '--health-timeout'),
      dryRun: opts.dryRun === true,
      // commander turns --no-runtime-action into runtimeAction: false
      deferAction: opts.runtimeAction === false,
      env: ctx.env,
    },
    txOptions,
  );
  writeDiagnostics(ctx, out.planned.diagnostics);
  if (!json) writePlanText(ctx, out.planned);
  if (out.tx) {
    writeDiagnostics(ctx, out.tx.diagnostics);
    if (!json) ctx.stdout.write(`${out.tx.status}${out.tx.runtimeError ? `: ${out.tx.runtimeError}` : ''}\n`);
  }
  if (json) {
    writeDoc(ctx, 'json', {
      status: out.tx?.status ?? (out.planned.refusal ? 'refused' : 'dry-run'),
      exitCode: out.exitCode,
      plan: out.planned.plan ? redactPlan(out.planned.plan) : null,
      result: out.tx ?? null,
    });
  }
  return out.exitCode === 0 ? ExitCode.OK : out.exitCode;
}

function consoleLog(ctx: CliContext) {
  return {
    step: (ok: boolean, m: string) => step(ctx, ok, m),
    info: (m: string) => (ctx.quiet ? undefined : ctx.stderr.write(`${m}\n`)),
    warn: (m: string) => ctx.stderr.write(`⚠ ${m}\n`),
    debug: (m: string) => (ctx.verbose ? ctx.stderr.write(`  ${m}\n`) : undefined),
  };
}

async function applySaved(ctx: CliContext, opts: OptionValues, file: string): Promise<number> {
  if (optString(opts, 'file'))
    throw new CliError('give either --plan FILE or -f SPEC, not both', ExitCode.INVALID_INPUT);
  const text = await readLocalText(file);
  if (text === null) throw new CliError(`--plan ${file}: no such file`, ExitCode.INVALID_INPUT);
  const parsed = parsePlan(text, file);
  writeDiagnostics(ctx, parsed.diagnostics);
  if (!parsed.plan) return ExitCode.INVALID_INPUT;
  const root = resolve(ctx.cwd, optString(opts, 'root') ?? '/');
  const host = nodeHost(root, consoleLog(ctx));
  // The file holds no secret value: they come back from the node's files, checked by hash.
  const resolved = await resolveSavedPlan(host.fs, parsed.plan);
  writeDiagnostics(ctx, resolved.diagnostics);
  if (!resolved.plan) return ExitCode.CONFLICT;
  const restart = optString(opts, 'restartCommand');
  const reload = optString(opts, 'reloadCommand');
  const cri = optString(opts, 'criEndpoint');
  const tx = await applySavedPlan(
    host,
    resolved.plan,
    {
      root,
      ...(restart ? { restartCommand: restart } : {}),
      ...(reload ? { reloadCommand: reload } : {}),
      ...(cri ? { criEndpoint: cri } : {}),
      healthTimeoutMs: durationFlag(optString(opts, 'healthTimeout') ?? '30s', '--health-timeout'),
      deferAction: opts.runtimeAction === false,
      env: ctx.env,
    },
    txOptions,
  );
  writeDiagnostics(ctx, tx.diagnostics);
  if (optString(opts, 'output') === 'json')
    writeDoc(ctx, 'json', { status: tx.status, exitCode: exitCodeFor(tx), result: tx });
  else ctx.stdout.write(`${tx.status}${tx.runtimeError ? `: ${tx.runtimeError}` : ''}\n`);
  return exitCodeFor(tx);
}
