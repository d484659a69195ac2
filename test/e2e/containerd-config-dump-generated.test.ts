// Every config.toml mirrorctl would write, loaded by the real containerd 1.6.20, 1.7.24 and 2.1.9
// (`containerd config dump`: the binary's own parser, version migration and imports). Inputs: the
// config.toml corpus, the golden cases' inputs, the captured host trees, and fast-check-generated
// files (no file, empty, comments only, version absent/1/2/3, CRI tables under each plugin id, an
// existing registry table and config_path, legacy mirrors, imports). Each input is planned through
// planNode (the production path: a node's files in memory, the runtime version of the binary) for
// the containerd and the containerd-legacy targets; then either mirrorctl refused with an error
// diagnostic, or the dumped effective config has what mirrorctl promised: config_path = the
// directory it writes hosts.toml into (containerd target), or the mirror endpoints and no
// config_path (legacy target). Issue 15.1: a version-less file on 2.x got [plugins.cri.registry],
// which 2.1 ignores.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PATHS } from '../../src/formats/node-paths.js';
import { type MemoryTree, memoryFs } from '../../src/host/memory-fs.js';
import { silentLogger } from '../../src/host/ports.js';
import { scriptedRunner } from '../../src/host/scripted-runner.js';
import { planNode } from '../../src/planner/plan-node.js';
import { getPath, isTable, parseToml, type TomlTable } from '../../src/toml/parse.js';
import { loadTree } from '../fixtures/hosts/load-tree.js';
import { caseDirs, readIfExists } from '../golden/containerd-golden.js';
import { type ConfigInput, configModel, renderModel } from './config-toml-arbitrary.js';
import { type DumpJob, type DumpResult, dumpAll } from './harness/config-dump.js';
import { type ContainerdBinary, containerdBinaries } from './harness/containerd.js';

const TEST = join(import.meta.dirname, '..');
const CONFIG = DEFAULT_PATHS.containerdConfig;
const ETC = dirname(CONFIG);
const SEED = Number(process.env.MIRRORCTL_FC_SEED ?? 20261203);
const RUNS = Number(process.env.MIRRORCTL_FC_RUNS ?? 160);
const SPEC = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: dump }
spec:
  registries:
    - source: registry.k8s.io
      mirrors:
        - url: https://mirror.example.com
`;
const tmp = mkdtempSync(join(tmpdir(), 'mirrorctl-gen-dump-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Input extends ConfigInput {
  name: string;
  migrateLegacy: boolean;
  keepConfigPathList: boolean;
}

const files = (dir: string, ext: string): string[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith(ext))
    .sort();

/** The corpus, the golden inputs and the host trees: inputs someone wrote on purpose. */
function fixedInputs(): Input[] {
  const out: Input[] = [];
  const corpus = join(TEST, 'fixtures/config-toml');
  for (const n of files(corpus, '.toml')) {
    const text = readFileSync(join(corpus, n), 'utf8');
    out.push({ name: `corpus/${n}`, text, files: {}, migrateLegacy: true, keepConfigPathList: false });
  }
  for (const suite of ['containerd-config', 'containerd-legacy']) {
    for (const c of caseDirs(join(TEST, 'golden', suite))) {
      const dir = join(TEST, 'golden', suite, c);
      const opts = JSON.parse(readIfExists(join(dir, 'case.json')) ?? '{}') as {
        corpus?: string;
        migrateLegacy?: boolean;
        keepConfigPathList?: boolean;
      };
      if (opts.corpus) continue; // already above
      out.push({
        name: `golden/${suite}/${c}`,
        text: readIfExists(join(dir, 'input.toml')),
        files: {},
        migrateLegacy: opts.migrateLegacy ?? false,
        keepConfigPathList: opts.keepConfigPathList ?? false,
      });
    }
  }
  const hosts = join(TEST, 'fixtures/hosts');
  for (const h of readdirSync(hosts, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const tree = loadTree(join(hosts, h.name, 'tree'));
    const main = tree[CONFIG];
    if (!main || typeof main !== 'object' || !('content' in main)) continue;
    const dropIns: Record<string, string> = {};
    for (const [p, e] of Object.entries(tree)) {
      if (p.startsWith(`${ETC}/conf.d/`) && typeof e === 'object' && 'content' in e)
        dropIns[p.slice(ETC.length + 1)] = String(e.content);
    }
    out.push({
      name: `hosts/${h.name}`,
      text: String(main.content),
      files: dropIns,
      migrateLegacy: true,
      keepConfigPathList: false,
    });
  }
  return out;
}

function generatedInputs(): Input[] {
  return fc.sample(configModel, { numRuns: RUNS, seed: SEED }).map((m, i) => ({
    name: `generated#${i} ${JSON.stringify(m)}`,
    ...renderModel(m),
    migrateLegacy: m.migrateLegacy,
    keepConfigPathList: m.keepConfigPathList,
  }));
}

