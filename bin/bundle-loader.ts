// The npm bins' entry (scripts/build-bundle.mjs writes it as dist/cli/mirrorctl.cjs, the CLI bundle
// beside it as mirrorctl.body.js): answers `--version` at once (and `--help` into a pipe from the text
// its first run kept), else compiles the CLI through vm.Script with a V8 code cache so later runs skip
// parsing and compiling ~1.6 MB of JavaScript. Both caches are optimisations only: any problem with
// them (missing, corrupt, stale, unwritable, not ours) means a normal run, never an error.
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
const HELP_MAGIC = Buffer.from('MCTLHLP1');
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

/**
 * `mirrorctl --help` (or -h) into a pipe or file: its text depends only on the CLI text and the program
 * name (commander's width is 80 and nothing is coloured when stdout is not a terminal, unless
 * FORCE_COLOR/CLICOLOR_FORCE say otherwise), so the first run's output is kept beside the code cache
 * and later runs print it without reading the CLI (the 1.6 MB text and its cache are most of --help).
 */
const helpTextCacheable =
  argv.length === 1 &&
  (argv[0] === '--help' || argv[0] === '-h') &&
  env.FORCE_COLOR === undefined &&
  env.CLICOLOR_FORCE === undefined &&
  process.stdout.isTTY !== true;

if (argv.length === 1 && argv[0] === '--version') {
  // A reader that went away (`mirrorctl --version | true`) is not an error.
  process.stdout.on('error', () => {});
  process.stdout.write(`${VERSION}\n`);
  if (debug) process.stderr.write('mirrorctl-load: cli=not-loaded\n');
} else if (helpTextCacheable && printCachedHelp()) {
  if (debug) process.stderr.write('mirrorctl-load: cli=not-loaded\nmirrorctl-load: help-text=hit\n');
} else {
  if (helpTextCacheable) recordHelpText();
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

/** The help text's file: per CLI text, program name and flag (its output names the program). */
function helpTextPath(): string | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  const program = programName === 'mirrorctl' ? 'mirrorctl' : 'kubectl-mirror';
  const flag = argv[0] === '-h' ? 'h' : 'help';
  return join(
    dir,
    `cli-${MIRRORCTL_BODY_HASH}-${process.version}-${process.arch}-${program}-${flag}.helptext`,
  );
}

/** true when a trusted, whole help text was printed; anything else means running the CLI. */
function printCachedHelp(): boolean {
  const path = helpTextPath();
  if (!path) return false;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  let text: string;
  try {
    if (!trusted(fstatSync(fd), statSync(dirname(path)))) return false;
    const raw = readFileSync(fd);
    const head = HELP_MAGIC.length + 4;
    // Written atomically (temp file + rename), so the length only guards against a damaged file.
    if (raw.length < head || !raw.subarray(0, HELP_MAGIC.length).equals(HELP_MAGIC)) return false;
    if (raw.readUInt32BE(HELP_MAGIC.length) !== raw.length - head) return false;
    text = raw.subarray(head).toString('utf8');
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
  // As run-cli's output: a reader that went away is not an error.
  process.stdout.on('error', () => {});
  process.stdout.write(text);
  return true;
}

/** Tees this run's stdout and, if it succeeds without a word on stderr, keeps it for printCachedHelp. */
function recordHelpText(): void {
  const path = helpTextPath();
  if (!path) return;
  const chunks: string[] = [];
  let cacheable = true;
  const tee =
    <S extends NodeJS.WriteStream>(stream: S, keep: boolean) =>
    (write: S['write']): S['write'] =>
      ((chunk: unknown, ...rest: unknown[]) => {
        if (!keep || typeof chunk !== 'string') cacheable = false;
        else chunks.push(chunk);
        return (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      }) as S['write'];
  process.stdout.write = tee(process.stdout, true)(process.stdout.write);
  process.stderr.write = tee(process.stderr, false)(process.stderr.write);
  process.once('exit', (code) => {
    if (!cacheable || code !== 0 || chunks.length === 0) return;
    const text = Buffer.from(chunks.join(''), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(text.length);
    writeAtomically(path, Buffer.concat([HELP_MAGIC, length, text]));
  });
}

/** The cache directory; undefined when caching is off (MIRRORCTL_CODE_CACHE=off covers both caches). */
function cacheDir(): string | undefined {
  const setting = env.MIRRORCTL_CODE_CACHE;
  if (setting === '0' || setting === 'off') return undefined;
  const dir = env.MIRRORCTL_CODE_CACHE_DIR;
  if (dir) return dir;
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : safeHome());
  return base ? join(base, 'mirrorctl') : undefined;
}

/** One file per CLI text, Node.js version, architecture and verb; undefined when caching is off. */
function cachePath(): string | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
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
    if (!trusted(fstatSync(fd), statSync(dirname(path)))) return { state: 'unsafe' };
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

/** A cache file (and its directory) this user alone can write. */
function trusted(file: { uid: number; mode: number; isFile(): boolean }, dir: { uid: number; mode: number }) {
  const uid = process.getuid?.();
  const ours = (s: { uid: number; mode: number }) =>
    (uid === undefined || s.uid === uid) && (s.mode & 0o022) === 0;
  return file.isFile() && ours(file) && ours(dir);
}

function writeCache(path: string, script: Script): void {
  try {
    const data = script.createCachedData();
    writeAtomically(path, Buffer.concat([CACHE_MAGIC, sha256(data), data]));
  } catch {
    // V8 could not serialise: run without a cache next time too
  }
}

/** Atomic (temp file + rename), so concurrent runs never read half a file; failures are ignored. */
function writeAtomically(path: string, data: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
    pruneOtherBuilds(path);
  } catch {
    // read-only or foreign cache directory, disk full …: run without a cache next time too
    try {
      rmSync(tmp, { force: true });
    } catch {}
  }
}

/** Caches (and help texts) of other builds or Node.js versions are dead weight once this build writes its own. */
function pruneOtherBuilds(path: string): void {
  const dir = dirname(path);
  const current = `cli-${MIRRORCTL_BODY_HASH}-${process.version}-${process.arch}-`;
  for (const name of readdirSync(dir)) {
    if (/^cli-[0-9a-f]+-v[\d.]+-\w+-[\w-]+\.(v8cache|helptext)$/.test(name) && !name.startsWith(current))
      rmSync(join(dir, name), { force: true });
  }
}
