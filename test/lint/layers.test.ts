// The layer rules of .dependency-cruiser.cjs (run by `npm run lint`) catch what they promise: a tiny
// tree with one violation per rule is cruised with the project's own config, and each rule must
// fire on exactly its violation; a tree that follows the layers passes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type IConfiguration } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as IConfiguration;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Cruises `files` (path → source) in a fresh temp project; returns `rule from → to` strings. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'mirrorctl-layers-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const { options } = config;
  const result = await cruise(['src'], {
    ...options,
    tsConfig: undefined,
    baseDir: root,
    ruleSet: { forbidden: config.forbidden ?? [] },
    validate: true,
  });
  if (typeof result.output === 'string') throw new Error(result.output);
  return result.output.summary.violations.map((v) => `${v.rule.name} ${v.from} → ${v.to}`);
}

const clean: Record<string, string> = {
  'src/diagnostics.ts': 'export type Diagnostic = { code: string };\n',
  'src/spec/types.ts': "import type { Diagnostic } from '../diagnostics.js';\nexport type S = Diagnostic;\n",
  'src/render/hosts.ts': "import type { S } from '../spec/types.js';\nexport const r = (s: S) => s;\n",
  'src/host/ports.ts': 'export interface HostFs { read(): string }\n',
  'src/host/node-fs.ts': "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
  'src/transaction/apply.ts':
    "import type { HostFs } from '../host/ports.js';\nexport const a = (h: HostFs) => h;\n",
  'src/cli/main.ts':
    "import { f } from '../host/node-fs.js';\nimport { a } from '../transaction/apply.js';\nexport const m = [f, a];\n",
};

describe('layer rules (.dependency-cruiser.cjs)', () => {
  it('a tree that follows the layers has no violation', async () => {
    expect(await violations(clean)).toEqual([]);
  });

  const cases: { name: string; files: Record<string, string>; expected: string }[] = [
    {
      name: 'an import up the layers',
      files: { 'src/render/up.ts': "import { a } from '../transaction/apply.js';\nexport const u = a;\n" },
      expected: 'layer-render src/render/up.ts → src/transaction/apply.ts',
    },
    {
      name: 'node:fs outside host/',
      files: {
        'src/transaction/io.ts': "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      },
      expected: 'io-only-in-host src/transaction/io.ts → fs',
    },
    {
      name: 'the pure core importing a host port',
      files: {
        'src/render/port.ts': "import type { HostFs } from '../host/ports.js';\nexport type P = HostFs;\n",
      },
      expected: 'pure-core-without-host src/render/port.ts → src/host/ports.ts',
    },
    {
      name: 'an adapter imported below the composition root',
      files: { 'src/transaction/real.ts': "import { f } from '../host/node-fs.js';\nexport const g = f;\n" },
      expected: 'adapters-only-in-composition-root src/transaction/real.ts → src/host/node-fs.ts',
    },
    {
      name: 'a file-level circle through a dynamic import',
      files: {
        'src/spec/a.ts': "export const a = () => import('./b.js');\n",
        'src/spec/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
      },
      expected: 'no-circular src/spec/a.ts → src/spec/b.ts',
    },
    {
      name: 'a folder that has no layer',
      files: { 'src/misc/x.ts': "import type { S } from '../spec/types.js';\nexport type X = S;\n" },
      expected: 'no-unknown-folder src/misc/x.ts → src/spec/types.ts',
    },
    {
      name: 'the library barrel exporting an effectful layer',
      files: { 'src/index.ts': "export { a } from './transaction/apply.js';\n" },
      expected: 'library-is-pure src/index.ts → src/transaction/apply.ts',
    },
  ];

  it.each(cases)('$name is reported', async ({ files, expected }) => {
    const found = await violations({ ...clean, ...files });
    expect(found).toContain(expected);
  });
});
