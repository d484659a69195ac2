// Shared output helpers: results on stdout, diagnostics and progress on stderr; JSON/YAML writers.
import { stringify as toYaml } from 'yaml';
import { type Diagnostic, formatDiagnostic } from '../diagnostics.js';
import { maskUrlPasswords } from '../plan/secret-values.js';
import type { CliContext } from './context.js';

export type OutputFormat = 'text' | 'json' | 'yaml' | 'wide';

export function writeDiagnostics(ctx: CliContext, ds: readonly Diagnostic[]): void {
  for (const d of ds) {
    if (d.severity === 'info' && !ctx.verbose) continue;
    if (ctx.quiet && d.severity !== 'error') continue;
    // A message may quote a host file's URL: its password never reaches the terminal (issue 15.14).
    ctx.stderr.write(`${paint(ctx, d.severity, maskUrlPasswords(formatDiagnostic(d)))}\n`);
  }
}

export function writeDoc(ctx: CliContext, format: OutputFormat, doc: unknown): void {
  ctx.stdout.write(format === 'yaml' ? toYaml(doc) : `${JSON.stringify(doc, null, 2)}\n`);
}

const COLORS = { error: 31, warning: 33, info: 36, ok: 32, dim: 2 } as const;

export function paint(ctx: CliContext, kind: keyof typeof COLORS, text: string): string {
  return ctx.color ? `\u001b[${COLORS[kind]}m${text}\u001b[0m` : text;
}

/** ✓/✗ step line on stderr (suppressed by --quiet). */
export function step(ctx: CliContext, ok: boolean, message: string): void {
  if (ctx.quiet) return;
  ctx.stderr.write(`${paint(ctx, ok ? 'ok' : 'error', ok ? '✓' : '✗')} ${message}\n`);
}
