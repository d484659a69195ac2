// The agent loop over an in-memory file view: acts once per control document, waits for its wave,
// exits once after a failure, re-announces its last result after a container restart.
import { describe, expect, it } from 'vitest';
import type { NodeResult, ReconcileInput } from '../planner/node-entry.js';
import { type AgentIo, runAgent } from './agent-loop.js';
import type { Control } from './agent-protocol.js';
import { specRevision } from './names.js';

const SPEC = 'apiVersion: mirrorctl/v1\n';

function memIo(files: Map<string, string>): AgentIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    readText: async (p) => files.get(p),
    writeText: async (p, t) => void files.set(p, t),
    print: (l) => void lines.push(l),
    log: () => {},
    sleep: async () => {},
    now: () => new Date(0),
  };
}

function setControl(files: Map<string, string>, c: Partial<Control>): void {
  files.set('/config/mirrors.yaml', SPEC);
  files.set(
    '/config/control.json',
    JSON.stringify({ revision: specRevision(SPEC), mode: 'apply', allow: '*', restart: [], ...c }),
  );
}

function fakeReconcile(action: NodeResult['action'], applyStatus: NodeResult['status'] = 'applied') {
  const calls: ReconcileInput[] = [];
  const fn = async (i: ReconcileInput): Promise<NodeResult> => {
    calls.push(i);
    if (i.dryRun) return { status: 'applied', action, exitCode: 0, message: 'plan', diagnostics: [] };
    return {
      status: applyStatus,
      action,
      exitCode: applyStatus === 'applied' ? 0 : 3,
      message: applyStatus,
      diagnostics: [],
      specHash: 'h',
    };
  };
  return { fn, calls };
}

const deps = (reconcile: (i: ReconcileInput) => Promise<NodeResult>) => ({
  reconcile,
  uninstall: async (): Promise<NodeResult> => ({
    status: 'applied',
    action: 'none',
    exitCode: 0,
    message: 'restored',
    diagnostics: [],
  }),
  root: '/host',
  specFile: '/config/mirrors.yaml',
  healthTimeoutMs: 1000,
});

const opts = {
  node: 'n1',
  specFile: '/config/mirrors.yaml',
  controlFile: '/config/control.json',
  resultFile: '/run/r.json',
  once: false,
  pollMs: 1,
  minWorkingMs: 0,
};
const parse = (l: string | undefined) => JSON.parse(l ?? '{}') as { status: string; ready: boolean };

describe('runAgent', () => {
  it('applies a no-restart plan once and stays quiet on later polls', async () => {
    const files = new Map<string, string>();
    setControl(files, {});
    const io = memIo(files);
    const r = fakeReconcile('none');
    expect(await runAgent({ ...opts, maxPolls: 5 }, io, deps(r.fn))).toBe(0);
    expect(r.calls.map((c) => c.dryRun)).toEqual([true, false]);
    expect(io.lines.map((l) => parse(l).status)).toEqual(['working', 'applied']);
    expect(parse(files.get('/run/r.json')).ready).toBe(true);
  });

  it('waits for its restart wave, then applies when control.json allows it', async () => {
    const files = new Map<string, string>();
    setControl(files, {});
    const io = memIo(files);
    const r = fakeReconcile('restart');
    await runAgent({ ...opts, maxPolls: 3 }, io, deps(r.fn));
    expect(parse(io.lines.at(-1)).status).toBe('pending-restart');
    expect(r.calls.filter((c) => !c.dryRun)).toHaveLength(0);
    setControl(files, { restart: ['n1'] });
    await runAgent({ ...opts, maxPolls: 3 }, io, deps(r.fn));
    expect(parse(io.lines.at(-1)).status).toBe('applied');
    expect(r.calls.filter((c) => !c.dryRun)).toHaveLength(1);
  });

  it('does nothing when the node is not allowed (canary elsewhere) or the spec is not the published revision', async () => {
    const files = new Map<string, string>();
    setControl(files, { allow: ['other'] });
    const r = fakeReconcile('none');
    await runAgent({ ...opts, maxPolls: 2 }, memIo(files), deps(r.fn));
    setControl(files, {});
    files.set('/config/mirrors.yaml', 'something else');
    await runAgent({ ...opts, maxPolls: 2 }, memIo(files), deps(r.fn));
    expect(r.calls).toHaveLength(0);
  });

  it('exits 1 once after a failure; after the restart it re-announces and does not retry', async () => {
    const files = new Map<string, string>();
    setControl(files, { restart: '*' });
    const r = fakeReconcile('restart', 'rolled-back');
    expect(await runAgent({ ...opts, maxPolls: 5 }, memIo(files), deps(r.fn))).toBe(1);
    const io2 = memIo(files);
    expect(await runAgent({ ...opts, maxPolls: 5 }, io2, deps(r.fn))).toBe(0);
    expect(io2.lines.map((l) => parse(l).status)).toEqual(['rolled-back']);
    expect(r.calls.filter((c) => !c.dryRun)).toHaveLength(1);
  });

  it('--once returns the node exit code; a throwing reconcile becomes a failed result', async () => {
    const files = new Map<string, string>();
    setControl(files, { restart: '*' });
    const io = memIo(files);
    const code = await runAgent(
      { ...opts, once: true },
      io,
      deps(async () => Promise.reject(new Error('boom'))),
    );
    expect(code).toBe(70);
    expect(io.lines.at(-1)).toContain('agent error: boom');
  });

  it('waits until kubelet has projected the TLS files its spec names, then applies', async () => {
    const files = new Map<string, string>();
    const spec = [
      'apiVersion: mirrorctl/v1',
      'spec:',
      '  registries:',
      '    - source: docker.io',
      '      mirrors:',
      '        - url: https://m',
      '          tls: { caFile: tls-1.pem, certFile: tls-2.pem, keyFile: ../secrets/tls/key-3.pem }',
      '',
    ].join('\n');
    files.set('/config/mirrors.yaml', spec);
    files.set(
      '/config/control.json',
      JSON.stringify({ revision: specRevision(spec), mode: 'apply', allow: '*', restart: [] }),
    );
    files.set('/config/tls-1.pem', 'ca');
    files.set('/config/tls-2.pem', 'cert');
    const r = fakeReconcile('none');
    const io = memIo(files);
    await runAgent({ ...opts, maxPolls: 3 }, io, deps(r.fn));
    expect(r.calls).toHaveLength(0); // the Secret volume has not caught up yet
    expect(io.lines).toEqual([]);
    files.set('/secrets/tls/key-3.pem', 'key');
    await runAgent({ ...opts, maxPolls: 3 }, io, deps(r.fn));
    expect(parse(io.lines.at(-1)).status).toBe('applied');
  });

  it('removes the gate taint after success and retries it until it works', async () => {
    const files = new Map<string, string>();
    setControl(files, {});
    let attempts = 0;
    const onSucceeded = async () => (++attempts < 3 ? 'HTTP 500' : undefined);
    await runAgent({ ...opts, maxPolls: 6, onSucceeded }, memIo(files), deps(fakeReconcile('none').fn));
    expect(attempts).toBe(3);
  });
});
