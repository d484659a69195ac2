// Renders README.md's compatibility table from test/e2e/compat-matrix.ts (the rows the e2e cases
// take their titles from), between the compat-table markers. Run: npx tsx scripts/compat-table.ts
// test/compat-table.test.ts fails when the README's table is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMPAT_MATRIX, type CompatRow } from '../test/e2e/compat-matrix.js';

export const BEGIN = '<!-- compat-table:begin -->';
export const END = '<!-- compat-table:end -->';

const cell = (row: CompatRow): string =>
  row.provedBy ? `yes: \`test/e2e/${row.provedBy}\`` : `no: ${row.reason ?? 'not proved'}`;

/** The Markdown table, one line per row, in the matrix's order. */
export function renderCompatTable(rows: readonly CompatRow[]): string {
  return [
    '| runtime | version | format | proved by a real pull |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.runtime} | ${r.version} | ${r.format} | ${cell(r)} |`),
  ].join('\n');
}

/** README text with the table between the markers (appended at the end when they are absent). */
export function withCompatTable(readme: string, table: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  const block = `${BEGIN}\n${table}\n${END}`;
  if (begin === -1 || end === -1 || end < begin) {
    return `${readme.replace(/\n*$/, '\n')}\n${block}\n`;
  }
  return `${readme.slice(0, begin)}${block}${readme.slice(end + END.length)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = new URL('../README.md', import.meta.url);
  const before = readFileSync(file, 'utf8');
  const after = withCompatTable(before, renderCompatTable(COMPAT_MATRIX));
  if (after !== before) writeFileSync(file, after);
  process.stdout.write(
    after === before ? 'README.md compat table up to date\n' : 'README.md compat table written\n',
  );
}
