// The real binary writing into pipes whose reader closes before it writes (`mirrorctl … | true`):
// no 'error' event crashes it, nothing is printed, and the exit status is the command's own
// (issue 15 item 12). The read ends are closed by this process right after spawning the child, so
// every write the child makes meets EPIPE.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const EXAMPLES = join(REPO, 'examples');
const IDMS = join(REPO, 'test/golden/convert/idms-itms-to-spec/input.yaml');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/<bin>.ts; `close` lists the streams whose reader goes away at once. */
function run(bin: string, args: string[], close: ('stdout' | 'stderr')[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'bin', `${bin}.ts`), ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const out = { stdout: '', stderr: '' };
    for (const name of ['stdout', 'stderr'] as const) {
      if (close.includes(name)) child[name].destroy();
      else
        child[name].on('data', (b: Buffer) => {
          out[name] += b.toString();
        });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, ...out }));
  });
}

describe('a reader that closes early', () => {
  it('explain | true: exit 0, no stack trace', { timeout: 60_000 }, async () => {
    const r = await run(
      'mirrorctl',
      ['explain', '-f', join(EXAMPLES, 'dpod.yaml'), 'icr.io/cpopen/x:1.0'],
      ['stdout'],
    );
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ code: 0, signal: null });
  });

  it('both streams closed: the command still ends with its own status', { timeout: 60_000 }, async () => {
    // convert writes the spec to stdout and a warning to stderr, and exits 0.
    const ok = await run(
      'mirrorctl',
      ['convert', '--from', 'openshift', '--to', 'spec', IDMS],
      ['stdout', 'stderr'],
    );
    expect(ok).toMatchObject({ code: 0, signal: null });
    // An invalid-input error printed to a closed stderr is still exit 2, not a crash (1).
    const bad = await run('mirrorctl', ['explain', '-f', join(EXAMPLES, 'missing.yaml'), 'x'], ['stderr']);
    expect(bad).toMatchObject({ code: 2, signal: null, stdout: '' });
  });

  it('--version (the fast path) and the kubectl plugin too', { timeout: 60_000 }, async () => {
    expect(await run('mirrorctl', ['--version'], ['stdout'])).toMatchObject({ code: 0, stderr: '' });
    const help = await run('kubectl-mirror', ['explain', '--help'], ['stdout']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
  });
});
