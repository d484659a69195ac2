// `mirrorctl preflight --cluster` through the real Kubernetes adapter (test/cluster's fake API
// server): images of every namespace's pods plus the nodes' pause image, targets from the nodes'
// containerRuntimeVersion, probed against a real loopback mirror.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PreflightReport } from '../../src/checks/types.js';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { FakeApiServer } from '../cluster/fake-apiserver.js';
import { makeTempDir, pushImage, type Registry, startRegistry } from './harness.js';

let dir: string;
let mirror: Registry;
const server = new FakeApiServer();

const node = (name: string, runtime: string, images: string[][]) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: {
    nodeInfo: { containerRuntimeVersion: runtime },
    images: images.map((names) => ({ names, sizeBytes: 1 })),
  },
});
const pod = (namespace: string, name: string, image: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name },
  spec: { containers: [{ name: 'c', image }] },
});

beforeAll(async () => {
  dir = await makeTempDir('preflight-cluster');
  [mirror] = await Promise.all([startRegistry(join(dir, 'mirror')), server.start()]);
  await Promise.all([pushImage(mirror, 'library/nginx:1.27'), pushImage(mirror, 'pause:3.9')]);
  for (const ns of ['default', 'shop'])
    server.put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  server.put('pods', pod('default', 'web', 'nginx:1.27'));
  server.put('pods', pod('shop', 'cache', 'docker.io/library/redis:7'));
  server.put(
    'nodes',
    node('n1', 'containerd://1.6.20', [['registry.k8s.io/pause:3.9'], ['docker.io/library/nginx:1.27']]),
  );
  server.put('nodes', node('n2', 'cri-o://1.29.1', [['registry.k8s.io/pause:3.9']]));
  await writeFile(join(dir, 'kubeconfig'), server.kubeconfig());
  await writeFile(
    join(dir, 'mirrors.yaml'),
    [
      'apiVersion: mirrorctl/v1',
      'kind: MirrorSet',
      'metadata: { name: cluster }',
      'spec:',
      '  registries:',
      `    - { source: docker.io, fallback: false, mirrors: [{ url: "http://${mirror.host}" }] }`,
      `    - { source: registry.k8s.io, fallback: false, mirrors: [{ url: "http://${mirror.host}" }] }`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await Promise.all([mirror?.stop(), server.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('checks every pod image and the pause image on each node runtime', async () => {
  let stdout = '';
  const ctx: CliContext = {
    stdout: {
      write: (s) => {
        stdout += s;
      },
      isTTY: false,
    },
    stderr: { write: () => {}, isTTY: false },
    env: {},
    cwd: dir,
    color: false,
    quiet: true,
    verbose: false,
  };
  const code = await main(
    ['preflight', '-f', 'mirrors.yaml', '--cluster', '--kubeconfig', 'kubeconfig', '-o', 'json'],
    ctx,
  );
  const report = JSON.parse(stdout) as PreflightReport;
  expect(report.targets).toEqual(['containerd', 'crio']);
  const rows = report.images.flatMap((i) => i.targets.map((t) => `${i.reference} ${t.target} ${t.status}`));
  expect(rows).toEqual([
    'docker.io/library/nginx:1.27 containerd mirror',
    'docker.io/library/nginx:1.27 crio mirror',
    'docker.io/library/redis:7 containerd missing',
    'docker.io/library/redis:7 crio missing',
    'registry.k8s.io/pause:3.9 containerd mirror',
    'registry.k8s.io/pause:3.9 crio mirror',
  ]);
  expect(report.images.find((i) => i.reference === 'registry.k8s.io/pause:3.9')?.origins).toEqual([
    'cluster: Node n1 sandbox image',
    'cluster: Node n2 sandbox image',
  ]);
  expect(code).toBe(1);
});

it('a kubeconfig that cannot be read fails with exit 3 and says why', async () => {
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: () => {}, isTTY: false },
    stderr: {
      write: (s) => {
        stderr += s;
      },
      isTTY: false,
    },
    env: {},
    cwd: dir,
    color: false,
    quiet: true,
    verbose: false,
  };
  const code = await main(['preflight', '-f', 'mirrors.yaml', '--cluster', '--kubeconfig', 'missing'], ctx);
  expect(code).toBe(3);
  expect(stderr).toContain('--cluster: cannot list pods and nodes');
});
