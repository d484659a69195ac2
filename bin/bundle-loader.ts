// The npm bins' entry (scripts/build-bundle.mjs writes it as dist/cli/mirrorctl.cjs, the CLI bundle
// beside it as mirrorctl.body.js): answers `--version` at once, else compiles the CLI through vm.Script
// with a V8 code cache so later runs skip parsing and compiling ~1.6 MB of JavaScript. The cache is an
// optimisation only: any problem with it (missing, corrupt, stale, unwritable, not ours) means a
// normal compile, never an error.
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { VERSION } from '../src/cli/version.js';
import { ExitCode } from '../src/exit-codes.js';

// Replaced by the builder: sha256 of the CLI text (part of the cache key, because V8 itself only
// checks the source's length, not its content).
declare const MIRRORCTL_BODY_HASH: string;
/** The CLI's file beside this one: a function expression of (exports, require, module, …). */
declare const MIRRORCTL_BODY_FILE: string;
const CACHE_MAGIC = Buffer.from('MCTLV8C1');
const DIGEST_BYTES = 32;

interface CliBody {
  runCli(argv: readonly string[], programName: string): Promise<void>;
}

type CacheState = 'off' | 'miss' | 'hit' | 'rejected' | 'corrupt' | 'unsafe';

const env = process.env;
const debug = env.MIRRORCTL_DEBUG_LOAD === '1';
const argv = process.argv.slice(2);
// `kubectl-mirror` (npm links both bins to this file) is the kubectl plugin: `kubectl mirror …`.
const programName = basename(process.argv[1] ?? '').startsWith('kubectl-mirror')
  ? 'kubectl mirror'
  : 'mirrorctl';

/** Help output only: no verb runs, so no WebAssembly is compiled. */
const helpOnly =
  argv.length === 0 ||
  argv.includes('--help') ||
  argv.includes('-h') ||
  ['help', 'completion'].includes(argv[0] ?? '');
const baselineWasm = !helpOnly;

