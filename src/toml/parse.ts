// TOML reading for files mirrorctl does not own (config.toml, hosts.toml it reads back). smol-toml
// is spec-compliant and reports line/column, which become a Diagnostic naming the file and place.
import { parse, TomlError, type TomlTable } from 'smol-toml';
import type { Diagnostic } from '../diagnostics.js';

export type { TomlTable };

export type ParseResult = { ok: true; value: TomlTable } | { ok: false; diagnostic: Diagnostic };

/** Parses TOML; a syntax error comes back as a `toml.parse` error Diagnostic, never thrown. */
export function parseToml(text: string, file?: string): ParseResult {
  try {
    return { ok: true, value: parse(text) };
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
    return { ok: true, value: parse(text) };
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'invalid TOML';
    return err instanceof TomlError
      ? { ok: false, error, line: err.line, column: err.column }
      : { ok: false, error };
  }
}
