// The hand-kept docs must not drift from the code: every diagnostic code in src/ has a row in
// docs/troubleshooting.md (regenerate with `npx tsx scripts/gen-troubleshooting.ts`), and
// docs/exit-codes.md lists exactly the codes of src/exit-codes.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectCodes, renderTroubleshooting } from '../../scripts/gen-troubleshooting.js';
import { ExitCode } from '../../src/exit-codes.js';

const repo = join(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(repo, p), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('docs/troubleshooting.md', () => {
  const page = read('docs/troubleshooting.md');
  const documented = new Set([...page.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));

  // Independent of the generator: a plain search for `code: '<area>.<name>'` in the sources.
  const literal = new Set(
    sources(join(repo, 'src')).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/code: '([a-z]+(?:\.[a-z0-9-]+)+)'/g)].map((m) => m[1]),
    ),
  );

  it.each([...literal].sort())('documents %s', (code) => {
    expect(documented.has(code), `${code} is missing: run npx tsx scripts/gen-troubleshooting.ts`).toBe(true);
  });

  it('documents every code the generator finds, and no code that is gone', () => {
    const found = collectCodes(repo).map((e) => e.code);
    expect([...documented].sort()).toEqual(found.sort());
  });

  it('renders a row with cause and fix per code', () => {
    const md = renderTroubleshooting([
      {
        code: 'spec.url.scheme',
        severity: 'error',
        messages: ['must include a scheme'],
        hints: ['e.g. https://m'],
        files: ['src/spec/url-syntax.ts'],
      },
    ]);
    expect(md).toContain(
      '| `spec.url.scheme` | error | must include a scheme | e.g. https://m | `src/spec/url-syntax.ts` |',
    );
  });
});

describe('docs/exit-codes.md', () => {
  it('lists exactly the exit codes of src/exit-codes.ts', () => {
    const rows = [...read('docs/exit-codes.md').matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(rows.sort((a, b) => a - b)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
  });
});
