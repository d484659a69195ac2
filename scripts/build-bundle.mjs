// Builds the shipped CLI: the npm bins (`npm run build` → dist/cli/mirrorctl.cjs) and the image
// (scripts/build-image.sh, Dockerfile → /opt/mirrorctl/mirrorctl.mjs) come from this one function:
// the CLI (every verb, `controller` and `agent` included; the verbs load zod/yaml/TOML/gRPC/
// client-node lazily) as ONE esbuild bundle, the TOML editor's WebAssembly embedded (esbuild-toml-wasm.mjs's
// plugin). Layouts: see buildCliBundle.
// Usage: node scripts/build-bundle.mjs [--outfile FILE] [--no-minify]
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { embedTomlWasm, LOADED_MARK } from './esbuild-toml-wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTFILE = join(root, 'dist', 'cli', 'mirrorctl.cjs');

/**
 * The heavy packages a run may or may not need: their entry module records its name when it is
 * initialised, so `MIRRORCTL_DEBUG_LOAD=1` shows which a run loaded (test/cli/bundle.test.ts).
 */
export const MARKED_PACKAGES = [
  'zod',
  'yaml',
  'smol-toml',
  '@kubernetes/client-node',
  '@grpc/grpc-js',
  'protobufjs',
  'prom-client',
  'diff',
  'commander',
];

const markPackages = {
  name: 'mark-loaded-packages',
  setup(b) {
    const entries = new Map();
    const filter = new RegExp(`^(${MARKED_PACKAGES.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, async (args) => {
      if (args.pluginData === 'marked') return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'marked',
      });
      if (r.errors.length > 0 || r.namespace !== 'file') return r;
      entries.set(r.path, args.path);
      return { path: r.path, namespace: 'file', pluginData: args.path };
    });
    b.onLoad({ filter: /node_modules/ }, (args) => {
      const name = entries.get(args.path);
      if (!name) return undefined;
      const text = readFileSync(args.path, 'utf8');
      return { contents: `${text}\n;${LOADED_MARK(name)}\n`, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  // ASCII only: the npm loader reads the CLI as latin1, and V8 keeps a one-byte source string.
  charset: 'ascii',
  logLevel: 'warning',
  absWorkingDir: root,
};

/**
 * The npm layout keeps the packages only cluster verbs and CRI checks use out of the CLI text, each
 * group in a CommonJS file beside it (X.<group>.cjs, loaded by require when a verb first imports
 * one of them): the text every run reads and deserialises shrinks from 3.7 MB to 1.6 MB. grpc-js,
 * proto-loader and protobufjs share a file so they share one protobufjs.
 */
export const SIDE_GROUPS = {
  kube: ['@kubernetes/client-node'],
  grpc: ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'],
  metrics: ['prom-client'],
};

/** Each SIDE_GROUPS package, imported from the CLI, becomes `require('./X.<group>.cjs')[name]`. */
const sidePackages = (base) => ({
  name: 'side-packages',
  setup(b) {
    const groupOf = new Map(Object.entries(SIDE_GROUPS).flatMap(([g, pkgs]) => pkgs.map((p) => [p, g])));
    const filter = new RegExp(`^(${[...groupOf.keys()].map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'side-package' }));
    b.onResolve({ filter: /^\.\/.*\.cjs$/, namespace: 'side-package' }, (args) => ({
      path: args.path,
      external: true,
    }));
    b.onLoad({ filter: /.*/, namespace: 'side-package' }, (args) => ({
      loader: 'js',
      contents: `module.exports = require(${JSON.stringify(`./${base}.${groupOf.get(args.path)}.cjs`)})[${JSON.stringify(args.path)}];`,
    }));
  },
});

/** A SIDE_GROUPS file: each package a lazy getter (a verb needing gRPC does not initialise the rest). */
async function buildSideGroup(pkgs, minify) {
  const contents = pkgs
    .map(
      (p) =>
        `Object.defineProperty(exports, ${JSON.stringify(p)}, { enumerable: true, get: () => require(${JSON.stringify(p)}) });`,
    )
    .join('\n');
  const out = await build({
    ...common,
    minify,
    stdin: { contents, resolveDir: root, loader: 'js' },
    format: 'cjs',
    write: false,
    outfile: 'group.cjs',
    plugins: [markPackages],
  });
  return out.outputFiles[0].text;
}