type Target = 'containerd' | 'containerd-legacy';
type Outcome =
  | { refused: true; errors: { code: string; message: string; hint?: string }[] }
  | { refused: false; written: string; hostsDir?: string };

/** What mirrorctl plans for this input on containerd `version`: the node's files in memory. */
async function plan(input: Input, target: Target, version: string): Promise<Outcome> {
  const tree: MemoryTree = { '/spec.yaml': SPEC };
  if (input.text !== null) tree[CONFIG] = input.text;
  for (const [rel, text] of Object.entries(input.files)) tree[`${ETC}/${rel}`] = text;
  const host = { fs: memoryFs(tree), run: scriptedRunner([]), log: silentLogger, now: () => new Date(0) };
  const planned = await planNode(host, {
    specFile: '/spec.yaml',
    readSpec: async (p) => (p === '/spec.yaml' ? SPEC : null),
    runtime: target,
    runtimeVersion: version,
    runCommands: false,
    desired: { migrateLegacy: input.migrateLegacy, keepConfigPathList: input.keepConfigPathList },
    takeOver: false,
    skipInexpressible: false,
  });
  const errors = planned.diagnostics.filter((d) => d.severity === 'error');
  if (!planned.plan || planned.refusal !== 0) {
    return { refused: true, errors: errors.map((d) => ({ code: d.code, message: d.message, hint: d.hint })) };
  }
  const changes = planned.plan.changes;
  const edit = changes.find((c) => c.path === CONFIG);
  const written = edit && edit.kind !== 'delete' ? edit.content : input.text;
  if (written === null) throw new Error('no config.toml before or after a plan that was not refused');
  const hosts = changes.find((c) => c.path.endsWith('/hosts.toml'));
  return { refused: false, written, ...(hosts ? { hostsDir: dirname(dirname(hosts.path)) } : {}) };
}

/** Absolute `imports` under /etc/containerd point into the job's directory instead (the only change
 *  made to the bytes mirrorctl writes; relative imports already resolve there). */
function relocate(text: string, dir: string): string {
  const parsed = parseToml(text);
  const imports = parsed.ok && Array.isArray(parsed.value.imports) ? parsed.value.imports : [];
  let out = text;
  for (const imp of imports) {
    if (typeof imp !== 'string' || !imp.startsWith(`${ETC}/`)) continue;
    const moved = `${dir}/${imp.slice(ETC.length + 1)}`;
    out = out.replaceAll(`"${imp}"`, `"${moved}"`).replaceAll(`'${imp}'`, `'${moved}'`);
  }
  return out;
}

const isV1 = (b: ContainerdBinary): boolean => b.version.startsWith('1.');
const registryOf = (b: ContainerdBinary): string[] =>
  isV1(b)
    ? ['plugins', 'io.containerd.grpc.v1.cri', 'registry']
    : ['plugins', 'io.containerd.cri.v1.images', 'registry'];

/** The promise of a containerd-target plan, checked against the binary's effective config. */
function checkContainerd(b: ContainerdBinary, eff: TomlTable, hostsDir: string): string[] {
  const reg = getPath(eff, registryOf(b));
  const problems: string[] = [];
  const cp = isTable(reg) && typeof reg.config_path === 'string' ? reg.config_path : '';
  const dirs = cp.split(':').filter((d) => d !== '');
  const useLocal = getPath(eff, [...registryOf(b).slice(0, -1), 'use_local_image_pull']) === true;
  // 1.x (and 2.x local pulls) split a list, first directory wins; 2.1 transfer pulls take it whole.
  const read = isV1(b) || useLocal ? dirs[0] : cp;
  if (read !== hostsDir) problems.push(`effective config_path "${cp}", expected ${hostsDir}`);
  const mirrors = isTable(reg) && isTable(reg.mirrors) ? Object.keys(reg.mirrors) : [];
  if (mirrors.length > 0) problems.push(`legacy mirrors ${mirrors.join(', ')} next to config_path`);
  const configs = isTable(reg) && isTable(reg.configs) ? reg.configs : {};
  const tls = Object.entries(configs).filter(
    ([, c]) => isTable(c) && isTable(c.tls) && Object.values(c.tls).some((v) => v !== '' && v !== false),
  );
  if (isV1(b) && tls.length > 0)
    problems.push(`configs.*.tls next to config_path: ${tls.map(([h]) => h).join(', ')}`);
  return problems;
}

