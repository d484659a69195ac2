// The node half of the agent on an in-memory node: the runtime version asked over the socket (and
// kept while the runtime does not answer), the lock probe, uninstall's view and its busy answer.
import { describe, expect, it } from 'vitest';
import { memoryFs } from '../../host/memory-fs.js';
import { type Host, silentLogger } from '../../host/ports.js';
import { fakeRuntime, fakeTxOptions, holdLock } from '../../transaction/testing.js';
import { nodeSide, versionOfWire } from './node-side.js';
import type { RevisionSpec } from './spec-source.js';

const SPEC = `apiVersion: mirrorctl.io/v1alpha1
kind: MirrorSet
metadata: { name: lab }
spec:
  registries:
    - source: docker.io
      mirrors: [{ url: "https://mirror.example.com" }]
`;
const spec: RevisionSpec = {
  revision: '0123456789ab',
  file: '/mirrorctl/cr/mirrors.yaml',
  text: SPEC,
  read: async (p) => (p === '/mirrorctl/cr/mirrors.yaml' ? SPEC : null),
};

function node(answers: (string | undefined)[]) {
  const fs = memoryFs({
    '/etc/containerd/config.toml':
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    '/run/containerd/containerd.sock': { fifo: true },
  });
  const host: Host = {
    fs,
    run: async () => ({ code: 1, signal: null, stdout: '', stderr: '', timedOut: false }),
    log: silentLogger,
    now: () => new Date(),
  };
  const asked: string[] = [];
  const side = nodeSide({
    host,
    root: '/',
    wire: () => fakeTxOptions(fakeRuntime()),
    healthTimeoutMs: 1000,
    env: {},
    probeVersion: async (socket) => {
      asked.push(socket);
      return answers.shift();
    },
  });
  return { fs, side, asked };
}

describe('nodeSide', () => {
  it('plans with the version the runtime reports on its socket, and keeps it while the runtime is silent', async () => {
    const { side, asked } = node(['containerd://v1.7.24', undefined]);
    const first = await side.plan(spec);
    expect(first.plan?.runtime.version).toBe('1.7.24');
    const second = await side.plan(spec);
    expect(second.plan?.runtime.version).toBe('1.7.24');
    expect(asked).toEqual(['/run/containerd/containerd.sock', '/run/containerd/containerd.sock']);
    expect(second.diagnostics.map((d) => d.code)).not.toContain('render.containerd.version-unknown');
  });

  it('sees the node lock held by another process, and free again', async () => {
    const { fs, side } = node([]);
    const other = await holdLock(fs, { pid: 1, startTime: '1', at: '2026-01-01T00:00:00Z', createdDirs: [] });
    expect(await side.lockHeld()).toBe(true);
    await other.release();
    expect(await side.lockHeld()).toBe(false);
  });

  it("uninstall's view: nothing of mirrorctl; after an apply, the file to restore; busy behind a held lock", async () => {
    const { fs, side } = node(['containerd://1.7.24']);
    expect(await side.uninstallView()).toMatchObject({ present: false, files: [] });
    const out = await side.apply(spec);
    expect(out.tx?.status).toBe('applied');
    expect(await side.uninstallView()).toMatchObject({
      present: true,
      files: ['/etc/containerd/certs.d/docker.io/hosts.toml'],
      action: { kind: 'none' },
    });
    const other = await holdLock(fs, { pid: 1, startTime: '1', at: '2026-01-01T00:00:00Z', createdDirs: [] });
    expect(await side.uninstallView()).toMatchObject({ busy: true });
    await other.release();
  });

  it.each([
    ['containerd://v1.7.24', '1.7.24'],
    ['containerd://1.6.20~ds1', '1.6.20~ds1'],
    ['cri-o://1.29.1', '1.29.1'],
    ['containerd://', undefined],
    [undefined, undefined],
  ])('versionOfWire(%s) = %s', (wire, v) => {
    expect(versionOfWire(wire)).toBe(v);
  });
});