// CommonJS: Node starts a CommonJS main module ~10 ms sooner than an ES module.
const file = __filename;
const bodyFile = join(dirname(file), MIRRORCTL_BODY_FILE);
const requireHere = createRequire(file);
/** node:crypto only when a cache is read or written (not for --version). */
const sha256 = (data: Uint8Array): Buffer =>
  (requireHere('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(data).digest();

if (argv.length === 1 && argv[0] === '--version') {
  // A reader that went away (`mirrorctl --version | true`) is not an error.
  process.stdout.on('error', () => {});
  process.stdout.write(`${VERSION}\n`);
  if (debug) process.stderr.write('mirrorctl-load: cli=not-loaded\n');
} else {
  runBody().catch((err: unknown) => {
    process.stderr.write(
      `✖ internal error (a bug, please report it): ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exitCode = ExitCode.INTERNAL;
  });
}

async function runBody(): Promise<void> {
  // The TOML editor's WebAssembly runs for milliseconds per command: V8's baseline compiler alone
  // (no optimising tier-up in background threads) cut plan's CPU ~20% and peak RSS ~15 MiB
  // (docs/benchmarks.md). Set before compiling the CLI (V8's code cache is keyed by its flags too),
  // and not for help, which never loads the wasm and would pay ~4 ms for node:v8.
  if (baselineWasm) (requireHere('node:v8') as typeof import('node:v8')).setFlagsFromString('--liftoff-only');
  // latin1: the bundle is ASCII, and V8 keeps one one-byte copy of it.
  const source = readFileSync(bodyFile, 'latin1');

  const cacheFile = cachePath();
  let state: CacheState = cacheFile ? 'miss' : 'off';
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    const read = readCache(cacheFile);
    state = read.state;
    cachedData = read.data;
  }
  const script = new Script(source, { filename: bodyFile, ...(cachedData ? { cachedData } : {}) });
  if (cachedData && script.cachedDataRejected) state = 'rejected';
  if (cacheFile && state !== 'hit' && state !== 'unsafe') {
    // Written once the command has run, so the cache also holds the functions it compiled lazily.
    process.once('exit', () => writeCache(cacheFile, script));
  }
  if (debug) {
    process.once('exit', () => {
      process.stderr.write(`mirrorctl-load: code-cache=${state}\n`);
    });
  }
  const wrapper = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: object },
    filename: string,
    dirname: string,
  ) => void;
  const module = { exports: {} };
  wrapper(module.exports, requireHere, module, bodyFile, dirname(file));
  await (module.exports as CliBody).runCli(argv, programName);
}

/** One file per CLI text, Node.js version, architecture and verb; undefined when caching is off. */
function cachePath(): string | undefined {
  const setting = env.MIRRORCTL_CODE_CACHE;
  if (setting === '0' || setting === 'off') return undefined;
  let dir = env.MIRRORCTL_CODE_CACHE_DIR;
  if (!dir) {
    const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : safeHome());
    if (!base) return undefined;
    dir = join(base, 'mirrorctl');
  }
  // One cache per verb: it is written after the first run, with the functions that run compiled, so
  // a cache shared by `plan` and `--help` would hold only the first one's.
  const verb = /^[a-z][a-z-]{0,30}$/.test(argv[0] ?? '') ? argv[0] : 'main';
  // (and per V8 flag set: `plan --help` runs without --liftoff-only)
  const flags = baselineWasm ? '' : '-help';
  return join(dir, `cli-${MIRRORCTL_BODY_HASH}-${process.version}-${process.arch}-${verb}${flags}.v8cache`);
}

function safeHome(): string | undefined {
  try {
    return join(homedir(), '.cache');
  } catch {
    return undefined;
  }
}

/**
 * Only a cache this user alone can write is trusted (it becomes code in this process): the file and
 * its directory must be owned by us and not group/other-writable. The payload's sha256 is checked
 * before V8 sees it, since V8 trusts a cache whose header matches.
 */
function readCache(path: string): { state: CacheState; data?: Buffer } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { state: 'miss' };
  }
  try {
    const uid = process.getuid?.();
    const st = fstatSync(fd);
    const dir = statSync(dirname(path));
    const ours = (s: { uid: number; mode: number }) =>
      (uid === undefined || s.uid === uid) && (s.mode & 0o022) === 0;
    if (!st.isFile() || !ours(st) || !ours(dir)) return { state: 'unsafe' };
    const raw = readFileSync(fd);
    const head = CACHE_MAGIC.length + DIGEST_BYTES;
    if (raw.length <= head || !raw.subarray(0, CACHE_MAGIC.length).equals(CACHE_MAGIC))
      return { state: 'corrupt' };
    const data = raw.subarray(head);
    const digest = sha256(data);
    if (!digest.equals(raw.subarray(CACHE_MAGIC.length, head))) return { state: 'corrupt' };
    return { state: 'hit', data };
  } catch {
    return { state: 'corrupt' };
  } finally {
    closeSync(fd);
  }
}

/** Atomic (temp file + rename), so concurrent runs never read half a cache; failures are ignored. */
function writeCache(path: string, script: Script): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    const digest = sha256(data);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, Buffer.concat([CACHE_MAGIC, digest, data]), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
    pruneOtherBuilds(path);
  } catch {
    // read-only or foreign cache directory, disk full …: run without a cache next time too
    try {
      rmSync(tmp, { force: true });
    } catch {}
  }
}

/** Caches of other builds or Node.js versions are dead weight once this build writes its own. */
function pruneOtherBuilds(path: string): void {
  const dir = dirname(path);
  const current = `cli-${MIRRORCTL_BODY_HASH}-${process.version}-${process.arch}-`;
  for (const name of readdirSync(dir)) {
    if (/^cli-[0-9a-f]+-v[\d.]+-\w+-[\w-]+\.v8cache$/.test(name) && !name.startsWith(current))
      rmSync(join(dir, name), { force: true });
  }
}
