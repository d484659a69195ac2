// What the cluster verbs that change something share: --timeout/--no-wait, which MirrorSet is meant
// (--name, else the only one), following it with the progress writer, and the result on stdout
// (one line, or -o json/yaml) with the exit code the follower decided.
import { API_VERSION, MIRRORSET } from '../cluster/api/group.js';
import { type FollowResult, follow } from '../cluster/client/follow.js';
import { MIRRORSETS } from '../cluster/client/resources.js';
import type { Expectation } from '../cluster/client/verdict.js';
import { type Diagnostic, formatDiagnostics } from '../diagnostics.js';
import { ExitCode } from '../exit-codes.js';
import { type Kube, KubeError } from '../host/kube-port.js';
import { parseDuration } from '../util/duration.js';
import { type OptionValues, optString } from './command.js';
import type { CliContext } from './context.js';
import { type OutputFormat, writeDoc } from './output.js';
import { progressWriter } from './rollout-progress.js';

export interface FollowFlags {
  wait: boolean;
  timeoutMs: number;
  output: OutputFormat;
}

export function followFlags(o: OptionValues): FollowFlags | Diagnostic[] {
  const t = parseDuration(optString(o, 'timeout') ?? '10m', '--timeout');
  if (t.diagnostics.length > 0) return t.diagnostics;
  return {
    wait: o.wait !== false,
    timeoutMs: t.ms,
    output: (optString(o, 'output') ?? 'text') as OutputFormat,
  };
}

export function fail(ctx: CliContext, message: string, code: number = ExitCode.INVALID_INPUT): number {
  ctx.stderr.write(`✖ ${message}\n`);
  return code;
}

export function failDiagnostics(ctx: CliContext, ds: readonly Diagnostic[]): number {
  ctx.stderr.write(`${formatDiagnostics(ds)}\n`);
  return ExitCode.INVALID_INPUT;
}

/** Every MirrorSet's name; none when mirrorctl's CRD is not installed. */
export async function mirrorSetNames(kube: Kube): Promise<string[]> {
  try {
    return (await kube.list(API_VERSION, MIRRORSET.kind, '')).map((s) => s.metadata?.name ?? '').sort();
  } catch (err) {
    if (err instanceof KubeError && err.status === 404) return [];
    throw err;
  }
}

/** --name, else the cluster's only MirrorSet; a message when that is not one. */
export async function pickMirrorSet(
  kube: Kube,
  o: OptionValues,
): Promise<{ name: string } | { error: string }> {
  const given = optString(o, 'name');
  if (given) return { name: given };
  const names = await mirrorSetNames(kube);
  if (names.length === 1 && names[0]) return { name: names[0] };
  return {
    error:
      names.length === 0
        ? `no ${MIRRORSETS.kind} in this cluster`
        : `${names.length} MirrorSets (${names.join(', ')}): name one with --name`,
  };
}

/** Follows `name` with progress on stderr. */
export function followWithProgress(
  ctx: CliContext,
  kube: Kube,
  name: string,
  expect: Expectation,
  f: FollowFlags,
): Promise<FollowResult> {
  return follow(kube, name, expect, {
    timeoutMs: f.timeoutMs,
    watchNodes: ctx.stderr.isTTY && !ctx.quiet,
    onChange: progressWriter(ctx.stderr, ctx.quiet),
  });
}

/** The result document (-o json/yaml) or line (text) on stdout. */
export function writeResult(
  ctx: CliContext,
  f: FollowFlags,
  doc: Record<string, unknown>,
  line: string,
): void {
  if (f.output === 'json' || f.output === 'yaml') writeDoc(ctx, f.output, doc);
  else ctx.stdout.write(`${line}\n`);
}
