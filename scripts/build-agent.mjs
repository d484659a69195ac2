// Builds dist/agent/mirrorctl-agent.mjs: the node agent as one ESM file that runs on any image with
// Node.js ≥ 20 (`node agent.mjs agent --spec …`), shipped to the nodes in a ConfigMap (≤ 1 MiB).
// Only the agent command is bundled (not the Kubernetes client or the other verbs), and the TOML
// editor's WebAssembly is embedded, because the package loads it from a path beside itself.
// Usage: node scripts/build-agent.mjs [--outfile FILE]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MAX_BUNDLE_BYTES = 1024 * 1024;
export const DEFAULT_OUTFILE = join(root, 'dist', 'agent', 'mirrorctl-agent.mjs');

// Entry: the agent verb's own argument parsing plus the node entry points (reconcileNode, uninstallNode)
// wired to the real adapters by the composition root.
const ENTRY = `
import { runAgentCli } from './src/cli/commands/agent-cli.ts';
import * as nodeEntry from './src/cli/node-host.ts';
process.exitCode = await runAgentCli(process.argv.slice(2), nodeEntry);
`;

/** Replaces @rainbowatcher/toml-edit-js's file-based wasm loading with the embedded bytes. */
export const embedTomlWasm = {
  name: 'embed-toml-edit-wasm',
  setup(b) {
    const pkgDir = join(root, 'node_modules', '@rainbowatcher', 'toml-edit-js');
    b.onResolve({ filter: /^@rainbowatcher\/toml-edit-js$/ }, () => ({
      path: 'toml-edit-embedded',
      namespace: 'embed',
    }));
    b.onLoad({ filter: /.*/, namespace: 'embed' }, () => ({
      resolveDir: pkgDir,
      loader: 'js',
      contents: `
import { initSync as init, edit, parse, stringify } from './index.js';
import bytes from './index_bg.wasm';
export function initSync() { return init({ module: bytes }); }
export { edit, parse, stringify };
`,
    }));
  },
};

// The plain bundle is ~1.7 MB (zod, yaml, the TOML wasm, gRPC): the shipped file is a self-extracting
// wrapper holding it gzip+base64, which unpacks to $TMPDIR (an emptyDir in the pod) and imports it.
const wrap = (code) => `// mirrorctl agent (self-extracting; built by scripts/build-agent.mjs)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
const file = join(mkdtempSync(join(tmpdir(), 'mirrorctl-agent-')), 'agent.mjs');
writeFileSync(file, gunzipSync(Buffer.from('${gzipSync(code, { level: 9 }).toString('base64')}', 'base64')));
await import(pathToFileURL(file).href);
`;

export async function buildAgentBundle(outfile = DEFAULT_OUTFILE) {
  const work = mkdtempSync(join(tmpdir(), 'mirrorctl-build-'));
  const plain = join(work, 'agent.mjs');
  if (!existsSync(join(root, 'src', 'cli', 'node-host.ts')))
    throw new Error('src/cli/node-host.ts (reconcileNode) does not exist yet: the agent cannot be bundled');
  await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'agent-entry.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    outfile: plain,
    loader: { '.wasm': 'binary' },
    plugins: [embedTomlWasm],
    // Bundled CommonJS dependencies call require(): give the ESM bundle one.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, wrap(readFileSync(plain)));
  rmSync(work, { recursive: true, force: true });
  const size = statSync(outfile).size;
  if (size > MAX_BUNDLE_BYTES)
    throw new Error(`agent bundle is ${size} bytes, over the ${MAX_BUNDLE_BYTES}-byte ConfigMap budget`);
  return { outfile, size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--outfile');
  const { outfile, size } = await buildAgentBundle(i > 0 ? process.argv[i + 1] : undefined);
  process.stdout.write(`wrote ${outfile} (${(size / 1024).toFixed(0)} KiB)\n`);
}
