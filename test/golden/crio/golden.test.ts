// Golden directories for the crio target: test/golden/crio/<case>/{spec.yaml, case.json?,
// expected/**}. expected/ holds every rendered file at its node path plus _diagnostics.json and
// _modes.json. Each rendered drop-in is also loaded by our c/image port and, as root, by the real
// skopeo (c/image 5.23.1) as a registries.conf.d drop-in. UPDATE_GOLDEN=1 rewrites expected/.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATHS } from '../../../src/formats/node-paths.js';
import { loadRegistriesConf } from '../../../src/formats/registries-conf.js';
import { renderRegistriesConf } from '../../../src/render/registries-conf.js';
import { validateSpec } from '../../../src/spec/validate.js';
import { caseDirs, diagnosticsJson, expectGolden, readIfExists } from '../containerd-golden.js';
import { skopeoAvailable, skopeoInspect } from './skopeo.js';

const ROOT = import.meta.dirname;
const withSkopeo = skopeoAvailable();

interface CaseOptions {
  runtimeVersion?: string;
  assets?: Record<string, string>;
}

function render(name: string) {
  const dir = join(ROOT, name);
  const validated = validateSpec(readIfExists(join(dir, 'spec.yaml')) ?? '', 'spec.yaml');
  expect(validated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const opts = JSON.parse(readIfExists(join(dir, 'case.json')) ?? '{}') as CaseOptions;
  return renderRegistriesConf(validated.spec!, {
    target: 'crio',
    runtimeVersion: opts.runtimeVersion,
    assets: opts.assets ?? {},
    paths: DEFAULT_PATHS,
  });
}

describe('crio registries.conf.d golden cases', () => {
  for (const name of caseDirs(ROOT)) {
    it(name, () => {
      const result = render(name);
      const produced: Record<string, string> = {
        '_diagnostics.json': diagnosticsJson(result.diagnostics),
        '_modes.json': `${JSON.stringify(
          Object.fromEntries(
            result.files.map((f) => [f.path, `${f.mode.toString(8)}${f.secret ? ' secret' : ''}`]),
          ),
          null,
          2,
        )}\n`,
      };
      for (const f of result.files) produced[f.path.replace(/^\//, '')] = f.content;
      const dropIn = result.files.find((f) => f.path.endsWith('.conf'));
      if (dropIn) expect(loadRegistriesConf(dropIn.content, true).ok).toBe(true);
      // A case named cannot-* must refuse something, and every other case must not.
      expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(name.startsWith('cannot-'));
      expectGolden(join(ROOT, name, 'expected'), produced);
    });
  }
});

describe.skipIf(!withSkopeo)('skopeo loads every rendered drop-in', () => {
  for (const name of caseDirs(ROOT)) {
    const dropIn = render(name).files.find((f) => f.path.endsWith('.conf'));
    if (!dropIn) continue;
    it(name, () => {
      const run = skopeoInspect(
        '',
        { [dropIn.path.split('/').pop() ?? 'x.conf']: dropIn.content },
        'quay.io/a/b:1',
      );
      expect(run.log).not.toMatch(/loading (drop-in )?registries configuration/);
      expect(run.log).toContain(
        `Loading registries configuration "/etc/containers/registries.conf.d/${dropIn.path.split('/').pop()}"`,
      );
      expect(run.tried.length).toBeGreaterThan(0);
    });
  }
});