/** The CLI for the npm loader: run-cli.ts as CommonJS (no top-level await, runs in vm.Script). */
async function buildScriptBody(minify, base) {
  const out = await build({
    ...common,
    minify,
    entryPoints: [join(root, 'src', 'cli', 'run-cli.ts')],
    format: 'cjs',
    write: false,
    outfile: 'body.cjs',
    loader: { '.wasm': 'binary' },
    plugins: [sidePackages(base), markPackages, embedTomlWasm],
  });
  let body = out.outputFiles[0].text;
  // Unminified, esbuild keeps comments as written (strings are escaped by charset: ascii either way).
  if (!minify) body = body.replace(/[^\p{ASCII}]/gu, '?');
  if (/[^\p{ASCII}]/u.test(body))
    throw new Error('build-bundle: the CLI text is not ASCII (charset: ascii?)');
  return body;
}

async function buildLoader(bodyHash, bodyFile) {
  const out = await build({
    ...common,
    entryPoints: [join(root, 'bin', 'bundle-loader.ts')],
    format: 'cjs',
    write: false,
    outfile: 'loader.cjs',
    packages: 'external',
    define: { MIRRORCTL_BODY_HASH: JSON.stringify(bodyHash), MIRRORCTL_BODY_FILE: JSON.stringify(bodyFile) },
  });
  return out.outputFiles[0].text;
}

/** What makes the CLI text a function expression, the form bin/bundle-loader.ts compiles. */
const CLI_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const CLI_TAIL = '\n})';

/**
 * Two layouts of the same bundle, by the output's name:
 * - `X.mjs` (the image's /opt/mirrorctl/mirrorctl.mjs, one file by contract): bin/mirrorctl.ts as one
 *   plain ES module. The image runs long-lived verbs (agent, controller) from a read-only root, where
 *   a code cache buys nothing and a second copy of the source would cost the agent ~8 MiB.
 * - anything else (the npm bins' dist/cli/mirrorctl.cjs): bin/bundle-loader.ts as a 3 KiB CommonJS
 *   file (Node starts it ~10 ms sooner than an ES module) and the CLI, run-cli.ts as a function
 *   expression, in `X.body.js` beside it, compiled through vm.Script with a V8 code cache.
 * `minify: false` keeps names readable for `node --cpu-prof` (docs/benchmarks.md).
 */
export async function buildCliBundle(outfile = DEFAULT_OUTFILE, { minify = true } = {}) {
  mkdirSync(dirname(outfile), { recursive: true });
  if (outfile.endsWith('.mjs')) {
    await build({
      ...common,
      minify,
      entryPoints: [join(root, 'bin', 'mirrorctl.ts')],
      format: 'esm',
      outfile,
      loader: { '.wasm': 'binary' },
      plugins: [markPackages, embedTomlWasm],
      // Bundled CommonJS dependencies call require(): give the ESM bundle one.
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    return { outfile, size: statSync(outfile).size, bodyFile: undefined };
  }
  const base = basename(outfile).replace(/\.c?js$/, '');
  const body = await buildScriptBody(minify, base);
  const bodyHash = createHash('sha256').update(body).digest('hex').slice(0, 20);
  const bodyName = `${base}.body.js`;
  let size = 0;
  for (const [group, pkgs] of Object.entries(SIDE_GROUPS)) {
    const file = join(dirname(outfile), `${base}.${group}.cjs`);
    writeFileSync(file, await buildSideGroup(pkgs, minify));
    size += statSync(file).size;
  }
  const bodyFile = join(dirname(outfile), bodyName);
  const loader = await buildLoader(bodyHash, bodyName);
  writeFileSync(bodyFile, `${CLI_HEAD}${body}${CLI_TAIL}`, 'latin1');
  writeFileSync(
    outfile,
    `#!/usr/bin/env node\n// mirrorctl: generated by scripts/build-bundle.mjs (the CLI is ${bodyName})\n${loader}`,
    'latin1',
  );
  chmodSync(outfile, 0o755);
  return { outfile, size: size + statSync(outfile).size + statSync(bodyFile).size, bodyFile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--outfile');
  const minify = !process.argv.includes('--no-minify');
  const { outfile, size } = await buildCliBundle(i > 0 ? process.argv[i + 1] : undefined, { minify });
  process.stdout.write(`wrote ${outfile} (${(size / 1024).toFixed(0)} KiB)\n`);
}
