// The rerun after a crash, through the real CLI (issue 15.2): `mirrorctl apply`'s own code path is
// SIGKILLed after every step of a containerd apply (config.toml + two hosts.toml, restart), then the
// bundled bin/mirrorctl.ts runs `plan` and `apply` again as a user would. The rerun must recover
// first and plan after: the node ends fully applied and restarted after its last config change,
// never "in sync" over files the recovery restored; `plan` before it names the interrupted
// transaction instead of saying "in sync".
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/host/node-fs.js';
import { snapshotTree } from '../../src/host/testing.js';
import { isInSync, nodeStatus } from '../../src/transaction/status.js';
import type { TxResult } from '../../src/transaction/types.js';
import { type FakeCri, startFakeCri } from './fake-cri.js';

const REPO = join(import.meta.dirname, '../..');
const NODE = join(REPO, 'examples/nodes/containerd-1.6');
const SPEC = join(REPO, 'examples/demo.yaml');
const base = mkdtempSync(join(tmpdir(), 'mirrorctl-cli-rerun-'));
// Bundles sit inside the repo so their package imports resolve from its node_modules.
const bundles = join(REPO, 'node_modules/.cache/mirrorctl-faults', `cli-rerun-${process.pid}`);
const CLI = join(bundles, 'mirrorctl.mjs');
const CHILD = join(bundles, 'apply-child.mjs');
let cri: FakeCri;
let seq = 0;

beforeAll(async () => {
  mkdirSync(bundles, { recursive: true });
  // One bundle per entry instead of tsx per spawn: a run then takes ~1 s, not ~3 s.
  for (const [entry, outfile] of [
    [join(REPO, 'bin/mirrorctl.ts'), CLI],
    [join(import.meta.dirname, 'apply-child.ts'), CHILD],
  ] as const)
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile,
      logLevel: 'silent',
    });
  cri = await startFakeCri(join(base, 'cri.sock'));
  // The health check after the apply's restart expects the config_path it wrote (issue 15.1).
  cri.configPath = '/etc/containerd/certs.d';
});

afterAll(() => {
  cri?.stop();
  rmSync(base, { recursive: true, force: true });
  rmSync(bundles, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundle; with pauseAt, SIGKILLs it once it prints PAUSED. */
function runNode(args: string[], pauseAt = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, args, {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (pauseAt && stdout.includes('PAUSED\n')) child.kill('SIGKILL');
    });
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const restartLine = (root: string) => `echo restart >> ${root}.restarts`;
const restarts = (root: string): number =>
  existsSync(`${root}.restarts`) ? readFileSync(`${root}.restarts`, 'utf8').split('\n').length - 1 : 0;
const common = (root: string) => ['-f', SPEC, '--root', root, '--runtime-version', '1.6.20'];
const cli = (root: string, verb: 'plan' | 'apply', extra: string[] = []) =>
  runNode([CLI, verb, ...common(root), ...extra]);
const applyArgs = (root: string) => ['--restart-command', restartLine(root), '--cri-endpoint', cri.endpoint];
const files = (root: string) => snapshotTree(nodeFs({ root }), { exclude: ['/var'] });
const journalOf = (root: string) => join(root, 'var/lib/mirrorctl/journal.json');

function freshRoot(): string {
  const root = join(base, `node-${++seq}`);
  cpSync(NODE, root, { recursive: true });
  return root;
}

describe('rerun of the CLI after the apply was SIGKILLed', () => {
  test('after every step: plan names the interrupted transaction, apply ends fully applied', {
    timeout: 600_000,
  }, async () => {
    // GIVEN the steps and the final tree of an uninterrupted apply
    const cleanRoot = freshRoot();
    const old = await files(cleanRoot);
    const clean = await runNode([CHILD, cleanRoot, SPEC, cri.endpoint, restartLine(cleanRoot)]);
    const result = JSON.parse(clean.stdout) as TxResult;
    expect(result.status, clean.stderr).toBe('applied');
    const after = await files(cleanRoot);
    expect(after).not.toEqual(old);
    const steps = result.steps.map((s) => s.step);
    expect(steps).toEqual(expect.arrayContaining(['journal', 'restart', 'health', 'commit']));
    const seen = new Set<string>();
    for (const step of steps) {
      // WHEN apply is killed right after this step
      const root = freshRoot();
      const killed = await runNode([CHILD, root, SPEC, cri.endpoint, restartLine(root), step], step);
      expect(killed.signal, `${step}: ${killed.stderr}`).toBe('SIGKILL');
      const pending = existsSync(journalOf(root));
      // THEN `plan` does not call the node in sync while a transaction is pending
      const plan = await cli(root, 'plan');
      if (pending) {
        expect(plan.stdout, step).toContain('interrupted transaction');
        expect(plan.stdout, step).not.toContain('in sync');
        expect(plan.code, step).toBe(1);
      }
      // AND the rerun of apply recovers, plans again and ends fully applied
      const restartsBefore = restarts(root);
      const again = await cli(root, 'apply', applyArgs(root));
      expect(again.code, `${step}: ${again.stdout}${again.stderr}`).toBe(0);
      expect(await files(root), step).toEqual(after);
      expect(existsSync(journalOf(root)), step).toBe(false);
      const last = again.stdout.trim().split('\n').at(-1);
      seen.add(`${pending ? 'pending' : 'none'}:${last}`);
      if (last === 'unchanged') {
        // Only a transaction that had committed (restart and health done) may leave nothing to do.
        expect(steps.indexOf(step), step).toBeGreaterThanOrEqual(steps.indexOf('commit'));
      } else {
        expect(last, step).toBe('applied');
        // config.toml was written again, so containerd was restarted after it.
        expect(restarts(root), step).toBeGreaterThan(restartsBefore);
      }
      // AND status agrees: every file as the last apply wrote it, nothing pending
      const status = await nodeStatus(nodeFs({ root }));
      expect(isInSync(status), `${step}: ${JSON.stringify(status)}`).toBe(true);
    }
    // Both kinds of crash were exercised: before the journal, and with one to recover.
    expect([...seen].some((s) => s.startsWith('pending:applied'))).toBe(true);
    expect([...seen].some((s) => s.startsWith('none:applied'))).toBe(true);
  });

  test('the CLI killed by its own restart command (during the restart step), then rerun', {
    timeout: 120_000,
  }, async () => {
    const root = freshRoot();
    const first = await cli(root, 'apply', [
      '--restart-command',
      'kill -9 $PPID',
      '--cri-endpoint',
      cri.endpoint,
    ]);
    expect(first.signal).toBe('SIGKILL');
    expect(existsSync(journalOf(root))).toBe(true);
    const again = await cli(root, 'apply', applyArgs(root));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('in sync');
    expect(again.stdout.trim().split('\n').at(-1)).toBe('applied');
    expect(again.stderr).toMatch(/recover: transaction \S+ rolled back/);
    const cleanRoot = freshRoot();
    await runNode([CHILD, cleanRoot, SPEC, cri.endpoint, restartLine(cleanRoot)]);
    expect(await files(root)).toEqual(await files(cleanRoot));
    // The recovery restarted containerd over the restored files, then the apply over the new ones.
    expect(restarts(root)).toBe(2);
  });
});
