// Golden cases for the containerd-legacy target: test/golden/containerd-legacy/<case>/{spec.yaml,
// case.json, input.toml?, expected/**}. expected/config.toml is the patched file (absent when
// nothing may be written), plus TLS files at their node paths. UPDATE_GOLDEN=1 rewrites expected/.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeContainerdConfig } from '../../src/formats/containerd-config.js';
import { DEFAULT_PATHS } from '../../src/formats/node-paths.js';
import { renderContainerdLegacy } from '../../src/render/containerd-legacy.js';
import { validateSpec } from '../../src/spec/validate.js';
import { getPath, parseToml } from '../../src/toml/parse.js';
import { patchToml } from '../../src/toml/patch.js';
import { caseDirs, diagnosticsJson, expectGolden, readIfExists } from './containerd-golden.js';

const ROOT = join(import.meta.dirname, 'containerd-legacy');
const CORPUS = join(import.meta.dirname, '../fixtures/config-toml');

interface LegacyCase {
  runtimeVersion?: string;
  corpus?: string;
  assets?: Record<string, string>;
}

describe('containerd-legacy golden cases', () => {
  for (const name of caseDirs(ROOT)) {
    it(name, () => {
      const dir = join(ROOT, name);
      const c = JSON.parse(readIfExists(join(dir, 'case.json')) ?? '{}') as LegacyCase;
      const validated = validateSpec(readIfExists(join(dir, 'spec.yaml')) ?? '', 'spec.yaml');
      expect(validated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const input = c.corpus ? readIfExists(join(CORPUS, c.corpus)) : readIfExists(join(dir, 'input.toml'));
      const analysis = analyzeContainerdConfig(input, c.runtimeVersion);
      const ctx = {
        target: 'containerd-legacy' as const,
        runtimeVersion: c.runtimeVersion,
        assets: c.assets ?? {},
        paths: DEFAULT_PATHS,
      };
      const result = renderContainerdLegacy(validated.spec!, ctx, analysis);
      const produced: Record<string, string> = {
        '_diagnostics.json': diagnosticsJson(result.diagnostics),
        '_result.json': `${JSON.stringify({ restartNeeded: result.restartNeeded, ops: result.ops }, null, 2)}\n`,
      };
      if (result.ops.length > 0) {
        const patched = patchToml(analysis.text, result.ops);
        produced['config.toml'] = patched;
        const parsed = parseToml(patched);
        if (!parsed.ok) throw new Error(parsed.diagnostic.message);
        // Never both: legacy mirrors next to a non-empty config_path stop the CRI plugin.
        expect(getPath(parsed.value, [...analysis.registryTableKeys, 'config_path']) ?? '').toBe('');
        // A second render against the result changes nothing (no restart on re-apply).
        const again = renderContainerdLegacy(
          validated.spec!,
          ctx,
          analyzeContainerdConfig(patched, c.runtimeVersion),
        );
        expect(again.restartNeeded).toBe(false);
      }
      if (result.diagnostics.some((d) => d.severity === 'error')) expect(result.ops).toEqual([]);
      for (const f of result.files) produced[f.path.replace(/^\//, '')] = f.content;
      expectGolden(join(dir, 'expected'), produced);
    });
  }
});
