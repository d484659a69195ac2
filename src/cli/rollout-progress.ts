// Following a MirrorSet on stderr: on a TTY a redrawn frame (a node table while there are few
// nodes, else the counts line); otherwise plain lines — one per wave transition and one per change
// of the counts (at most one a second while only counts move). Pure formatting plus a writer that
// keeps what it printed last.
import { MIRRORSET_CONDITIONS } from '../cluster/api/conditions.js';
import type { FollowSnapshot } from '../cluster/client/follow.js';
import { conditionOf, type MirrorNodeView, type MirrorSetView } from '../cluster/client/resources.js';
import type { Out } from './context.js';

const TABLE_MAX = 40;

const MARK: Record<string, string> = {
  Applied: '✓',
  Uninstalled: '✓',
  PendingRestart: '…',
  PendingReload: '…',
  Applying: '…',
  Waiting: ' ',
  Unsupported: '-',
};
const mark = (state: string): string => MARK[state] ?? '✗';

function table(head: string[], body: string[][]): string {
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

export function formatNodeTable(nodes: readonly MirrorNodeView[]): string {
  const rows = [...nodes]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((n) => {
      const state = n.status?.state ?? 'Waiting';
      return [
        n.metadata.name,
        `${mark(state)} ${state}`,
        n.status?.appliedRevision ?? '-',
        n.spec?.revision ?? '-',
        n.spec?.permit ? `wave ${n.spec.permit.wave}` : '',
        (n.status?.message ?? '').slice(0, 80),
      ];
    });
  return table(['NODE', 'STATE', 'REVISION', 'DESIRED', 'PERMIT', 'MESSAGE'], rows);
}

/** `revision 0123abcd4567: 3/10 updated, 3 ready, 2 pending restart, 0 failed — Progressing` */
export function formatCounts(set: MirrorSetView | undefined): string {
  if (!set) return 'the MirrorSet is gone';
  const n = set.status?.nodes;
  const ready = conditionOf(set, MIRRORSET_CONDITIONS.ready);
  const counts = n
    ? `${n.updated}/${n.total} updated, ${n.ready} ready, ${n.pendingRestart} pending restart, ${n.failed} failed`
    : 'no status yet';
  return `revision ${set.status?.revision ?? '?'}: ${counts}${ready ? ` — ${ready.reason}` : ''}`;
}

/** `wave 2 (restarting): node-c, node-d` — the wave in progress, or undefined. */
export function formatWave(set: MirrorSetView | undefined): string | undefined {
  const w = set?.status?.wave;
  if (!w) return undefined;
  const name = w.number === 0 ? 'canary wave' : `wave ${w.number}`;
  const nodes =
    w.nodes.length <= 8
      ? w.nodes.join(', ')
      : `${w.nodes.slice(0, 8).join(', ')} and ${w.nodes.length - 8} more`;
  const soak = w.phase === 'Soaking' && w.soakUntil ? ` until ${w.soakUntil}` : '';
  return `${name} ${w.phase.toLowerCase()}${soak}: ${nodes}`;
}

/** The progress callback for follow(); `now` only throttles count lines. */
export function progressWriter(
  err: Out,
  quiet: boolean,
  now: () => number = Date.now,
): (s: FollowSnapshot) => void {
  if (quiet) return () => {};
  let lastWave: string | undefined;
  let lastCounts = '';
  let lastWaiting = '';
  let countsAt = Number.NEGATIVE_INFINITY;
  let waitingAt = Number.NEGATIVE_INFINITY;
  let drawn = 0;
  return (s) => {
    const wave = formatWave(s.set);
    const counts = formatCounts(s.set);
    const waiting = s.waitingFor ? `waiting for ${s.waitingFor}` : '';
    if (err.isTTY) {
      const lines = [
        ...(s.nodes && s.nodes.length > 0 && s.nodes.length <= TABLE_MAX ? [formatNodeTable(s.nodes)] : []),
        counts,
        ...(wave ? [wave] : []),
        ...(waiting ? [waiting.slice(0, 200)] : []),
      ];
      const frame = lines.join('\n');
      err.write(`${drawn > 0 ? `\x1b[${drawn}A\x1b[J` : ''}${frame}\n`);
      drawn = frame.split('\n').length;
      return;
    }
    if (wave !== lastWave && wave) err.write(`→ ${wave}\n`);
    lastWave = wave;
    const t = now();
    if (counts !== lastCounts && (t - countsAt >= 1000 || !s.waitingFor)) {
      err.write(`  ${counts}\n`);
      lastCounts = counts;
      countsAt = t;
    }
    if (waiting && waiting !== lastWaiting && t - waitingAt >= 2000) {
      err.write(`  ${waiting}\n`);
      lastWaiting = waiting;
      waitingAt = t;
    }
  };
}
