// The config.toml edits proved against the real containerd 1.6.20 (Debian 12): `containerd --config F
// config dump` loads the file with containerd's own parser, version migration and plugin-id rules and
// prints the effective config without starting the daemon. Each 1.x golden result must yield the
// planned config_path (or legacy mirrors) in the CRI registry table containerd actually reads.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPath, parseToml, type TomlTable } from '../../src/toml/parse.js';
import { patchToml } from '../../src/toml/patch.js';
import { caseDirs, readIfExists } from '../golden/containerd-golden.js';

const CONTAINERD = '/usr/bin/containerd';
const GOLDEN = join(import.meta.dirname, '../golden');
const CORPUS = join(GOLDEN, '../fixtures/config-toml');
const tmp = mkdtempSync(join(tmpdir(), 'mirrorctl-dump-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const REGISTRY = ['plugins', 'io.containerd.grpc.v1.cri', 'registry'];

/** Effective config of `text` as containerd 1.6 sees it (root/state moved into a temp dir). */
function dump(text: string): TomlTable {
  const isolated = patchToml(text, [
    { op: 'set', keys: ['root'], value: join(tmp, 'root') },
    { op: 'set', keys: ['state'], value: join(tmp, 'state') },
  ]);
  const file = join(tmp, 'config.toml');
  writeFileSync(file, isolated);
  const out = execFileSync(CONTAINERD, ['--config', file, 'config', 'dump'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const parsed = parseToml(out);
  if (!parsed.ok) throw new Error(parsed.diagnostic.message);
  return parsed.value;
}

interface Case {
  runtimeVersion?: string;
  corpus?: string;
}

const cases = (suite: string): { name: string; dir: string; c: Case }[] =>
  caseDirs(join(GOLDEN, suite))
    .map((name) => {
      const dir = join(GOLDEN, suite, name);
      return { name, dir, c: JSON.parse(readIfExists(join(dir, 'case.json')) ?? '{}') as Case };
    })
    .filter(({ c }) => c.runtimeVersion?.startsWith('1.'));

describe.skipIf(!existsSync(CONTAINERD))('config.toml edits read by the real containerd 1.6.20', () => {
  for (const { name, dir, c } of cases('containerd-config')) {
    it(`containerd-config/${name}`, () => {
      const plan = JSON.parse(readFileSync(join(dir, 'expected/_plan.json'), 'utf8')) as { hostsDir: string };
      const patched = readIfExists(join(dir, 'expected/config.toml'));
      const input = c.corpus ? readIfExists(join(CORPUS, c.corpus)) : readIfExists(join(dir, 'input.toml'));
      const text = patched ?? input;
      if (text === null) return; // nothing on disk before or after
      if (!parseToml(text).ok) return; // parse-error case: refused before writing
      const effective = dump(text);
      const configPath = getPath(effective, [...REGISTRY, 'config_path']);
      if (patched !== null || name.includes('reused') || name === 'already-correct') {
        // The planned directory is what CRI reads; containerd splits a list itself on 1.x.
        expect(String(configPath).split(':')[0]).toBe(plan.hostsDir);
        expect(getPath(effective, [...REGISTRY, 'mirrors']) ?? {}).toEqual({});
      } else {
        // Refused cases: e.g. a version 3 file on 1.6 is silently ignored (config_path stays "").
        expect(configPath === '' || name === 'legacy-mirrors-refused' || name === 'cri-disabled').toBe(true);
      }
    });
  }

  for (const { name, dir } of cases('containerd-legacy')) {
    it(`containerd-legacy/${name}`, () => {
      const patched = readIfExists(join(dir, 'expected/config.toml'));
      if (patched === null) return; // refused: nothing written
      const result = JSON.parse(readFileSync(join(dir, 'expected/_result.json'), 'utf8')) as {
        ops: { op: string; keys: string[]; value?: unknown }[];
      };
      const effective = dump(patched);
      expect(getPath(effective, [...REGISTRY, 'config_path'])).toBe('');
      for (const op of result.ops.filter((o) => o.keys.includes('mirrors'))) {
        const host = op.keys[op.keys.indexOf('mirrors') + 1]!;
        expect(getPath(effective, [...REGISTRY, 'mirrors', host, 'endpoint'])).toEqual(op.value);
      }
    });
  }
});
