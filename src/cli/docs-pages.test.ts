import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { commands } from './commands/index.js';
import { cliIndex, commandPage } from './docs-pages.js';

const dir = new URL('../../docs/cli/', import.meta.url);

test.each(commands.map((c) => [c.name, c]))('docs/cli/%s.md matches --help', (name, def) => {
  expect(readFileSync(new URL(`${name}.md`, dir), 'utf8'), 'stale: run npx tsx scripts/gen-docs.ts').toBe(
    commandPage(def),
  );
});

test('docs/cli has exactly one page per command plus the index', () => {
  expect(readdirSync(dir).sort()).toEqual([...commands.map((c) => `${c.name}.md`), 'README.md'].sort());
  expect(readFileSync(new URL('README.md', dir), 'utf8')).toBe(cliIndex(commands));
});
