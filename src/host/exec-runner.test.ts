// Against real processes: argv without a shell, captured streams, stdin, env, missing binaries,
// and a timeout that takes the whole process group down (the forked grandchild too).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { execRunner, NOT_FOUND_CODE, NSENTER_PREFIX } from './exec-runner.js';
import { scriptedRunner } from './scripted-runner.js';

const run = execRunner();

// Killed but not yet reaped (a zombie, state Z) counts as dead: PID 1 here may never reap it.
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

describe('execRunner', () => {
  it('passes argv verbatim, never through a shell', async () => {
    const r = await run(['printf', '%s|', 'a b', '$(id)', '*']);
    expect(r).toEqual({ code: 0, signal: null, stdout: 'a b|$(id)|*|', stderr: '', timedOut: false });
  });

  it('captures stderr and the exit code, feeds stdin, merges env', async () => {
    const r = await run(['sh', '-c', 'cat; echo "$X" >&2; exit 3'], { input: 'in\n', env: { X: 'ex' } });
    expect(r).toMatchObject({ code: 3, stdout: 'in\n', stderr: 'ex\n', timedOut: false });
  });

  it('answers a missing binary like a shell (127), without throwing', async () => {
    const r = await run(['/nonexistent/containerd', '--version']);
    expect(r.code).toBe(NOT_FOUND_CODE);
    expect(r.stderr).toContain('ENOENT');
  });

  it('kills the whole process group on timeout', async () => {
    // The shell forks a long sleep and prints its pid; the timeout must take both down.
    const r = await run(['sh', '-c', 'sleep 60 & echo $!; wait'], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    // 'close' fires only once every holder of the stdout pipe (the sleep too) has exited.
    expect(alive(grandchild)).toBe(false);
  });

  it('prefixes nsenter into PID 1 namespaces when asked', async () => {
    // On a node (hostPID pod) this enters the host; in a sandbox that forbids /proc/1/ns nsenter
    // itself answers — either way it was nsenter that ran, with the command after `--`.
    const r = await execRunner({ nsenter: true })(['sh', '-c', 'echo in-host']);
    expect(NSENTER_PREFIX).toEqual(['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--']);
    if (r.code === 0) expect(r.stdout).toBe('in-host\n');
    else expect(r.stderr).toMatch(/^nsenter: /);
  });
});

describe('execRunner and scriptedRunner agree', () => {
  it.each([[['sh', '-c', 'echo out; echo err >&2; exit 4']], [['/nonexistent/crio', '--version']]])(
    '%j: a recorded real run replays identically',
    async (argv) => {
      const real = await run(argv);
      const replayed = await scriptedRunner([{ argv, ...real }])(argv);
      expect(replayed).toEqual(real);
      // And an unrecorded argv looks like the real missing binary.
      const missing = await scriptedRunner([])(['/nonexistent/crio', '--version']);
      expect([missing.code, missing.timedOut]).toEqual([NOT_FOUND_CODE, false]);
    },
  );
});

describe('scriptedRunner', () => {
  it('replays recorded results in order, repeats the last, and answers 127 to the rest', async () => {
    const s = scriptedRunner([
      { argv: ['systemctl', 'is-active', 'containerd'], code: 3, stdout: 'inactive\n' },
      { argv: ['systemctl', 'is-active', 'containerd'], stdout: 'active\n' },
    ]);
    const outs = [];
    for (let i = 0; i < 3; i++) outs.push((await s(['systemctl', 'is-active', 'containerd'])).stdout);
    expect(outs).toEqual(['inactive\n', 'active\n', 'active\n']);
    expect((await s(['crio', '--version'])).code).toBe(NOT_FOUND_CODE);
    expect(s.calls.length).toBe(4);
  });
});
