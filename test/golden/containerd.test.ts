// Golden directories for the containerd target: test/golden/containerd/<case>/{spec.yaml,
// case.json?, expected/**}. expected/ holds every rendered file at its node path, plus
// _diagnostics.json and _modes.json. UPDATE_GOLDEN=1 rewrites expected/ (review the diff).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHostsToml } from '../../src/formats/containerd-hosts-check.js';
import { DEFAULT_PATHS } from '../../src/formats/node-paths.js';
import { containerdHostsDir, renderContainerdHosts } from '../../src/render/containerd-hosts.js';
import type { RenderedFile } from '../../src/render/types.js';
import { validateSpec } from '../../src/spec/validate.js';
import { parseToml } from '../../src/toml/parse.js';
import { caseDirs, diagnosticsJson, expectGolden, readIfExists } from './containerd-golden.js';

const ROOT = join(import.meta.dirname, 'containerd');

interface CaseOptions {
  runtimeVersion?: string;
  assets?: Record<string, string>;
}

/** The rules containerd's hosts.toml reader imposes (§1.5–1.6), checked on every rendered file. */
function expectContainerdReadable(file: RenderedFile, all: readonly RenderedFile[]): void {
  const parsed = parseToml(file.content, file.path);
  if (!parsed.ok) throw new Error(parsed.diagnostic.message);
  const doc: Record<string, unknown> = parsed.value;
  const hosts = doc.host as Record<string, Record<string, unknown>> | undefined;
  const dir = file.path.slice(0, file.path.lastIndexOf('/'));
  // 1.5–1.7.31 reject a file without any [host] table.
  expect(hosts && Object.keys(hosts).length > 0, `${file.path}: [host] table`).toBe(true);
  if (!dir.endsWith('/_default')) expect(typeof doc.server, `${file.path}: explicit server`).toBe('string');
  const tables: [string, Record<string, unknown>][] = [...Object.entries(hosts ?? {})];
  if (typeof doc.server === 'string') tables.push([doc.server, doc]);
  for (const [url, t] of tables) {
    if (url === doc.server && t === doc && doc.capabilities === undefined) continue; // upstream: all caps
    expect(Array.isArray(t.capabilities), `${url}: explicit capabilities`).toBe(true);
    for (const c of t.capabilities as string[]) expect(['pull', 'resolve', 'push']).toContain(c);
    if (url.startsWith('http://')) {
      for (const k of ['skip_verify', 'ca', 'client'])
        expect(t[k], `${url}: no ${k} on http`).toBeUndefined();
    }
    const refs = [t.ca, t.client].flat(2).filter((x): x is string => typeof x === 'string');
    for (const ref of refs) expect(all.map((f) => f.path)).toContain(`${dir}/${ref}`);
  }
}

describe('containerd hosts.toml golden cases', () => {
  for (const name of caseDirs(ROOT)) {
    it(name, () => {
      const dir = join(ROOT, name);
      const specText = readIfExists(join(dir, 'spec.yaml'));
      if (specText === null) throw new Error(`${dir}: spec.yaml missing`);
      const validated = validateSpec(specText, 'spec.yaml');
      expect(validated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const opts = JSON.parse(readIfExists(join(dir, 'case.json')) ?? '{}') as CaseOptions;
      const result = renderContainerdHosts(validated.spec!, {
        target: 'containerd',
        runtimeVersion: opts.runtimeVersion,
        assets: opts.assets ?? {},
        paths: DEFAULT_PATHS,
      });
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
      for (const f of result.files) {
        produced[f.path.replace(/^\//, '')] = f.content;
        if (!f.path.endsWith('/hosts.toml')) continue;
        expectContainerdReadable(f, result.files);
        expect(
          checkHostsToml(f.content, f.path, opts.runtimeVersion).filter((d) => d.severity === 'error'),
        ).toEqual([]);
      }
      // Any error means no files for that entry: never a silently different config.
      if (result.diagnostics.some((d) => d.severity === 'error')) {
        const failed = new Set(
          result.diagnostics
            .filter((d) => d.severity === 'error')
            .map((d) => /registries\[(\d+)\]/.exec(d.field ?? '')?.[1]),
        );
        for (const i of failed) {
          const e = validated.spec!.registries[Number(i)]!;
          const path = `${DEFAULT_PATHS.certsDir}/${containerdHostsDir(e.sourceHost)}/hosts.toml`;
          expect(result.files.map((f) => f.path)).not.toContain(path);
        }
      }
      expectGolden(join(dir, 'expected'), produced);
    });
  }
});
