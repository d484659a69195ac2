// Spec text (YAML, or JSON when the file ends in .json) → plain value + a locator that maps a field
// path back to line/column. Every failure is a Diagnostic, never an exception: hostile input
// (huge files, deep nesting, alias bombs, several documents) is bounded before it costs anything.
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  visit,
  type YAMLError,
} from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import type { PathSegment } from './field-path.js';
import { measureNestingDepth } from './nesting.js';

export const MAX_SPEC_BYTES = 1024 * 1024;
export const MAX_SPEC_DEPTH = 64;
/** Alias expansions allowed while converting to JS (yaml's own guard against "billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

export interface Position {
  line: number;
  column: number;
}

/** Where a field is: its value node, or with `key: true` the key (for unknown/duplicate fields). */
export type Locate = (path: readonly PathSegment[], opts?: { key?: boolean }) => Position | undefined;

export interface ParsedSpec {
  /** The document as plain data; undefined when the text could not be parsed. */
  value?: unknown;
  locate: Locate;
  diagnostics: Diagnostic[];
}

const noLocation: Locate = () => undefined;

export function parseSpecText(text: string, file: string): ParsedSpec {
  const fail = (code: string, message: string, hint?: string, pos?: Position): ParsedSpec => ({
    locate: noLocation,
    diagnostics: [{ severity: 'error', code, message, file, ...pos, ...(hint ? { hint } : {}) }],
  });
  const bytes = utf8Length(text);
  if (bytes > MAX_SPEC_BYTES) {
    return fail(
      'spec.too-large',
      `file is ${bytes} bytes; the limit is ${MAX_SPEC_BYTES} (1 MiB)`,
      'a MirrorSet lists registries and mirrors; split unrelated registries into separate specs',
    );
  }
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const control = findRawControlChar(source);
  if (control) {
    return fail(
      'spec.syntax',
      `the file contains a raw control character (U+${control.code.toString(16).toUpperCase().padStart(4, '0')}); YAML allows only tab, CR and LF`,
      'is this a binary file? Write control characters inside a double-quoted string as escapes, e.g. "\\t"',
      control.pos,
    );
  }
  const nesting = measureNestingDepth(source, MAX_SPEC_DEPTH);
  if (nesting.depth > MAX_SPEC_DEPTH) {
    return fail(
      'spec.too-deep',
      `nesting is deeper than ${MAX_SPEC_DEPTH} levels`,
      'a MirrorSet is only a few levels deep; check for runaway brackets or indentation',
      { line: nesting.line, column: 1 },
    );
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const posAt = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const yamlDiag = (e: YAMLError): Diagnostic => ({
    severity: 'error',
    code: e.code === 'DUPLICATE_KEY' ? 'spec.duplicate-key' : 'spec.syntax',
    message: yamlMessage(e, source),
    file,
    ...posAt(e.pos[0]),
    ...(e.code === 'DUPLICATE_KEY'
      ? { hint: 'each field may appear once; remove or merge the repeated key' }
      : {}),
  });
  const diagnostics = docs.flatMap((d) => [...d.errors, ...d.warnings].map(yamlDiag));
  const filled = docs.filter((d) => !isEmptyNode(d.contents));
  if (filled.length > 1) {
    const second = filled[1]?.contents?.range?.[0] ?? 0;
    diagnostics.push({
      severity: 'error',
      code: 'spec.multiple-documents',
      message: `the file holds ${filled.length} YAML documents; a spec is exactly one MirrorSet`,
      file,
      ...posAt(second),
      hint: 'put each MirrorSet in its own file, or merge the registries into one spec',
    });
  }
  if (diagnostics.length === 0 && filled.length > 0 && file.toLowerCase().endsWith('.json')) {
    const strict = checkStrictJson(source, filled[0]);
    if (strict)
      diagnostics.push({ ...strict, file, ...(strict.offset === undefined ? {} : posAt(strict.offset)) });
  }
  const doc = filled[0];
  if (diagnostics.some((d) => d.severity === 'error')) return { locate: noLocation, diagnostics };
  if (!doc)
    return fail(
      'spec.empty',
      'the file is empty',
      'start from `apiVersion: mirrorctl.io/v1alpha1` (or `mirrorctl/v1`) and `kind: MirrorSet`',
    );
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /excessive alias/i.test(e.message)) {
      return fail(
        'spec.alias-limit',
        `too many alias expansions (more than ${MAX_ALIAS_COUNT})`,
        'write the values out instead of nesting aliases',
      );
    }
    if (e instanceof ReferenceError) {
      return fail(
        'spec.syntax',
        e.message,
        'define the anchor (&name) before using *name',
        unresolvedAliasPosition(doc, posAt),
      );
    }
    throw e;
  }
  const locate: Locate = (path, opts) => {
    const offset = findOffset(doc, path, opts?.key ?? false);
    return offset === undefined ? undefined : posAt(offset);
  };
  return { value, locate, diagnostics };
}

