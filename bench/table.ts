// The one table `npm run bench` prints: every figure beside its target, the peer or naive procedure
// it is compared with in the same run, and a verdict. Targets without a number in issue 8 say so.
export type Verdict = 'pass' | 'MISS' | 'info' | 'n/a';

export interface Row {
  section: string;
  figure: string;
  value: string;
  target: string;
  comparison: string;
  verdict: Verdict;
}

export const verdict = (ok: boolean): Verdict => (ok ? 'pass' : 'MISS');

/** A row for a figure the bench could not measure here: the reason takes the value's place. */
export const unmeasured = (section: string, figure: string, target: string, reason: string): Row => ({
  section,
  figure,
  value: `not measured: ${reason}`,
  target,
  comparison: '—',
  verdict: 'n/a',
});

export function formatTable(rows: readonly Row[]): string {
  const head = ['#', 'figure', 'value', 'target', 'comparison (same run)', 'verdict'];
  const cells = rows.map((r) => [r.section, r.figure, r.value, r.target, r.comparison, r.verdict]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) => `| ${c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(head), rule, ...cells.map(line)].join('\n');
}

export const ms = (v: number): string => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
