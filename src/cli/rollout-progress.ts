// Rollout output: a live per-node table redrawn on a TTY (few nodes) or a counts line (many), plain
// progress lines otherwise, and the final summary. Pure formatting plus a writer that keeps state.

import type { NodeOutcome, ProgressEvent, RolloutReport } from '../cluster/rollout.js';
import type { Out } from './context.js';

const MARK: Record<string, string> = {
  applied: '✓',
  unchanged: '✓',
  uninstalled: '✓',
  'pending-restart': '…',
  skipped: '-',
  'not-reached': ' ',
};
const mark = (s: string): string => MARK[s] ?? '✗';

export function formatNodeLine(o: NodeOutcome): string {
  const action = o.action !== 'none' ? ` (${o.action})` : '';
  return `${mark(o.status)} ${o.node}  ${o.status}${action}  [${o.phase}]${o.message ? `  ${o.message}` : ''}`;
}

export function formatTable(rows: readonly NodeOutcome[]): string {
  const head = ['NODE', 'RUNTIME', 'PHASE', 'STATUS', 'ACTION'];
  const body = rows.map((r) => [r.node, r.runtime, r.phase, `${mark(r.status)} ${r.status}`, r.action]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  return [head, ...body]
    .map((cols) =>
      cols
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatSummary(r: RolloutReport): string {
  const counts = new Map<string, number>();
  for (const n of r.nodes) counts.set(n.status, (counts.get(n.status) ?? 0) + 1);
  const parts = [...counts].sort().map(([s, c]) => `${c} ${s}`);
  const stopped = r.stoppedAt ? `; stopped at ${r.stoppedAt}` : '';
  return `${r.mode} revision ${r.revision} in namespace ${r.namespace}: ${parts.join(', ') || 'no nodes selected'}${stopped} (${r.requests} API requests)`;
}

/** Returns the progress callback for runRollout. */
export function progressWriter(err: Out, quiet: boolean): (e: ProgressEvent) => void {
  if (quiet) return () => {};
  const rows = new Map<string, NodeOutcome>();
  let drawn = 0;
  return (e) => {
    if (e.kind === 'phase') {
      if (!err.isTTY) err.write(`→ ${e.phase}: ${e.nodes} node(s)\n`);
      return;
    }
    rows.set(e.outcome.node, e.outcome);
    if (!err.isTTY) {
      err.write(`${formatNodeLine(e.outcome)}\n`);
      return;
    }
    // Redraw in place: move the cursor up over the previous frame and clear to the end of screen.
    const sorted = [...rows.values()].sort((a, b) => a.node.localeCompare(b.node));
    const frame =
      sorted.length <= 40
        ? formatTable(sorted)
        : `${sorted.length} nodes reported; last: ${formatNodeLine(e.outcome)}`;
    err.write(`${drawn > 0 ? `\x1b[${drawn}A\x1b[J` : ''}${frame}\n`);
    drawn = frame.split('\n').length;
  };
}
