// Builds dist/image/mirrorctl.mjs: the whole CLI (bin/mirrorctl.ts, every verb, `controller` and
// `agent` included) as one ESM file for the image (scripts/build-image.sh, Dockerfile): plain, not
// self-extracting, with the TOML editor's WebAssembly embedded (build-agent.mjs's plugin).
// Usage: node scripts/build-bundle.mjs [--outfile FILE]
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { embedTomlWasm } from './build-agent.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTFILE = join(root, 'dist', 'image', 'mirrorctl.mjs');

export async function buildCliBundle(outfile = DEFAULT_OUTFILE) {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(root, 'bin', 'mirrorctl.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    outfile,
    loader: { '.wasm': 'binary' },
    plugins: [embedTomlWasm],
    // Bundled CommonJS dependencies call require(): give the ESM bundle one.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return { outfile, size: statSync(outfile).size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--outfile');
  const { outfile, size } = await buildCliBundle(i > 0 ? process.argv[i + 1] : undefined);
  process.stdout.write(`wrote ${outfile} (${(size / 1024).toFixed(0)} KiB)\n`);
}
