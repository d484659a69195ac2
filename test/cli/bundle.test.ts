// The shipped CLI (scripts/build-bundle.mjs, what `npm run build` and the image build): built into a
// temp dir in both layouts (npm: loader + mirrorctl.body.js; image: one ES module), it answers like `npx tsx bin/mirrorctl.ts`, loads the heavy packages only
// in the verbs that need them (MIRRORCTL_DEBUG_LOAD=1 names the packages a run initialised), and a
// missing, corrupt, stale, unwritable or foreign V8 code cache never changes a run. No timing here:
// speed is bench/latency.ts's business.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SERVICE_ACCOUNT_DIR } from '../../src/cli/commands/agent.js';
import { SERVICE_ACCOUNT_DIR } from '../../src/host/in-cluster-https.js';

const repo = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'mirrorctl-bundle-test-'));
const npmBin = join(work, 'npm', 'mirrorctl.cjs');
const imageBin = join(work, 'image', 'mirrorctl.mjs');
const PLAN = [
  'plan',
  '-f',
  'examples/dockerhub-cache.yaml',
  '--root',
  'examples/nodes/containerd-1.6',
  '--runtime-version',
  '1.6.20',
];
const HEAVY = ['@kubernetes/client-node', '@grpc/grpc-js', 'protobufjs', 'prom-client'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** MIRRORCTL_DEBUG_LOAD's lines (the npm loader's code-cache=…, run-cli's packages=…), parsed. */
  load: { cache?: string; packages: string[]; notLoaded: boolean };
}

function run(file: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        cwd: repo,
        env: { ...process.env, NO_COLOR: '1', MIRRORCTL_DEBUG_LOAD: '1', ...env },
        maxBuffer: 16 << 20,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        const lines = [...stderr.matchAll(/^mirrorctl-load: (.*)$/gm)].map((m) => m[1] ?? '').join(' ');
        const packages = /packages=(\S*)/.exec(lines)?.[1] ?? '';
        resolve({
          code,
          stdout,
          stderr: stderr.replace(/^mirrorctl-load: .*\n/gm, ''),
          load: {
            cache: /code-cache=(\w+)/.exec(lines)?.[1],
            packages: packages ? packages.split(',') : [],
            notLoaded: lines === 'cli=not-loaded',
          },
        });
      },
    );
  });
}

const node = (bin: string, args: readonly string[], env?: Record<string, string>) =>
  run(process.execPath, [bin, ...args], env);
const tsx = (args: readonly string[]) =>
  run(process.execPath, ['--import', 'tsx', join(repo, 'bin', 'mirrorctl.ts'), ...args]);
const cacheDir = (name: string) => join(work, 'caches', name);
const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));

beforeAll(async () => {
  const { buildCliBundle } = (await import(
    new URL('../../scripts/build-bundle.mjs', import.meta.url).href
  )) as {
    buildCliBundle: (o: string) => Promise<{ bodyFile?: string }>;
  };
  const npm = await buildCliBundle(npmBin);
  expect(npm.bodyFile).toBe(join(work, 'npm', 'mirrorctl.body.js'));
  const image = await buildCliBundle(imageBin);
  expect(image.bodyFile).toBeUndefined();
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run build ships the bundle', () => {
  it('package.json: build runs the bundle builder, both bins point at its default output', async () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    const { DEFAULT_OUTFILE } = (await import(
      new URL('../../scripts/build-bundle.mjs', import.meta.url).href
    )) as { DEFAULT_OUTFILE: string };
    expect(pkg.scripts.build).toContain('node scripts/build-bundle.mjs');
    expect(pkg.bin).toEqual({
      mirrorctl: relative(repo, DEFAULT_OUTFILE),
      'kubectl-mirror': relative(repo, DEFAULT_OUTFILE),
    });
  });
});

