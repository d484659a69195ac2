// The transaction lock between real processes on nodeFs (issue 15.4): flock(2) through util-linux
// `flock`, released by the kernel with its holder. A holder SIGKILLed mid-hold frees the lock at
// once; processes racing for it — over a stale lock file left by a dead one, where the old
// read → unlink → O_EXCL create let two of them "take it over" — end with exactly one holder.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/host/node-fs.js';
import { processProbe } from '../../src/host/process-probe.js';
import { acquireLock, releaseLock } from '../../src/transaction/lock.js';

const base = mkdtempSync(join(tmpdir(), 'mirrorctl-lock-race-'));
const CHILD = join(base, 'lock-child.mjs');
let seq = 0;

beforeAll(async () => {
  await build({
    entryPoints: [join(import.meta.dirname, 'lock-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: CHILD,
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface Child {
  proc: ChildProcessWithoutNullStreams;
  /** Resolves with the first line after "go": LOCKED … or HELD …. */
  outcome: Promise<string>;
}

async function startChild(root: string): Promise<Child> {
  const proc = spawn(process.execPath, [CHILD, root]);
  let out = '';
  let err = '';
  proc.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const line = (prefix: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = out.split('\n').find((l) => prefix.test(l));
        if (m) resolve(m);
      };
      proc.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        check();
      });
      proc.on('exit', (code) => {
        check();
        reject(new Error(`child exited ${code} before ${prefix}: ${out}${err}`));
      });
    });
  const ready = line(/^READY/);
  const outcome = line(/^(LOCKED|HELD)/);
  outcome.catch(() => {});
  await ready;
  return { proc, outcome };
}

function freshRoot(staleFrom?: number): string {
  const root = join(base, `root-${++seq}`);
  mkdirSync(join(root, 'var/lib/mirrorctl'), { recursive: true });
  // A lock file left by a holder that died (its pid long gone), as after a SIGKILL or reboot.
  if (staleFrom !== undefined)
    writeFileSync(
      join(root, 'var/lib/mirrorctl/lock'),
      JSON.stringify({ pid: staleFrom, startTime: '1', at: '2026-01-01T00:00:00Z', createdDirs: [] }),
    );
  return root;
}

describe('the transaction lock between real processes', () => {
  test('a holder SIGKILLed mid-hold: the next process gets the lock at once', async () => {
    const root = freshRoot();
    const holder = await startChild(root);
    holder.proc.stdin.write('go\n');
    expect(await holder.outcome).toMatch(/^LOCKED null/);
    // GIVEN a live holder: another process is refused
    const other = await startChild(root);
    other.proc.stdin.write('go\n');
    expect(await other.outcome).toMatch(/^HELD another mirrorctl transaction is running \(pid \d+/);
    // WHEN the holder is killed without releasing
    const exited = new Promise((r) => holder.proc.on('exit', r));
    holder.proc.kill('SIGKILL');
    await exited;
    // THEN the very next attempt gets the lock, and names the dead holder from its file
    const t0 = Date.now();
    const r = await acquireLock(nodeFs({ root }), '/var/lib/mirrorctl', processProbe(), new Date());
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.lock.tookOverFrom?.pid).toBe(holder.proc.pid);
      await releaseLock(nodeFs({ root }), r.lock);
    }
  });

  test('processes racing for a stale lock: exactly one wins, every round', { timeout: 120_000 }, async () => {
    for (let round = 0; round < 8; round++) {
      const root = freshRoot(2_000_000_000 + round);
      const children = await Promise.all(Array.from({ length: 6 }, () => startChild(root)));
      // All start at once, each holding what it gets until the round is counted.
      for (const c of children) c.proc.stdin.write('go\n');
      const outcomes = await Promise.all(children.map((c) => c.outcome));
      const winners = outcomes.filter((o) => o.startsWith('LOCKED'));
      expect(winners, `round ${round}: ${outcomes.join(' | ')}`).toHaveLength(1);
      await Promise.all(
        children.map(
          (c) =>
            new Promise((r) => {
              c.proc.on('exit', r);
              c.proc.stdin.end();
              if (c.proc.exitCode !== null) r(null);
            }),
        ),
      );
    }
  });
});
