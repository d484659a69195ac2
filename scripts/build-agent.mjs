// The esbuild plugin that embeds the TOML editor's WebAssembly in a bundle (the package loads it from
// a path beside itself, which a single-file bundle does not have): used by build-bundle.mjs, which
// builds the one bundle the image runs (controller, agent and apply Job alike). The separate
// self-extracting agent bundle shipped in a ConfigMap is gone with the ConfigMap rollout (issue 16);
// run directly, this script builds the image bundle (`npm run build:agent` keeps working).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A statement recording that package `name` was initialised (see MARKED_PACKAGES in build-bundle.mjs). */
export const LOADED_MARK = (name) =>
  `(globalThis[Symbol.for('mirrorctl.loadedPackages')] ??= new Set()).add(${JSON.stringify(name)});`;

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
${LOADED_MARK('@rainbowatcher/toml-edit-js')}
`,
    }));
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { buildCliBundle } = await import('./build-bundle.mjs');
  // The image's layout (one .mjs file), where `npm run build:agent` always wrote it.
  const { outfile, size } = await buildCliBundle(join(root, 'dist', 'image', 'mirrorctl.mjs'));
  process.stdout.write(
    `wrote ${outfile} (${(size / 1024).toFixed(0)} KiB): the agent is a verb of the image bundle\n`,
  );
}
