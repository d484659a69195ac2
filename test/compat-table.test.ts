// README's compatibility table is generated from test/e2e/compat-matrix.ts: stale README, a row
// naming a file that lost its case, or a fetched containerd with no row all fail here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, renderCompatTable, withCompatTable } from '../scripts/compat-table.js';
import { COMPAT_MATRIX } from './e2e/compat-matrix.js';

const repo = join(import.meta.dirname, '..');

describe('README compatibility table', () => {
  it('is the table scripts/compat-table.ts renders (run it after changing compat-matrix.ts)', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain(BEGIN);
    expect(withCompatTable(readme, renderCompatTable(COMPAT_MATRIX))).toBe(readme);
  });

  it.each(COMPAT_MATRIX.map((r) => ({ ...r, name: `${r.runtime} ${r.version} ${r.format}` })))(
    '$name: proved by an e2e file that declares it, or has a reason',
    (row) => {
      expect(Boolean(row.provedBy) !== Boolean(row.reason), 'exactly one of provedBy / reason').toBe(true);
      if (!row.provedBy) return;
      const file = join(repo, 'test', 'e2e', row.provedBy);
      expect(existsSync(file), file).toBe(true);
      // The case takes its title from the matrix, so the file must look the row up.
      expect(readFileSync(file, 'utf8')).toMatch(/compatCase\(/);
    },
  );

  it('has a row for every containerd scripts/fetch-containerd.sh fetches', () => {
    const fetched = join(repo, '.cache', 'containerd', 'versions.txt');
    if (!existsSync(fetched)) return;
    const versions = readFileSync(fetched, 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[0])
      .filter((v): v is string => Boolean(v));
    const declared = COMPAT_MATRIX.filter((r) => r.runtime === 'containerd').map((r) => r.version);
    for (const v of versions) expect(declared, `compat-matrix.ts lacks containerd ${v}`).toContain(v);
  });
});

describe('withCompatTable', () => {
  it.each([
    {
      name: 'replaces only the block',
      readme: `# x\n${BEGIN}\nold\n${END}\ntail\n`,
      out: `# x\n${BEGIN}\nT\n${END}\ntail\n`,
    },
    { name: 'appends markers when absent', readme: '# x\n\n', out: `# x\n\n${BEGIN}\nT\n${END}\n` },
    {
      name: 'appends when the end marker is missing',
      readme: `# x\n${BEGIN}\n`,
      out: `# x\n${BEGIN}\n\n${BEGIN}\nT\n${END}\n`,
    },
  ])('$name', ({ readme, out }) => {
    expect(withCompatTable(readme, 'T')).toBe(out);
  });

  it('is idempotent', () => {
    const once = withCompatTable('# x\n', 'T');
    expect(withCompatTable(once, 'T')).toBe(once);
  });
});