/** The promise of a containerd-legacy plan: the mirror is effective, config_path is not set. */
function checkLegacy(b: ContainerdBinary, eff: TomlTable): string[] {
  const reg = getPath(eff, registryOf(b));
  const cp = isTable(reg) && typeof reg.config_path === 'string' ? reg.config_path : '';
  const endpoints = getPath(eff, [...registryOf(b), 'mirrors', 'registry.k8s.io', 'endpoint']);
  const problems: string[] = [];
  if (cp !== '') problems.push(`config_path "${cp}" set next to legacy mirrors`);
  if (!Array.isArray(endpoints) || !endpoints.some((e) => String(e).includes('mirror.example.com')))
    problems.push(`mirrors."registry.k8s.io".endpoint = ${JSON.stringify(endpoints)}, expected the mirror`);
  return problems;
}

const binaries = containerdBinaries();
const inputs = [...fixedInputs(), ...generatedInputs()];

describe('every config.toml mirrorctl writes, read by real containerd', () => {
  it('has containerd 1.6, 1.7 and 2.1 to check with (scripts/fetch-containerd.sh)', () => {
    expect(binaries.map((b) => b.version.split('.').slice(0, 2).join('.')).sort()).toEqual(
      expect.arrayContaining(['1.6', '1.7', '2.1']),
    );
  });

  for (const b of binaries) {
    for (const target of ['containerd', 'containerd-legacy'] as const) {
      it(`${target} on ${b.version}: ${inputs.length} inputs (fast-check seed ${SEED})`, async () => {
        const outcomes = await Promise.all(inputs.map((i) => plan(i, target, b.version)));
        const accepted = outcomes.flatMap((o, i) => (o.refused ? [] : [{ o, input: inputs[i]! }]));
        const jobs: DumpJob[] = accepted.map(({ o, input }, k) => ({
          text: relocate(o.written, join(tmp, `${b.version}-${target}-${k}`)),
          files: input.files,
        }));
        const dumped: DumpResult[] = await dumpAll(b, join(tmp, target), jobs);
        // "containerd refuses this file" must be what the binary itself does with the input.
        const claimed = outcomes.flatMap((o, i) =>
          o.refused && o.errors.some((e) => e.code.endsWith('refused-by-containerd')) ? [inputs[i]!] : [],
        );
        const inputDumps = await dumpAll(
          b,
          join(tmp, `${target}-inputs`),
          claimed.map((i) => ({ text: i.text ?? '', files: i.files })),
        );
        const failures: string[] = [];
        inputDumps.forEach((d, k) => {
          if (d.ok)
            failures.push(`${claimed[k]!.name}: refused as unloadable, but containerd ${b.version} loads it`);
        });
        outcomes.forEach((o, i) => {
          if (!o.refused) return;
          // A refusal must say why and what to do.
          for (const e of o.errors)
            if (!e.message || !e.hint) failures.push(`${inputs[i]!.name}: bare error ${e.code}`);
          if (o.errors.length === 0) failures.push(`${inputs[i]!.name}: refused without an error`);
        });
        accepted.forEach(({ o, input }, k) => {
          if (o.refused) return;
          const d = dumped[k]!;
          if (!d.ok) {
            failures.push(
              `${input.name}: containerd ${b.version} cannot load what mirrorctl writes: ${d.error}\n${o.written}`,
            );
            return;
          }
          const problems =
            target === 'containerd'
              ? o.hostsDir === undefined
                ? ['no hosts.toml planned']
                : checkContainerd(b, d.config, o.hostsDir)
              : checkLegacy(b, d.config);
          if (problems.length > 0)
            failures.push(`${input.name}: ${problems.join('; ')}\n--- written:\n${o.written}`);
        });
        const refused = outcomes.length - accepted.length;
        const byCode = new Map<string, number>();
        for (const o of outcomes)
          if (o.refused)
            for (const e of new Set(o.errors.map((x) => x.code))) byCode.set(e, (byCode.get(e) ?? 0) + 1);
        console.log(
          `[e2e evidence] ${target} on containerd ${b.version}: ${accepted.length} written configs loaded by \`containerd config dump\`, ${refused} refused with a diagnostic (${[...byCode].map(([c, n]) => `${c} ×${n}`).join(', ')}), ${failures.length} failures`,
        );
        for (const f of failures.slice(0, 8)) console.log(`[dump failure] ${f}`);
        expect(failures).toEqual([]);
        // A checker that refuses everything proves nothing: most inputs must be written.
        expect(accepted.length).toBeGreaterThan(inputs.length / 3);
      });
    }
  }
});
