// One shape for every finding mirrorctl reports: spec validation issues, renderer diagnostics
// ("cannot express"), lints and host conflicts. Errors are values (see docs/exit-codes.md).

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `spec.url.scheme`, `render.containerd.remap`. */
  code: string;
  message: string;
  /** Field path in the spec, e.g. `spec.registries[0].mirrors[1].url`. */
  field?: string;
  /** File the finding is about (spec file or host file). */
  file?: string;
  line?: number;
  column?: number;
  /** What to do about it. */
  hint?: string;
  /** Target the finding applies to, when it is target-specific. */
  target?: string;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** `✖ file:line:col spec.registries[0].mirrors[1].url: message (hint)` — zod prettifyError-like. */
export function formatDiagnostic(d: Diagnostic): string {
  const mark = d.severity === 'error' ? '✖' : d.severity === 'warning' ? '⚠' : 'ℹ';
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''} ` : '';
  const field = d.field ? `${d.field}: ` : '';
  const target = d.target ? `[${d.target}] ` : '';
  const hint = d.hint ? `\n    → ${d.hint}` : '';
  return `${mark} ${where}${target}${field}${d.message}${hint}`;
}

export const formatDiagnostics = (ds: readonly Diagnostic[]): string => ds.map(formatDiagnostic).join('\n');
