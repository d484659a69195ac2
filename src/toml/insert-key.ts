// Workaround for a toml-edit-js 0.6.5 panic ("called `Option::unwrap()` on a `None` value",
// src/ops/set.rs): adding a key to a table that has sub-tables but no key-values of its own, e.g.
// `config_path` into `[plugins."io.containerd.grpc.v1.cri".registry]` followed only by
// `[….registry.mirrors."docker.io"]`. Here the key line is inserted right under the table's header
// (or, for an implicit table, a header is added before its first sub-table). Header lines are
// recognised by parsing each candidate line with smol-toml, not by a hand-written key grammar.
import { stringify } from '@rainbowatcher/toml-edit-js';
import { isTable, parseToml } from './parse.js';
import { formatKeyPath } from './patch-keys.js';

/** True when adding a key-value to `table` would hit the toml-edit-js panic. */
export function needsHeaderInsert(table: unknown): boolean {
  if (!isTable(table)) return false;
  const values = Object.values(table);
  return values.length > 0 && values.every(isTable);
}

/** Key path of a `[a."b".c]` header line, or undefined for any other line (incl. `[[array]]`). */
function headerPath(line: string): string[] | undefined {
  if (!/^\s*\[[^[]/.test(line)) return undefined;
  const parsed = parseToml(`${line}\n`);
  if (!parsed.ok) return undefined;
  const path: string[] = [];
  let cur: unknown = parsed.value;
  while (isTable(cur)) {
    const keys = Object.keys(cur);
    if (keys.length === 0) return path;
    if (keys.length > 1) return undefined;
    path.push(keys[0]!);
    cur = cur[keys[0]!];
  }
  return undefined;
}

const samePrefix = (prefix: readonly string[], path: readonly string[]): boolean =>
  prefix.length <= path.length && prefix.every((k, i) => path[i] === k);

/** Inserts `key = value` into the table at `tableKeys` (see file comment). */
export function insertKeyUnderHeader(
  text: string,
  tableKeys: readonly string[],
  key: string,
  value: unknown,
): string {
  const lines = text.split('\n');
  const kv = stringify({ [key]: value }, { finalNewline: false }).trimEnd();
  const indentOf = (line: string): string => /^\s*/.exec(line)?.[0] ?? '';
  let firstChild = -1;
  for (let i = 0; i < lines.length; i++) {
    const path = headerPath(lines[i]!);
    if (!path || !samePrefix(tableKeys, path)) continue;
    if (path.length === tableKeys.length) {
      // Follow the file's nesting style: indent like the next (child) line when that is deeper.
      const indent = indentOf(lines[i]!);
      const next = lines.slice(i + 1).find((l) => l.trim() !== '') ?? '';
      const childIndent = indentOf(next).length > indent.length ? indentOf(next) : indent;
      lines.splice(i + 1, 0, `${childIndent}${kv}`);
      return lines.join('\n');
    }
    if (firstChild < 0) firstChild = i;
  }
  if (firstChild < 0) throw new Error(`no header found for [${formatKeyPath(tableKeys)}]`);
  const indent = indentOf(lines[firstChild]!);
  lines.splice(firstChild, 0, `${indent}[${formatKeyPath(tableKeys)}]`, `${indent}${kv}`, '');
  return lines.join('\n');
}
