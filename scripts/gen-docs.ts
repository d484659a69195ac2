// Writes docs/cli/*.md from the command table. Run: npx tsx scripts/gen-docs.ts
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { commands } from '../src/cli/commands/index.js';
import { cliIndex, commandPage } from '../src/cli/docs-pages.js';

const dir = new URL('../docs/cli/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) rmSync(new URL(f, dir));
for (const def of commands) writeFileSync(new URL(`${def.name}.md`, dir), commandPage(def));
writeFileSync(new URL('README.md', dir), cliIndex(commands));
process.stdout.write(`wrote ${commands.length + 1} pages to docs/cli/\n`);
