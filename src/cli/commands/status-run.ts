// The implementation of `mirrorctl status` (status.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.

import { ExitCode } from '../../exit-codes.js';
import { nodeFs } from '../../host/node-fs.js';
import { describePending } from '../../transaction/pending-action.js';
import { isInSync, type NodeStatus, nodeStatus } from '../../transaction/status.js';
import type { OptionValues } from '../command.js';
import { optString } from '../command.js';
import type { CliContext } from '../context.js';
import { writeDiagnostics, writeDoc } from '../output.js';
import { rootOf, runClusterVerb } from './node-tx-options.js';

export function formatNodeStatus(s: NodeStatus): string {
  const lines: string[] = [];
  const a = s.lastApply;
  lines.push(
    a
      ? `last apply: ${a.txid} at ${a.at}, MirrorSet "${a.specName ?? '?'}" (spec ${a.specHash?.slice(0, 12) ?? '?'}), target ${a.target ?? '?'}`
      : s.transactions > 0
        ? 'last apply: none in effect (rolled back)'
        : 'mirrorctl has not changed this node',
  );
  if (s.files.length > 0) {
    lines.push('files:');
    const w = Math.max(...s.files.map((f) => f.state.length));
    for (const f of s.files)
      lines.push(`  ${f.state.padEnd(w)}  ${f.path}${f.owned ? '' : ' (edited, not owned)'}`);
  }
  if (s.pendingJournal) {
    const j = s.pendingJournal;
    lines.push(
      `interrupted: transaction ${j.txid} (${j.kind}, phase ${j.phase}); the next apply/rollback finishes it`,
    );
  }
  if (s.pendingAction) {
    const a = s.pendingAction.action;
    lines.push(
      `pending: ${describePending(s.pendingAction)}: ${a.service} still runs its previous config; the next apply performs it${s.pendingAction.evidence ? ', or `mirrorctl verify` observes it done' : ''}`,
    );
  }
  if (s.locked) lines.push('locked: a mirrorctl transaction holds the lock (or one died holding it)');
  return `${lines.join('\n')}\n`;
}

export async function runStatus(ctx: CliContext, _args: string[], o: OptionValues): Promise<number> {
  if (o.cluster === true) return runClusterVerb(ctx, o, 'clusterStatus');
  const s = await nodeStatus(
    nodeFs({ root: rootOf(ctx, o) }),
    optString(o, 'stateDir') ?? '/var/lib/mirrorctl',
  );
  writeDiagnostics(ctx, s.diagnostics);
  const output = optString(o, 'output');
  if (output === 'json' || output === 'yaml') writeDoc(ctx, output, { kind: 'NodeStatus', ...s });
  else ctx.stdout.write(formatNodeStatus(s));
  if (s.diagnostics.some((d) => d.severity === 'error' && d.code === 'agent.state.corrupt'))
    return ExitCode.INVALID_INPUT;
  return isInSync(s) ? ExitCode.OK : ExitCode.PENDING_OR_CHECK_FAILED;
}
