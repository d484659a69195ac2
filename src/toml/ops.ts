// The meaning of a TomlOp on parsed data. patchToml must agree with it (property-tested), and the
// planner uses it to predict the effective config without re-serialising anything.
import { isTable, type TomlTable } from './parse.js';

/** One edit of a file mirrorctl does not own (config.toml), applied format-preservingly. */
export type TomlOp =
  | { op: 'set'; keys: string[]; value: string | number | boolean | string[] }
  | { op: 'delete'; keys: string[] };

/** Returns a copy of `root` with the ops applied (missing tables are created for `set`). */
export function applyTomlOps(root: TomlTable, ops: readonly TomlOp[]): TomlTable {
  const out = structuredClone(root);
  for (const op of ops) {
    const parents = op.keys.slice(0, -1);
    const leaf = op.keys[op.keys.length - 1];
    if (leaf === undefined) continue;
    let cur: TomlTable | undefined = out;
    for (const k of parents) {
      if (!cur) break;
      const next: unknown = cur[k];
      if (isTable(next)) cur = next;
      else if (next === undefined && op.op === 'set') {
        const created: TomlTable = {};
        cur[k] = created;
        cur = created;
      } else cur = undefined;
    }
    if (!cur) continue;
    if (op.op === 'set') cur[leaf] = Array.isArray(op.value) ? [...op.value] : op.value;
    else delete cur[leaf];
  }
  return out;
}
