// The config.toml edits proved against real containerd binaries (Debian 1.6.20, plus 1.7.24 and 2.1.9
// from scripts/fetch-containerd.sh): `containerd --config F config dump` loads the file with
// containerd's own parser, version migration and plugin-id rules and prints the effective config
// without starting the daemon. Each golden result must yield the planned config_path (or legacy
// mirrors, or use_local_image_pull) in the registry table that containerd version actually reads.
// Cases run on the binary with the same minor version, else the same major.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPath, parseToml, type TomlTable } from '../../src/toml/parse.js';
import { patchToml } from '../../src/toml/patch.js';
import { caseDirs, readIfExists } from '../golden/containerd-golden.js';
import { type ContainerdBinary, containerdBinaries } from './harness/containerd.js';

const GOLDEN = join(import.meta.dirname, '../golden');
const CORPUS = join(GOLDEN, '../fixtures/config-toml');
const tmp = mkdtempSync(join(tmpdir(), 'mirrorctl-dump-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const binaries = containerdBinaries();
const major = (v: string): string => v.split('.')[0]!;
const minor = (v: string): string => v.split('.').slice(0, 2).join('.');
const binaryFor = (v: string): ContainerdBinary | undefined =>
  binaries.find((b) => minor(b.version) === minor(v)) ?? binaries.find((b) => major(b.version) === major(v));

/** Where the effective (dumped, migrated) config keeps the CRI registry table. */
const registryOf = (b: ContainerdBinary): string[] =>
  major(b.version) === '1'
    ? ['plugins', 'io.containerd.grpc.v1.cri', 'registry']
    : ['plugins', 'io.containerd.cri.v1.images', 'registry'];

/** Effective config of `text` as containerd `b` sees it (root/state moved into a temp dir). */
function dump(b: ContainerdBinary, text: string): TomlTable {
  const isolated = patchToml(text, [
    { op: 'set', keys: ['root'], value: join(tmp, 'root') },
    { op: 'set', keys: ['state'], value: join(tmp, 'state') },
  ]);
  const file = join(tmp, 'config.toml');
  writeFileSync(file, isolated);
  const out = execFileSync(join(b.binDir, 'containerd'), ['--config', file, 'config', 'dump'], {
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

const cases = (suite: string): { name: string; dir: string; c: Case; b: ContainerdBinary }[] =>
  caseDirs(join(GOLDEN, suite)).flatMap((name) => {
    const dir = join(GOLDEN, suite, name);
    const c = JSON.parse(readIfExists(join(dir, 'case.json')) ?? '{}') as Case;
    const b = c.runtimeVersion ? binaryFor(c.runtimeVersion) : undefined;
    return b ? [{ name, dir, c, b }] : [];
  });

describe.skipIf(binaries.length === 0)('config.toml edits read by real containerd', () => {
  for (const { name, dir, c, b } of cases('containerd-config')) {
    it(`containerd-config/${name} on ${b.version}`, () => {
      const REGISTRY = registryOf(b);
      const plan = JSON.parse(readFileSync(join(dir, 'expected/_plan.json'), 'utf8')) as { hostsDir: string };
      const patched = readIfExists(join(dir, 'expected/config.toml'));
      const input = c.corpus ? readIfExists(join(CORPUS, c.corpus)) : readIfExists(join(dir, 'input.toml'));
      const text = patched ?? input;
      if (text === null) return; // nothing on disk before or after
      if (!parseToml(text).ok) return; // parse-error case: refused before writing
      const effective = dump(b, text);
      const configPath = getPath(effective, [...REGISTRY, 'config_path']);
      if (patched !== null || name.includes('reused') || name === 'already-correct') {
        // The planned directory is what CRI reads; containerd splits a list itself on 1.x.
        expect(String(configPath).split(':')[0]).toBe(plan.hostsDir);
        expect(getPath(effective, [...REGISTRY, 'mirrors']) ?? {}).toEqual({});
        if (name.includes('list-kept'))
          expect(getPath(effective, [...REGISTRY.slice(0, -1), 'use_local_image_pull'])).toBe(true);
      } else {
        // Refused cases: e.g. a version 3 file on 1.6 is silently ignored (config_path stays "").
        expect(configPath === '' || name === 'legacy-mirrors-refused' || name === 'cri-disabled').toBe(true);
      }
    });
  }

  for (const { name, dir, b } of cases('containerd-legacy')) {
    it(`containerd-legacy/${name} on ${b.version}`, () => {
      const REGISTRY = registryOf(b);
      const patched = readIfExists(join(dir, 'expected/config.toml'));
      if (patched === null) return; // refused: nothing written
      const result = JSON.parse(readFileSync(join(dir, 'expected/_result.json'), 'utf8')) as {
        ops: { op: string; keys: string[]; value?: unknown }[];
      };
      const effective = dump(b, patched);
      expect(getPath(effective, [...REGISTRY, 'config_path'])).toBe('');
      for (const op of result.ops.filter((o) => o.keys.includes('mirrors'))) {
        const host = op.keys[op.keys.indexOf('mirrors') + 1]!;
        expect(getPath(effective, [...REGISTRY, 'mirrors', host, 'endpoint'])).toEqual(op.value);
      }
    });
  }
});
