// Golden cases for the config.toml side of the containerd target (issue 3 conflict rules, issue 11
// version rules): test/golden/containerd-config/<case>/{case.json, input.toml?, expected/**}.
// expected/config.toml is the patched file, _plan.json the ops and decisions, plus any hosts.toml
// converted from legacy mirrors at its node path. UPDATE_GOLDEN=1 rewrites expected/.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeContainerdConfig } from '../../src/formats/containerd-config.js';
import { checkHostsToml } from '../../src/formats/containerd-hosts-check.js';
import { planConfigPath } from '../../src/render/containerd-config.js';
import { parseToml } from '../../src/toml/parse.js';
import { patchToml } from '../../src/toml/patch.js';
import { caseDirs, diagnosticsJson, expectGolden, readIfExists } from './containerd-golden.js';

const ROOT = join(import.meta.dirname, 'containerd-config');
const CORPUS = join(import.meta.dirname, '../fixtures/config-toml');

interface ConfigCase {
  runtimeVersion?: string;
  /** A corpus file name instead of input.toml; neither = config.toml does not exist. */
  corpus?: string;
  migrateLegacy?: boolean;
  keepConfigPathList?: boolean;
}

describe('containerd config.toml golden cases', () => {
  for (const name of caseDirs(ROOT)) {
    it(name, () => {
      const dir = join(ROOT, name);
      const c = JSON.parse(readIfExists(join(dir, 'case.json')) ?? '{}') as ConfigCase;
      const input = c.corpus ? readIfExists(join(CORPUS, c.corpus)) : readIfExists(join(dir, 'input.toml'));
      const analysis = analyzeContainerdConfig(input, c.runtimeVersion);
      const plan = planConfigPath(analysis, {
        certsDir: '/etc/containerd/certs.d',
        migrateLegacy: c.migrateLegacy ?? false,
        keepConfigPathList: c.keepConfigPathList ?? false,
        specName: 'golden',
      });
      const produced: Record<string, string> = {
        '_diagnostics.json': diagnosticsJson(plan.diagnostics),
        '_plan.json': `${JSON.stringify(
          {
            ops: plan.ops,
            restartNeeded: plan.restartNeeded,
            hostsDir: plan.hostsDir,
            createsFile: plan.createsFile,
          },
          null,
          2,
        )}\n`,
      };
      if (plan.ops.length > 0) {
        const patched = patchToml(analysis.text, plan.ops);
        expect(parseToml(patched).ok).toBe(true);
        produced['config.toml'] = patched;
        // Applying the plan's result again is a no-op (second apply restarts nothing).
        const again = planConfigPath(analyzeContainerdConfig(patched, c.runtimeVersion), {
          certsDir: '/etc/containerd/certs.d',
          migrateLegacy: c.migrateLegacy ?? false,
          keepConfigPathList: c.keepConfigPathList ?? false,
        });
        expect(again.ops).toEqual([]);
      }
      for (const f of plan.files) {
        produced[f.path.replace(/^\//, '')] = f.content;
        expect(
          checkHostsToml(f.content, f.path, c.runtimeVersion).filter((d) => d.severity === 'error'),
        ).toEqual([]);
      }
      expect(plan.restartNeeded).toBe(plan.ops.length > 0);
      expectGolden(join(dir, 'expected'), produced);
    });
  }
});
