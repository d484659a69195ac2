// Durations on the command line: `90s`, `10m`, `1h`, `500ms`, or bare seconds (`30`).
import type { Diagnostic } from '../diagnostics.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, field: string): { ms: number; diagnostics: Diagnostic[] } {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0)
    return {
      ms: 0,
      diagnostics: [
        {
          severity: 'error',
          code: 'cli.duration',
          field,
          message: `"${text}" is not a duration`,
          hint: 'use e.g. 30s, 10m, 1h',
        },
      ],
    };
  return { ms: Math.round(Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000)), diagnostics: [] };
}
