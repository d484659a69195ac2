// TOML reading for files mirrorctl does not own (config.toml, hosts.toml it reads back). smol-toml
// is spec-compliant and reports line/column, which become a Diagnostic naming the file and place.
import { parse, TomlError, type TomlTable } from 'smol-toml';
import type { Diagnostic } from '../diagnostics.js';

export type { TomlTable };

export type ParseResult = { ok: true; value: TomlTable } | { ok: false; diagnostic: Diagnostic };

/**
 * One run reads the same config.toml in detection, the planner and the renderer: a plan on Debian's
 * 150-line config parsed it 9 times (apply 6). Each text is parsed once per process; every caller
 * gets its own copy of the tree, so no reader can change what another sees.
 */
const parsed = new Map<string, { value: TomlTable } | { error: unknown }>();
const MEMO_ENTRIES = 16;
const MEMO_MAX_CHARS = 256 * 1024;

function parseOnce(text: string): TomlTable {
  let r = parsed.get(text);
  if (!r) {
    try {
      r = { value: parse(text) };
    } catch (error) {
      r = { error };
    }
    if (text.length <= MEMO_MAX_CHARS) {
      const oldest = parsed.keys().next();
      if (parsed.size >= MEMO_ENTRIES && !oldest.done) parsed.delete(oldest.value);
      parsed.set(text, r);
    }
  }
  if ('error' in r) throw r.error;
  return copyTree(r.value) as TomlTable;
}

/** A deep copy keeping smol-toml's shapes (null-prototype tables, an own `__proto__` key, dates). */
function copyTree(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyTree);
  if (!isTable(v)) return v; // strings, numbers, booleans and TomlDates, which no reader changes
  const out = Object.create(Object.getPrototypeOf(v)) as TomlTable;
  for (const k of Object.keys(v)) {
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: copyTree(v[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = copyTree(v[k]) as TomlTable[string];
  }
  return out;
}

/** Parses TOML; a syntax error comes back as a `toml.parse` error Diagnostic, never thrown. */
export function parseToml(text: string, file?: string): ParseResult {
  try {
    return { ok: true, value: parseOnce(text) };
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    // smol-toml's message carries a code frame after the first line; keep only the reason.
    const reason = err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid TOML';
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        code: 'toml.parse',
        message: `invalid TOML: ${reason}`,
        file,
        line: err.line,
        column: err.column,
        hint: 'fix the syntax at that line (containerd refuses to start with this file), then run again',
      },
    };
  }
}

export const isTable = (v: unknown): v is TomlTable =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** The value at `keys`, or undefined when any segment is missing or not a table. */
export function getPath(root: TomlTable, keys: readonly string[]): unknown {
  let cur: unknown = root;
  for (const k of keys) {
    if (!isTable(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Structural equality of parsed TOML values (key order and prototypes ignored). */
export function tomlEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => tomlEqual(x, b[i]))
    );
  }
  if (isTable(a) || isTable(b)) {
    if (!isTable(a) || !isTable(b)) return false;
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && tomlEqual(a[k], b[k]))
    );
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a, b);
}

/**
 * For readers that quote the parser's own words (registries.conf reproduces c/image's error text,
 * detection summaries print it): a syntax error is the first line of smol-toml's message, verbatim
 * ("Invalid TOML document: …"), with its line/column, instead of parseToml's `toml.parse` Diagnostic.
 * Never throws: a file nested deep enough to overflow the parser's stack is reported the same way.
 */
export function parseTomlVerbatim(
  text: string,
): { ok: true; value: TomlTable } | { ok: false; error: string; line?: number; column?: number } {
  try {
    return { ok: true, value: parseOnce(text) };
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'invalid TOML';
    return err instanceof TomlError
      ? { ok: false, error, line: err.line, column: err.column }
      : { ok: false, error };
  }
}