function unresolvedAliasPosition(doc: Document, posAt: (offset: number) => Position): Position | undefined {
  let at: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (at === undefined && node.resolve(doc) === undefined) at = node.range?.[0];
    },
  });
  return at === undefined ? undefined : posAt(at);
}

function findRawControlChar(text: string): { code: number; pos: Position } | undefined {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    } else if ((c < 0x20 && c !== 0x09 && c !== 0x0d) || (c >= 0x7f && c <= 0x9f && c !== 0x85)) {
      return { code: c, pos: { line, column: i - lineStart + 1 } };
    }
  }
  return undefined;
}

function utf8Length(text: string): number {
  // Every UTF-16 unit is at least one UTF-8 byte: skip encoding a text that is too long anyway.
  return text.length > MAX_SPEC_BYTES ? text.length : new TextEncoder().encode(text).length;
}

function isEmptyNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && node.source === '');
}

function yamlMessage(e: YAMLError, source: string): string {
  const first = e.message.split('\n')[0] ?? e.message;
  const stripped = first.replace(/ at line \d+, column \d+:?$/, '');
  if (e.code === 'DUPLICATE_KEY') {
    // pos may cover only the first character of the key: read the key up to its ":".
    const key = (/^(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:\n]*)/.exec(source.slice(e.pos[0]))?.[0] ?? '')
      .trim()
      .replace(/^["']|["']$/g, '');
    return `duplicate key${key ? ` ${JSON.stringify(key)}` : ''}`;
  }
  return stripped;
}

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const JSON_LITERAL = new Set(['true', 'false', 'null']);

/** Offset of the first YAML-only construct (plain or single-quoted strings, block style, anchors…). */
function firstNonJsonOffset(doc: Document | undefined): number | undefined {
  if (!doc) return undefined;
  let at: number | undefined;
  const note = (n: { range?: [number, number, number] | null }): typeof visit.BREAK | undefined => {
    at = n.range?.[0];
    return visit.BREAK;
  };
  visit(doc, {
    Alias: (_, n) => note(n),
    Scalar(_, n) {
      if (n.anchor || n.tag) return note(n);
      if (n.type === 'QUOTE_DOUBLE') return undefined;
      const src = n.source ?? '';
      if (n.type === 'PLAIN' && (JSON_NUMBER.test(src) || JSON_LITERAL.has(src))) return undefined;
      return note(n);
    },
    Map: (_, n) => (n.flow && !n.anchor && !n.tag ? undefined : note(n)),
    Seq: (_, n) => (n.flow && !n.anchor && !n.tag ? undefined : note(n)),
  });
  return at;
}

/** JSON files must be JSON: YAML would also accept comments, single quotes and trailing commas. */
function checkStrictJson(
  source: string,
  doc: Document | undefined,
): (Omit<Diagnostic, 'file'> & { offset?: number }) | undefined {
  try {
    JSON.parse(source);
    return undefined;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // V8 names a position for some errors only; otherwise point at the first YAML-only construct.
    const at = /at position (\d+)/.exec(message);
    const offset = at?.[1] ? Number(at[1]) : firstNonJsonOffset(doc);
    return {
      severity: 'error',
      code: 'spec.syntax',
      message: `invalid JSON: ${message.replace(/, (?:\.\.\.)?".*$/s, '').replace(/ in JSON at position \d+.*$/s, '')}`,
      hint: 'the file ends in .json; use strict JSON, or rename it to .yaml',
      ...(offset === undefined ? {} : { offset }),
    };
  }
}

type NodeLike = Node | null | undefined;

/** Offset of the node at `path` (or of its key); the deepest existing ancestor when it is missing. */
function findOffset(doc: Document, path: readonly PathSegment[], wantKey: boolean): number | undefined {
  let node = doc.contents as NodeLike;
  let keyOffset: number | undefined;
  let last: number | undefined = node?.range?.[0];
  for (const seg of path) {
    for (let hops = 0; isAlias(node) && hops < 16; hops++) node = node.resolve(doc) as NodeLike;
    keyOffset = undefined;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      if (!pair) return last;
      keyOffset = (pair.key as NodeLike)?.range?.[0];
      node = pair.value as NodeLike;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg] as NodeLike;
    } else {
      return last;
    }
    last = node?.range?.[0] ?? keyOffset ?? last;
  }
  return wantKey && keyOffset !== undefined ? keyOffset : last;
}
