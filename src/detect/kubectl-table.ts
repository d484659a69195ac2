// Cells of a saved `kubectl get nodes [-o wide] [--show-labels]` table, by tokens: every column of the
// node printer holds one word except OS-IMAGE ("Ubuntu 22.04.3 LTS"), so a row splits exactly even when
// its spaces were squeezed or turned into tabs. A row that cannot be split without guessing is refused.
import type { Diagnostic } from '../diagnostics.js';

/** Columns of kubectl's node printer whose cells never hold a space (label values cannot either). */
const ONE_WORD = new Set([
  'NAME',
  'STATUS',
  'ROLES',
  'AGE',
  'VERSION',
  'INTERNAL-IP',
  'EXTERNAL-IP',
  'KERNEL-VERSION',
  'CONTAINER-RUNTIME',
  'LABELS',
]);

const IP = /^(<none>|[0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;
/** What a cell of each known column looks like; a cell that does not is a row that does not line up. */
const SHAPES: Record<string, { re: RegExp; what: string }> = {
  NAME: { re: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, what: 'a node name' },
  STATUS: { re: /^[A-Za-z]+(,[A-Za-z]+)*$/, what: 'a status like Ready or Ready,SchedulingDisabled' },
  AGE: { re: /^(<invalid>|<unknown>|(\d+[smhdy])+)$/, what: 'an age like 412d or 3y' },
  VERSION: { re: /^v?\d+\.\d+\S*$/, what: 'a kubelet version like v1.29.4' },
  'INTERNAL-IP': { re: IP, what: 'an IP address or <none>' },
  'EXTERNAL-IP': { re: IP, what: 'an IP address or <none>' },
  // uname -r (Linux) or major.minor.build.revision (Windows): always a dotted number first.
  'KERNEL-VERSION': { re: /^\d+(\.\d+)+\S*$/, what: 'a kernel release like 5.15.0-105-generic' },
  'CONTAINER-RUNTIME': { re: /^[a-z0-9-]+:\/\/\S*$/, what: 'runtime://version' },
};

export interface TableRow {
  /** 1-based line in the input. */
  line: number;
  cells: Record<string, string>;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

const tokens = (line: string): Token[] =>
  [...line.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));

const refuse = (message: string, line?: number): Diagnostic => ({
  severity: 'error',
  code: 'kubectl.table.invalid',
  message,
  ...(line !== undefined ? { line } : {}),
  hint: 'save the output of `kubectl get nodes -o json` instead: it needs no column guessing',
});

/** By order: the one multi-word column takes what the single-word columns around it leave. */
function byTokens(cols: Token[], toks: Token[], line: string): Record<string, string> | string {
  const flexible = cols.findIndex((c) => !ONE_WORD.has(c.text));
  if (toks.length < cols.length) return `${toks.length} cells for ${cols.length} columns: a cell is missing`;
  if (flexible === -1) {
    if (toks.length > cols.length) return `${toks.length} cells for ${cols.length} columns`;
    return Object.fromEntries(cols.map((c, i) => [c.text, toks[i]!.text]));
  }
  const after = cols.length - flexible - 1;
  const cells: Record<string, string> = {};
  cols.forEach((c, i) => {
    if (i < flexible) cells[c.text] = toks[i]!.text;
    else if (i > flexible) cells[c.text] = toks[toks.length - (cols.length - i)]!.text;
  });
  const first = toks[flexible]!;
  const last = toks[toks.length - after - 1]!;
  cells[cols[flexible]!.text] = line.slice(first.start, last.end);
  return cells;
}

/** By position, only for a tabwriter-aligned row: every token lies inside one column's span. */
function byPosition(cols: Token[], toks: Token[], line: string): Record<string, string> | undefined {
  const span = (i: number): [number, number] => [
    cols[i]!.start,
    cols[i + 1]?.start ?? Number.POSITIVE_INFINITY,
  ];
  for (const t of toks) {
    const i = cols.findIndex((_, k) => t.start >= span(k)[0] && t.start < span(k)[1]);
    if (i === -1 || t.end > span(i)[1]) return undefined;
  }
  return Object.fromEntries(cols.map((c, i) => [c.text, line.slice(...span(i)).trim()]));
}

/** Why a split cannot be right: an empty one-word cell, or a known cell of the wrong shape. */
function misfit(cells: Record<string, string>): string | undefined {
  const empty = [...ONE_WORD].find((c) => cells[c] === '');
  if (empty) return `${empty} would be empty`;
  for (const [col, s] of Object.entries(SHAPES))
    if (cells[col] !== undefined && !s.re.test(cells[col]))
      return `${col} would be "${cells[col]}", not ${s.what}`;
  return undefined;
}

/**
 * A tabwriter-aligned row is split by the header's positions (exact, spaces and empty label
 * columns included). Otherwise (squeezed spaces, tabs) token order decides, which is exact only while
 * at most one column may hold spaces; custom or `-L` label columns (possibly empty) make it a guess.
 */
function splitRow(
  cols: Token[],
  toks: Token[],
  line: string,
  flexibleCount: number,
): Record<string, string> | string {
  const aligned = byPosition(cols, toks, line);
  if (aligned && !misfit(aligned)) return aligned;
  if (flexibleCount > 1)
    return `the row is not aligned under the header, and ${cols
      .filter((c) => !ONE_WORD.has(c.text))
      .map((c) => c.text)
      .join(', ')} may hold spaces or be empty`;
  const split = byTokens(cols, toks, line);
  if (typeof split === 'string') return `the row does not split into the header's columns: ${split}`;
  const problem = misfit(split);
  return problem ? `${problem}: the row does not line up with the header's columns` : split;
}

export function splitKubectlTable(text: string): {
  columns: string[];
  rows: TableRow[];
  diagnostics: Diagnostic[];
} {
  const lines = text.split(/\r?\n/).map((l, i) => ({ l, n: i + 1 }));
  const nonEmpty = lines.filter(({ l }) => l.trim() !== '');
  const header = nonEmpty[0];
  const cols = header ? tokens(header.l) : [];
  if (!header || cols[0]?.text !== 'NAME')
    return {
      columns: [],
      rows: [],
      diagnostics: [refuse('the first line is not a `kubectl get nodes` header (NAME …)')],
    };
  const bad = cols.find((c) => !/^[A-Z][A-Z0-9-]*$/.test(c.text));
  const dup = cols.find((c, i) => cols.findIndex((d) => d.text === c.text) !== i);
  if (bad || dup)
    return {
      columns: [],
      rows: [],
      diagnostics: [
        refuse(`header column ${(bad ?? dup)!.text} is ${bad ? 'not a column name' : 'repeated'}`, header.n),
      ],
    };
  const flexibleCount = cols.filter((c) => !ONE_WORD.has(c.text)).length;
  const rows: TableRow[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const { l, n } of nonEmpty.slice(1)) {
    const split = splitRow(cols, tokens(l), l, flexibleCount);
    if (typeof split === 'string') diagnostics.push(refuse(split, n));
    else rows.push({ line: n, cells: split });
  }
  return { columns: cols.map((c) => c.text), rows, diagnostics };
}
