// Wave planning (pure): how many nodes may restart their runtime at once, which nodes go first.
import type { Diagnostic } from '../diagnostics.js';

/** `--max-unavailable N|P%` → a count ≥ 1. Percentages round up, as the DaemonSet controller does. */
export function parseMaxUnavailable(
  text: string,
  total: number,
): { value: number; diagnostics: Diagnostic[] } {
  const m = /^(\d+)(%?)$/.exec(text.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!m || n <= 0 || (m[2] === '%' && n > 100)) {
    return {
      value: 1,
      diagnostics: [
        {
          severity: 'error',
          code: 'cluster.max-unavailable',
          field: '--max-unavailable',
          message: `"${text}" is not a node count or a percentage`,
          hint: 'use a positive integer (2) or a percentage from 1% to 100% (25%)',
        },
      ],
    };
  }
  const value = m[2] === '%' ? Math.ceil((total * n) / 100) : n;
  return { value: Math.max(1, value), diagnostics: [] };
}

/** `--canary NODE|N`: a node name, or the first N eligible nodes by name. */
export function resolveCanary(
  text: string | undefined,
  eligible: readonly string[],
): { nodes: string[]; diagnostics: Diagnostic[] } {
  if (text === undefined || text === '') return { nodes: [], diagnostics: [] };
  if (/^\d+$/.test(text)) return { nodes: [...eligible].sort().slice(0, Number(text)), diagnostics: [] };
  const names = text.split(',').map((s) => s.trim());
  const missing = names.filter((n) => !eligible.includes(n));
  if (missing.length > 0)
    return {
      nodes: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'cluster.canary.unknown-node',
          field: '--canary',
          message: `canary node ${missing.join(', ')} is not among the selected nodes`,
          hint: 'name a selected worker node (see `mirrorctl nodes`) or give a count',
        },
      ],
    };
  return { nodes: names, diagnostics: [] };
}

/** Splits nodes (sorted by name for a stable, reviewable order) into waves of at most `size`. */
export function planWaves(nodes: readonly string[], size: number): string[][] {
  const sorted = [...nodes].sort();
  const waves: string[][] = [];
  for (let i = 0; i < sorted.length; i += size) waves.push(sorted.slice(i, i + size));
  return waves;
}
