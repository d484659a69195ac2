// Queries over state.json's history: what mirrorctl expects each file to hold now, which paths it
// owns, and the last apply that can still be undone.
import type { RuntimeAction } from '../plan/types.js';
import type { FileRecord, TxRecord, TxState } from './state-files.js';

/** The latest recorded state of every path mirrorctl has written (later transactions win). */
export function expectedFiles(state: TxState): Map<string, FileRecord> {
  const out = new Map<string, FileRecord>();
  for (const tx of state.history) for (const f of tx.files) out.set(f.path, f);
  return out;
}

/** Paths mirrorctl owns on the host now (present and written as owned): input to buildPlan. */
export const ownedPaths = (state: TxState): string[] =>
  [...expectedFiles(state).values()]
    .filter((f) => f.owned && f.sha256 !== null)
    .map((f) => f.path)
    .sort();

export const lastUndoableApply = (state: TxState): TxRecord | undefined =>
  state.history.findLast((h) => h.kind === 'apply' && h.undone !== true);

/** The last apply still in effect (for status: spec hash and name). */
export const lastApply = lastUndoableApply;

const RANK = { none: 0, reload: 1, restart: 2 } as const;

/** The strongest action any of these transactions needed (uninstall needs it once more). */
export function strongestAction(records: readonly TxRecord[], fallback: RuntimeAction): RuntimeAction {
  let best = fallback;
  for (const r of records) if (RANK[r.action.kind] > RANK[best.kind]) best = r.action;
  return best;
}
