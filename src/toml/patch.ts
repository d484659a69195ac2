// Format-preserving edits of TOML files mirrorctl does not own (containerd config.toml). Wraps
// @rainbowatcher/toml-edit-js (Rust toml_edit): comments, order, whitespace and unrelated keys
// stay byte-identical; new tables are written as standard `[a."b".c]` headers, never inline.
import { edit, initSync, stringify } from '@rainbowatcher/toml-edit-js';
import { diffLines } from 'diff';
import { insertKeyUnderHeader, needsHeaderInsert } from './insert-key.js';
import type { TomlOp } from './ops.js';
import { applyTomlOps } from './ops.js';
import { getPath, isTable, parseToml, tomlEqual } from './parse.js';
import { formatKeyPath } from './patch-keys.js';

export { formatKeyPath, formatKeySegment } from './patch-keys.js';

let ready = false;
function ensureInit(): void {
  if (ready) return;
  initSync();
  ready = true;
}

// toml-edit-js rejects single-segment (root-level) paths ("path key is empty"). Root key-values
// always precede the first table header, so a temporary header turns them into an ordinary table.
// A new key lands after the last root key-value, or at the very top when there is none (comments
// above a key are its decor in toml_edit and would be deleted with it, so never insert below them).
const ROOT_SHIM = '__mirrorctl_root__';
const ROOT_SHIM_HEADER = `[${ROOT_SHIM}]\n`;

function editAt(text: string, keys: readonly string[], value: unknown): string {
  const finalNewline = text === '' || text.endsWith('\n');
  if (keys.length > 1) return edit(text, formatKeyPath(keys), value, { inline: false, finalNewline });
  const shimmed = edit(ROOT_SHIM_HEADER + text, formatKeyPath([ROOT_SHIM, ...keys]), value, {
    inline: false,
    finalNewline,
  });
  if (!shimmed.startsWith(ROOT_SHIM_HEADER)) throw new Error('toml-edit moved the root shim header');
  return shimmed.slice(ROOT_SHIM_HEADER.length);
}

// toml-edit writes a new key flush left. In files that indent table bodies (containerd's own
// `config default` does), indent it like the line above it: a sibling key, or its table header + 2.
function indentLikeNeighbours(before: string, after: string): string {
  const parts = diffLines(before, after);
  const added = parts.filter((p) => p.added);
  if (added.length !== 1 || parts.some((p) => p.removed) || added[0]!.count !== 1) return after;
  let out = '';
  let prev = '';
  for (const part of parts) {
    if (part.added && /^\S/.test(part.value)) {
      const indent = /^\s*/.exec(prev)?.[0] ?? '';
      const header = /^\s*\[/.test(prev);
      out += (header && indent !== '' ? `${indent}  ` : header ? '' : indent) + part.value;
    } else out += part.value;
    const lines = part.value.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 0) prev = lines[lines.length - 1]!;
  }
  return out;
}

// A missing table is appended as one standard header (`[a."b".c]`) at the end of the file. toml-edit
// would also emit an empty header for every missing ancestor and place the block before trailing
// comments. Callers verify the result and fall back to toml-edit (e.g. ancestor is an inline table).
function appendTable(text: string, tableKeys: readonly string[], key: string, value: unknown): string {
  const kv = stringify({ [key]: value }, { finalNewline: true });
  const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${body}${body === '' ? '' : '\n'}[${formatKeyPath(tableKeys)}]\n${kv}`;
}

const BLANK_OR_COMMENT = /^[ \t]*(#.*)?\r?\n?$/;

// toml_edit deletes the comment and blank lines above a removed key or table (its "decor"), which
// may be a file header or a note about a neighbour. Put those lines back; the body goes.
function keepDecorComments(before: string, after: string): string {
  let out = '';
  for (const part of diffLines(before, after)) {
    if (!part.removed) {
      out += part.value;
      continue;
    }
    const lines = part.value.split(/(?<=\n)/);
    let k = 0;
    while (k < lines.length && BLANK_OR_COMMENT.test(lines[k]!)) k++;
    out += lines.slice(0, k).join('');
  }
  return out;
}

/**
 * Applies ops in order and returns the new text. Setting a value that is already there and deleting
 * a key that is absent leave the text untouched (so patching is idempotent). Throws only on caller
 * bugs: input that is not TOML (callers parse first and report a Diagnostic), an unrepresentable key,
 * or replacing/deleting a whole top-level table (the editor cannot address root-level paths).
 */
export function patchToml(text: string, ops: readonly TomlOp[]): string {
  ensureInit();
  let out = text;
  for (const op of ops) {
    if (op.keys.length === 0) throw new Error('TomlOp with an empty key path');
    const parsed = parseToml(out);
    if (!parsed.ok) throw new Error(`patchToml: input is not valid TOML (${parsed.diagnostic.message})`);
    const current = getPath(parsed.value, op.keys);
    if (op.keys.length === 1 && isTable(current)) {
      throw new Error(`patchToml: cannot ${op.op} the whole root table [${formatKeyPath(op.keys)}]`);
    }
    if (op.op === 'set') {
      if (tomlEqual(current, op.value)) continue;
      const parentKeys = op.keys.slice(0, -1);
      if (
        current === undefined &&
        parentKeys.length > 0 &&
        needsHeaderInsert(getPath(parsed.value, parentKeys))
      ) {
        out = insertKeyUnderHeader(out, parentKeys, op.keys[op.keys.length - 1]!, op.value);
        const check = parseToml(out);
        if (!check.ok || !tomlEqual(check.value, applyTomlOps(parsed.value, [op]))) {
          throw new Error(`patchToml: could not add ${formatKeyPath(op.keys)} under its table header`);
        }
        continue;
      }
      if (current === undefined && parentKeys.length > 0 && getPath(parsed.value, parentKeys) === undefined) {
        const appended = appendTable(out, parentKeys, op.keys[op.keys.length - 1]!, op.value);
        const check = parseToml(appended);
        if (check.ok && tomlEqual(check.value, applyTomlOps(parsed.value, [op]))) {
          out = appended;
          continue;
        }
      }
      const edited = editAt(out, op.keys, op.value);
      out = current === undefined ? indentLikeNeighbours(out, edited) : edited;
    } else {
      if (current === undefined) continue; // the editor would otherwise create empty parent tables
      out = keepDecorComments(out, editAt(out, op.keys, undefined));
    }
  }
  return out;
}
