// What a node's REAL agent process (the image's bundle, over TLS with its service-account token)
// leaves in the API: its result is the MirrorNode's status, written on its own — so other calls
// failing cannot hide it (issue 16 defect: a failing taint removal pushed the result line out of the
// log tail `nodes` read; there is no taint and no log reading any more) — and no secret value reaches
// the status, the Events or the log (the agent's side of test/security's output checks).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../src/cli/testing.js';
import { specDocumentOf } from '../../src/cluster/api/mirrorset.js';
import { publish } from '../../src/cluster/client/publish.js';
import { storedSpec } from '../../src/cluster/client/stored-spec.js';
import { createKubeClient } from '../../src/cluster/kube-client.js';
import { tryReadLocalText } from '../../src/host/local-files.js';
import { loadKubeConfig } from '../../src/host/pooled-kubeconfig.js';
import { loadSpec } from '../../src/spec/load.js';
import { AgentWorld, agentBundle, CONFIG_PATH_SET, HOSTS, nodeRoot, until } from './agent/harness.js';
import { makePki } from './tls-pki.js';

const world = new AgentWorld();
beforeAll(async () => {
  await Promise.all([world.start(), agentBundle()]);
  world.server.api.create('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: HEADER_SECRET, namespace: 'mirrorctl' },
    data: { 'X-Api-Key': Buffer.from(HEADER).toString('base64') },
  } as never);
}, 120_000);
afterAll(() => world.stop());

const HEADER = 'HEADER-SECRET-5e0b';
const pki = makePki();
/** The operator's file: header values inline (the CLI moves them into a Secret when it publishes). */
const spec = (mirror: string) => `apiVersion: mirrorctl.io/v1alpha1
kind: MirrorSet
metadata: { name: lab }
spec:
  registries:
    - source: docker.io
      mirrors: [{ url: "${mirror}", headers: { X-Api-Key: ["${HEADER}"] } }]
`;
/** What the API holds (no values inline, src/spec/api-storage.ts): the header from a Secret. */
const HEADER_SECRET = 'agent-output-headers';
const apiSpec = (mirror: string) =>
  spec(mirror).replace(
    `headers: { X-Api-Key: ["${HEADER}"] }`,
    `headersFrom: { secretRef: { name: ${HEADER_SECRET} } }`,
  );

function kubeconfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mirrorctl-kube-')), 'config');
  writeFileSync(file, world.server.kubeconfig());
  return file;
}

describe('the agent reports through its MirrorNode', () => {
  it('its result reaches the MirrorNode status while every Event it sends is refused; `nodes` shows it', async () => {
    world.server.api.create('nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n-events' },
      status: {
        nodeInfo: { containerRuntimeVersion: 'containerd://1.7.24' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    world.server.faults.push({ verb: 'create', resource: 'events', status: 403, message: 'forbidden' });
    const root = nodeRoot(CONFIG_PATH_SET);
    const r = world.revision(apiSpec('https://mirror-a.example.com'));
    world.setNode('n-events', world.nodeSpec(r, { target: 'containerd' }));
    const agent = await world.spawnAgent('n-events', root, ['--runtime-version', '1.7.24']);
    try {
      await until(
        () => world.status('n-events')?.state === 'Applied',
        30_000,
        () => agent.log,
      );
      expect(world.status('n-events')).toMatchObject({
        appliedRevision: r.revision,
        observedRevision: r.revision,
      });
      // It did try (the Event follows the status write, so wait for the attempt), and none landed.
      await until(() => world.server.accounting.count('create', 'events') > 0, 10_000);
      expect(world.events('n-events')).toEqual([]);
      const nodes = await runCli(['nodes', '-o', 'wide', '--kubeconfig', kubeconfig()]);
      expect(nodes.code, nodes.stderr).toBe(0);
      expect(nodes.stdout).toMatch(new RegExp(`n-events .*Applied +${r.revision} +${r.revision} +lab`));
    } finally {
      world.server.faults.splice(0);
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
  });

  it('applies the Secrets a stored MirrorSet names, exactly as `rollout` stores them (TLS CA, header values)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-stored-'));
    writeFileSync(join(dir, 'ca.pem'), pki.ca);
    const file = join(dir, 'mirrors.yaml');
    writeFileSync(
      file,
      spec('https://mirror-c.example.com').replace('headers: {', 'tls: { caFile: ca.pem }, headers: {'),
    );
    const loaded = await loadSpec(file, async (p) => (await tryReadLocalText(p)) ?? null);
    if (!loaded.spec) throw new Error(JSON.stringify(loaded.diagnostics));
    const stored = storedSpec(parse(readFileSync(file, 'utf8')), loaded.spec, loaded.assets, file);
    const kube = createKubeClient(loadKubeConfig({ kubeconfig: kubeconfig() }), { namespace: 'mirrorctl' });
    await publish(kube, 'lab', stored);
    const set = world.server.get('mirrorsets', undefined, 'lab') as Parameters<typeof specDocumentOf>[0];
    expect(JSON.stringify(set)).not.toContain(HEADER);
    const r = world.revision(JSON.stringify(specDocumentOf(set)));
    const root = nodeRoot(CONFIG_PATH_SET);
    world.setNode('n-stored', world.nodeSpec(r, { target: 'containerd' }));
    const agent = await world.spawnAgent('n-stored', root, ['--runtime-version', '1.7.24']);
    try {
      await until(
        () => world.status('n-stored')?.state === 'Applied',
        30_000,
        () => agent.log,
      );
      const hosts = readFileSync(join(root, HOSTS), 'utf8');
      expect(hosts).toContain(HEADER);
      expect(hosts).toMatch(/ca = /);
    } finally {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
  });

  it('no header value in its status, Events or log; the node file holds it', async () => {
    const root = nodeRoot(CONFIG_PATH_SET);
    const r = world.revision(apiSpec('https://mirror-b.example.com'));
    world.setNode('n-secret', world.nodeSpec(r, { target: 'containerd' }));
    const agent = await world.spawnAgent('n-secret', root, ['--runtime-version', '1.7.24']);
    try {
      await until(
        () => world.status('n-secret')?.state === 'Applied',
        30_000,
        () => agent.log,
      );
      await until(() => world.events('n-secret').length > 0, 10_000);
      expect(readFileSync(join(root, HOSTS), 'utf8')).toContain(HEADER);
      const seen = JSON.stringify([world.status('n-secret'), world.events('n-secret'), agent.log]);
      expect(seen).not.toContain(HEADER);
      expect(seen).not.toContain(Buffer.from(HEADER).toString('base64'));
    } finally {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
  });
});
