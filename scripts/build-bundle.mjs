// Builds the shipped CLI — the npm bins (`npm run build` → dist/cli/mirrorctl.cjs + mirrorctl.body.js)
// and the image (scripts/build-image.sh, Dockerfile → /opt/mirrorctl/mirrorctl.mjs) come from this one
// function: the CLI (src/cli/run-cli.ts, every verb, `controller` and `agent` included; the verbs load
// zod/yaml/TOML/gRPC/client-node lazily) as ONE esbuild bundle in CommonJS, the TOML editor's
// WebAssembly embedded (build-agent.mjs's plugin), run by bin/bundle-loader.ts (answers --version,
// compiles the CLI through vm.Script with a V8 code cache). Layouts: see buildCliBundle.
// Usage: node scripts/build-bundle.mjs [--outfile FILE] [--no-minify]
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { embedTomlWasm, LOADED_MARK } from './build-agent.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTFILE = join(root, 'dist', 'cli', 'mirrorctl.cjs');

const BODY_MARK = '/*MIRRORCTL-CLI-BODY\n';
const ESCAPED_END = '*\u0001/';

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
  // ASCII only: the loader reads the file as latin1, and V8 keeps a one-byte source string.
  charset: 'ascii',
  logLevel: 'warning',
  absWorkingDir: root,
};

async function buildBody(minify) {
  const out = await build({
    ...common,
    minify,
    entryPoints: [join(root, 'src', 'cli', 'run-cli.ts')],
    format: 'cjs',
    write: false,
    outfile: 'body.cjs',
    loader: { '.wasm': 'binary' },
    plugins: [markPackages, embedTomlWasm],
  });
  let body = out.outputFiles[0].text;
  // Unminified, esbuild keeps comments as written (strings are escaped by charset: ascii either way).
  if (!minify) body = body.replace(/[^\p{ASCII}]/gu, '?');
  // (esbuild leaves control characters in strings raw, e.g. yaml's CST markers: fine in a comment)
  if (/[^\p{ASCII}]/u.test(body))
    throw new Error('build-bundle: the CLI text is not ASCII (charset: ascii?)');
  if (body.includes(BODY_MARK) || body.includes(ESCAPED_END))
    throw new Error('build-bundle: the CLI text contains the loader marker');
  return body;
}

async function buildLoader(bodyHash, format, bodyFile) {
  const out = await build({
    ...common,
    entryPoints: [join(root, 'bin', 'bundle-loader.ts')],
    format,
    // (the loader reads its path from __filename under CommonJS, import.meta.url under ESM)
    logOverride: { 'empty-import-meta': 'silent' },
    write: false,
    outfile: 'loader.mjs',
    packages: 'external',
    define: { MIRRORCTL_BODY_HASH: JSON.stringify(bodyHash), MIRRORCTL_BODY_FILE: JSON.stringify(bodyFile) },
  });
  return out.outputFiles[0].text;
}

/** `minify: false` keeps names readable for `node --cpu-prof` (docs/benchmarks.md). */
/** What makes the CLI text a function expression (bin/bundle-loader.ts has the same). */
const CLI_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const CLI_TAIL = '\n})';

/**
 * `X.mjs` (the image's /opt/mirrorctl/mirrorctl.mjs, one file by contract) is an ESM loader with the CLI
 * in a trailing comment; any other name (the npm bins' dist/cli/mirrorctl.cjs) is a CommonJS loader,
 * which Node starts ~10 ms sooner, with the CLI in `X.body.js` beside it, which Node never parses as a
 * module: no 3.7 MB comment to read and scan on each run, no escaped copy in memory.
 * `minify: false` keeps names readable for `node --cpu-prof` (docs/benchmarks.md).
 */
export async function buildCliBundle(outfile = DEFAULT_OUTFILE, { minify = true } = {}) {
  const body = await buildBody(minify);
  const bodyHash = createHash('sha256').update(body).digest('hex').slice(0, 20);
  const embedded = outfile.endsWith('.mjs');
  const bodyFile = embedded ? '' : `${basename(outfile).replace(/\.[cm]?js$/, '')}.body.js`;
  const loader = await buildLoader(bodyHash, embedded ? 'esm' : 'cjs', bodyFile);
  mkdirSync(dirname(outfile), { recursive: true });
  const head = [
    '#!/usr/bin/env node',
    `// mirrorctl: generated by scripts/build-bundle.mjs (the loader; the CLI is ${embedded ? 'in the comment at the end' : bodyFile})`,
    loader.trimEnd(),
  ];
  const cli = `${CLI_HEAD}${body}${CLI_TAIL}`;
  if (embedded) {
    const comment = `${BODY_MARK}${cli.replaceAll('*/', ESCAPED_END)}*/`;
    writeFileSync(outfile, [...head, comment, ''].join('\n'), 'latin1');
  } else {
    writeFileSync(join(dirname(outfile), bodyFile), cli, 'latin1');
    writeFileSync(outfile, [...head, ''].join('\n'), 'latin1');
  }
  chmodSync(outfile, 0o755);
  const size = statSync(outfile).size + (bodyFile ? statSync(join(dirname(outfile), bodyFile)).size : 0);
  return { outfile, size, bodyHash, bodyFile: bodyFile ? join(dirname(outfile), bodyFile) : undefined };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--outfile');
  const minify = !process.argv.includes('--no-minify');
  const { outfile, size } = await buildCliBundle(i > 0 ? process.argv[i + 1] : undefined, { minify });
  process.stdout.write(`wrote ${outfile} (${(size / 1024).toFixed(0)} KiB)\n`);
}
