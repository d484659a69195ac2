// nodeStatus: what mirrorctl last did on this host and whether every file it wrote still holds
// those bytes (drift). Read-only: no lock; reports a pending journal (an interrupted transaction
// the next apply/rollback will finish), a deferred runtime action not done yet, and a held lock.
import type { Diagnostic } from '../diagnostics.js';
import type { HostFs } from '../host/ports.js';
import { currentSha } from './backup.js';
import { expectedFiles, lastApply } from './history.js';
import {
  DEFAULT_STATE_DIR,
  journalSchema,
  type PendingAction,
  readJsonDoc,
  statePaths,
  txStateSchema,
} from './state-files.js';

export type FileDrift = 'ok' | 'modified' | 'missing' | 'reappeared' | 'unreadable';

export interface NodeStatus {
  /** The last apply still in effect. */
  lastApply?: { txid: string; at: string; specHash?: string; specName?: string; target?: string };
  transactions: number;
  files: { path: string; state: FileDrift; owned: boolean }[];
  /** An interrupted transaction waiting for recovery. */
  pendingJournal?: { txid: string; kind: string; phase: string };
  /** A restart/reload deferred by --no-runtime-action, not performed or observed since. */
  pendingAction?: PendingAction;
  locked: boolean;
  diagnostics: Diagnostic[];
}

export const isInSync = (s: NodeStatus): boolean =>
  s.diagnostics.every((d) => d.severity !== 'error') &&
  s.files.every((f) => f.state === 'ok') &&
  !s.pendingJournal &&
  !s.pendingAction;

export type PendingJournal = NonNullable<NodeStatus['pendingJournal']>;

/** The interrupted transaction the next apply/rollback recovers first (null: none), read-only. */
export async function readPendingJournal(
  fs: HostFs,
  stateDir = DEFAULT_STATE_DIR,
): Promise<{ ok: true; value: PendingJournal | null } | { ok: false; diagnostic: Diagnostic }> {
  const read = await readJsonDoc(fs, statePaths(stateDir).journal, journalSchema);
  if (!read.ok) return read;
  const j = read.value;
  return { ok: true, value: j ? { txid: j.txid, kind: j.kind, phase: j.phase } : null };
}

/** The restart/reload deferred by --no-runtime-action and not done since (null: none), read-only. */
export async function readPendingAction(
  fs: HostFs,
  stateDir = DEFAULT_STATE_DIR,
): Promise<{ ok: true; value: PendingAction | null } | { ok: false; diagnostic: Diagnostic }> {
  const read = await readJsonDoc(fs, statePaths(stateDir).state, txStateSchema);
  if (!read.ok) return read;
  return { ok: true, value: read.value?.pendingAction ?? null };
}

export async function nodeStatus(fs: HostFs, stateDir = DEFAULT_STATE_DIR): Promise<NodeStatus> {
  const p = statePaths(stateDir);
  const out: NodeStatus = {
    transactions: 0,
    files: [],
    locked: (await fs.stat(p.lock)) !== null,
    diagnostics: [],
  };
  const journal = await readPendingJournal(fs, stateDir);
  if (!journal.ok) out.diagnostics.push(journal.diagnostic);
  else if (journal.value) out.pendingJournal = journal.value;
  const read = await readJsonDoc(fs, p.state, txStateSchema);
  if (!read.ok) {
    out.diagnostics.push(read.diagnostic);
    return out;
  }
  const state = read.value;
  if (!state) return out;
  out.transactions = state.history.length;
  if (state.pendingAction) out.pendingAction = state.pendingAction;
  const last = lastApply(state);
  if (last)
    out.lastApply = {
      txid: last.txid,
      at: last.at,
      ...(last.specHash ? { specHash: last.specHash } : {}),
      ...(last.specName ? { specName: last.specName } : {}),
      ...(last.target ? { target: last.target } : {}),
    };
  for (const f of [...expectedFiles(state).values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    let drift: FileDrift;
    try {
      const sha = await currentSha(fs, f.path);
      drift =
        sha === f.sha256 ? 'ok' : sha === null ? 'missing' : f.sha256 === null ? 'reappeared' : 'modified';
    } catch (e) {
      drift = 'unreadable';
      out.diagnostics.push({
        severity: 'warning',
        code: 'agent.status.unreadable',
        file: f.path,
        message: e instanceof Error ? e.message : String(e),
      });
    }
    out.files.push({ path: f.path, state: drift, owned: f.owned });
  }
  return out;
}
