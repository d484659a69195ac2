// Nesting depth measured on the token stream, BEFORE the document is composed: yaml's composer
// is recursive and a 1 MiB file of `[[[[…` exhausts memory and aborts the whole process (not a
// catchable error). The Lexer is a linear state machine and is quote- and comment-aware, so
// brackets inside strings do not count. Block depth is estimated from the indentation stack
// plus `- ` indicators on a line; it may over-estimate, which is fine: a MirrorSet is ~7 deep.
import { Lexer } from 'yaml';

const FLOW_OPEN = new Set(['[', '{']);
const FLOW_CLOSE = new Set([']', '}']);

/**
 * Upper bound of the nesting depth of a YAML/JSON text and the 1-based line where it peaks.
 * Stops lexing as soon as the depth exceeds `stopAbove`: hostile input is rejected early.
 */
export function measureNestingDepth(
  text: string,
  stopAbove = Number.POSITIVE_INFINITY,
): { depth: number; line: number } {
  let flow = 0;
  let max = 0;
  let maxLine = 1;
  let line = 1;
  const indents: number[] = [];
  let lineStart = true;
  let indent = 0;
  let dashes = 0;
  const note = (depth: number): void => {
    if (depth > max) {
      max = depth;
      maxLine = line;
    }
  };
  for (const token of new Lexer().lex(text)) {
    if (max > stopAbove) break;
    if (token === '\n' || token === '\r\n') {
      line++;
      lineStart = true;
      indent = 0;
      dashes = 0;
      continue;
    }
    if (FLOW_OPEN.has(token)) {
      flow++;
      note(indents.length + dashes + flow);
      continue;
    }
    if (FLOW_CLOSE.has(token)) {
      if (flow > 0) flow--;
      continue;
    }
    if (token.startsWith('#')) continue;
    // Multi-line scalars carry their newlines inside one token.
    const newlines = token.split('\n').length - 1;
    if (lineStart && flow === 0) {
      if (/^ +$/.test(token)) {
        indent += token.length;
        continue;
      }
      if (token === '-' || token === '?') {
        dashes++;
        indent++;
        continue;
      }
      if (token.length > 0 && token.charCodeAt(0) >= 0x20) {
        lineStart = false;
        const base = indent - dashes;
        while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= base) indents.pop();
        indents.push(base);
        note(indents.length + dashes);
      }
    }
    line += newlines;
  }
  return { depth: max, line: maxLine };
}
