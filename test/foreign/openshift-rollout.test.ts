// `mirrorctl rollout` on an OpenShift cluster (every node RHCOS / CRI-O rhaos): the spec goes to the
// API as IDMS/ITMS and no MirrorSet is written (the Machine Config Operator rolls them out). Real CLI, real kube adapter, fake API server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { runCli } from '../../src/cli/testing.js';
import { type Harness, SPEC, startHarness } from '../cluster/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function files(): { spec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-ocp-'));
  writeFileSync(join(dir, 'mirrors.yaml'), SPEC);
  return { spec: join(dir, 'mirrors.yaml') };
}

test('rollout on OpenShift applies IDMS/ITMS through the API instead of a MirrorSet', async () => {
  h = await startHarness([
    { name: 'master-0', runtime: 'cri-o://1.29.1-5.rhaos4.16.git1234', roles: ['control-plane'] },
    { name: 'worker-0', runtime: 'cri-o://1.29.1-5.rhaos4.16.git1234' },
  ]);
  h.server.put('images', {
    apiVersion: 'config.openshift.io/v1',
    kind: 'Image',
    metadata: { name: 'cluster' },
    spec: {},
  });
  const f = files();
  const r = await runCli(['rollout', '-f', f.spec, '--kubeconfig', h.kubeconfig, '-o', 'json']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  expect(h.server.get('imagedigestmirrorsets', undefined, 'mirrorctl-lab')?.spec).toEqual({
    imageDigestMirrors: [{ source: 'docker.io', mirrors: ['mirror.example.com'] }],
  });
  expect(h.server.get('imagetagmirrorsets', undefined, 'mirrorctl-lab')).toBeDefined();
  expect(h.server.accounting.writes.filter((w) => w.resource.startsWith('mirrorsets'))).toEqual([]);
  expect(r.stdout).toContain('created ImageDigestMirrorSet/mirrorctl-lab');
});
