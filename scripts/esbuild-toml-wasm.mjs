// The esbuild plugin that embeds the TOML editor's WebAssembly in a bundle (the package loads it from
// a path beside itself, which a single-file bundle does not have): used by build-bundle.mjs, the one
// builder of the CLI (npm layout and the image's single file; controller, agent and apply Job alike).
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
