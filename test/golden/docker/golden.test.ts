// Golden directories for the docker target: test/golden/docker/<case>/{spec.yaml, case.json?,
// existing-daemon.golden.json?, expected/**} (the operator's file keeps its *.golden.json name so
// Biome leaves it as written). expected/ holds the rendered files at their node paths plus
// _diagnostics.json, _modes.json and _edits.json (what the agent undoes). UPDATE_GOLDEN=1 rewrites.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATHS } from '../../../src/formats/node-paths.js';
import { renderDockerDaemon, undoDaemonJsonEdits } from '../../../src/render/docker-daemon.js';
import { validateSpec } from '../../../src/spec/validate.js';
import { caseDirs, diagnosticsJson, expectGolden, readIfExists } from '../containerd-golden.js';

const ROOT = import.meta.dirname;

interface CaseOptions {
  runtimeVersion?: string;
  assets?: Record<string, string>;
}

describe('docker daemon.json golden cases', () => {
  for (const name of caseDirs(ROOT)) {
    it(name, () => {
      const dir = join(ROOT, name);
      const validated = validateSpec(readIfExists(join(dir, 'spec.yaml')) ?? '', 'spec.yaml');
      expect(validated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const opts = JSON.parse(readIfExists(join(dir, 'case.json')) ?? '{}') as CaseOptions;
      const existing = readIfExists(join(dir, 'existing-daemon.golden.json'));
      const result = renderDockerDaemon(
        validated.spec!,
        {
          target: 'docker',
          runtimeVersion: opts.runtimeVersion,
          assets: opts.assets ?? {},
          paths: DEFAULT_PATHS,
        },
        existing,
      );
      const produced: Record<string, string> = {
        '_diagnostics.json': diagnosticsJson(result.diagnostics),
        '_edits.json': `${JSON.stringify(result.edits, null, 2)}\n`,
        '_modes.json': `${JSON.stringify(
          Object.fromEntries(
            result.files.map((f) => [f.path, `${f.mode.toString(8)}${f.secret ? ' secret' : ''}`]),
          ),
          null,
          2,
        )}\n`,
      };
      for (const f of result.files) produced[f.path.replace(/^\//, '')] = f.content;
      expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(name.startsWith('cannot-'));
      const daemon = result.files.find((f) => f.path === DEFAULT_PATHS.dockerDaemonJson);
      if (daemon && existing !== null) {
        // Every key of the operator's file survives, in its order, and undo restores its values.
        const before = JSON.parse(existing) as Record<string, unknown>;
        const after = JSON.parse(daemon.content) as Record<string, unknown>;
        expect(Object.keys(after).slice(0, Object.keys(before).length)).toEqual(Object.keys(before));
        expect(JSON.parse(undoDaemonJsonEdits(daemon.content, result.edits).content)).toEqual(before);
      }
      expectGolden(join(dir, 'expected'), produced);
    });
  }
});