describe.each([
  ['npm layout (loader + mirrorctl.body.js)', npmBin],
  ['image layout (one ES module)', imageBin],
])('%s', (_layout, bin) => {
  const env = { MIRRORCTL_CODE_CACHE_DIR: cacheDir(bin.endsWith('.mjs') ? 'image' : 'npm') };

  it('--version answers without loading the verbs', async () => {
    const r = await node(bin, ['--version'], env);
    const dev = await tsx(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(dev.stdout);
    // npm: the loader answers before reading the CLI; image: run-cli answers before main.ts
    if (bin === npmBin) expect(r.load.notLoaded).toBe(true);
    else expect(r.load.packages).toEqual([]);
  });

  it('--help is the same as from source and loads only commander', async () => {
    const r = await node(bin, ['--help'], env);
    const dev = await tsx(['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(dev.stdout);
    expect(r.stdout).toContain('Usage: mirrorctl [options] [command]');
    expect(r.load.packages).toEqual(['commander']);
  });

  it('plan on examples/ is the same as from source, without the cluster packages', async () => {
    const r = await node(bin, PLAN, env);
    const dev = await tsx(PLAN);
    expect(r.code, r.stderr).toBe(1); // changes pending
    expect({ stdout: r.stdout, stderr: r.stderr }).toEqual({ stdout: dev.stdout, stderr: dev.stderr });
    expect(r.stdout).toContain('/etc/containerd/certs.d/docker.io/hosts.toml');
    for (const p of ['zod', 'yaml', '@rainbowatcher/toml-edit-js']) expect(r.load.packages).toContain(p);
    for (const p of HEAVY) expect(r.load.packages).not.toContain(p);
  });

  it('a verb that needs gRPC loads it (the marker sees it)', async () => {
    const r = await node(
      bin,
      ['verify', '--root', work, '--cri-endpoint', `unix://${join(work, 'none.sock')}`, '-o', 'json'],
      env,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'VerifyReport', ok: false });
    expect(r.load.packages).toContain('@grpc/grpc-js');
  });
});

describe('the kubectl plugin name', () => {
  it('run as kubectl-mirror (npm links both bins to one file), help says kubectl mirror', async () => {
    const link = join(work, 'bin', 'kubectl-mirror');
    mkdirSync(join(work, 'bin'), { recursive: true });
    symlinkSync(npmBin, link);
    const r = await run(link, ['explain', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: kubectl mirror explain');
  });
});

describe('V8 code cache', () => {
  it('is written after the first run of a verb and used by the next', async () => {
    const dir = cacheDir('fresh');
    const first = await node(npmBin, PLAN, { MIRRORCTL_CODE_CACHE_DIR: dir });
    expect(first.load.cache).toBe('miss');
    expect(cacheFiles(dir)).toEqual([expect.stringMatching(/^cli-[0-9a-f]+-v[\d.]+-\w+-plan\.v8cache$/)]);
    const second = await node(npmBin, PLAN, { MIRRORCTL_CODE_CACHE_DIR: dir });
    expect(second.load.cache).toBe('hit');
    expect(second.stdout).toBe(first.stdout);
  });

  it('MIRRORCTL_CODE_CACHE=off neither reads nor writes one', async () => {
    const dir = cacheDir('off');
    const r = await node(npmBin, ['--help'], { MIRRORCTL_CODE_CACHE_DIR: dir, MIRRORCTL_CODE_CACHE: 'off' });
    expect(r.code).toBe(0);
    expect(r.load.cache).toBe('off');
    expect(() => readdirSync(dir)).toThrow();
  });

  // Each damaged cache: the run is the same as without one, and the cache is rewritten valid.
  const damages: [string, (file: string, valid: Buffer) => Buffer, string][] = [
    [
      'a flipped payload byte',
      (_f, v) => Buffer.from(v.map((b, i) => (i === v.length - 7 ? b ^ 0xff : b))),
      'corrupt',
    ],
    ['a truncated file', (_f, v) => v.subarray(0, 100), 'corrupt'],
    ['not a cache at all', () => Buffer.from('hello'), 'corrupt'],
    // A well-formed file whose payload V8 made for another script (another build of the same name).
    ['a stale cache (checksum right, another script)', (_f, v) => restamp(v, staleV8Data()), 'rejected'],
  ];
  it.each(damages)('%s never breaks a run', async (_name, damage, state) => {
    const dir = cacheDir(`damaged-${state}-${Math.random().toString(16).slice(2)}`);
    const clean = await node(npmBin, PLAN, { MIRRORCTL_CODE_CACHE_DIR: dir });
    const [name] = cacheFiles(dir);
    if (!name) throw new Error('no cache written');
    const file = join(dir, name);
    writeFileSync(file, damage(file, readFileSync(file)), { mode: 0o600 });
    const r = await node(npmBin, PLAN, { MIRRORCTL_CODE_CACHE_DIR: dir });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: clean.code,
      stdout: clean.stdout,
      stderr: clean.stderr,
    });
    expect(r.load.cache).toBe(state);
    const again = await node(npmBin, PLAN, { MIRRORCTL_CODE_CACHE_DIR: dir });
    expect(again.load.cache).toBe('hit');
  });

  it('an unwritable cache directory is no error (and nothing is written)', async () => {
    const notADir = join(work, 'a-file');
    writeFileSync(notADir, 'x');
    const r = await node(npmBin, ['--help'], { MIRRORCTL_CODE_CACHE_DIR: join(notADir, 'cache') });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: mirrorctl');
  });

  it('a cache others can write is not trusted', async () => {
    const dir = cacheDir('shared');
    await node(npmBin, ['--help'], { MIRRORCTL_CODE_CACHE_DIR: dir });
    chmodSync(dir, 0o777);
    const r = await node(npmBin, ['--help'], { MIRRORCTL_CODE_CACHE_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.load.cache).toBe('unsafe');
    chmodSync(dir, 0o700);
    const [name] = cacheFiles(dir);
    if (!name) throw new Error('no cache written');
    chmodSync(join(dir, name), 0o666);
    const file = await node(npmBin, ['--help'], { MIRRORCTL_CODE_CACHE_DIR: dir });
    expect(file.load.cache).toBe('unsafe');
  });
});

describe('the agent verb', () => {
  it("its --service-account-dir default is the in-cluster client's", () => {
    expect(AGENT_SERVICE_ACCOUNT_DIR).toBe(SERVICE_ACCOUNT_DIR);
  });
});

/** A cache file (magic, sha256, payload) around another payload, with a correct checksum. */
function restamp(valid: Buffer, payload: Buffer): Buffer {
  const magic = valid.subarray(0, 8);
  return Buffer.concat([magic, createHash('sha256').update(payload).digest(), payload]);
}

/** V8 code cache data of an unrelated script, made in this process (same Node.js, same flags). */
function staleV8Data(): Buffer {
  return new Script('(function () { return 42; })').createCachedData();
}
