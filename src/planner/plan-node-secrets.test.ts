// planNode in cluster mode: a SecretResolver gives it the Secrets a MirrorSet names (the agent
// implements one from the API); the files are made of the resolved values while the plan's spec
// hash stays the hash of the spec as written (references only), the one the controller computed.
import { describe, expect, it } from 'vitest';
import { memoryFs } from '../host/memory-fs.js';
import { silentLogger } from '../host/ports.js';
import { scriptedRunner } from '../host/scripted-runner.js';
import { specHash } from '../spec/hash.js';
import type { SecretResolver } from '../spec/secret-refs.js';
import { validateSpec } from '../spec/validate.js';
import { planNode } from './plan-node.js';

const SPEC = `apiVersion: mirrorctl.io/v1alpha1
kind: MirrorSet
metadata: { name: cluster }
spec:
  registries:
    - source: icr.io
      mirrors:
        - url: https://harbor.example.com/v2/dpod
          path: api-root
          auth: { secretRef: { name: harbor-pull } }
          headersFrom: { secretRef: { name: harbor-headers } }
`;
const PULL = JSON.stringify({
  auths: { 'harbor.example.com': { auth: Buffer.from('robot:tok3n').toString('base64') } },
});

function plan(resolveSecret?: SecretResolver) {
  const host = { fs: memoryFs({}), run: scriptedRunner([]), log: silentLogger, now: () => new Date(0) };
  return planNode(host, {
    specFile: '/spec.yaml',
    readSpec: async (p) => (p === '/spec.yaml' ? SPEC : null),
    runtime: 'containerd',
    runtimeVersion: '1.7.24',
    runCommands: false,
    desired: { migrateLegacy: false, keepConfigPathList: false },
    takeOver: false,
    skipInexpressible: false,
    ...(resolveSecret ? { resolveSecret } : {}),
  });
}

describe('planNode with Secret references', () => {
  it('without a resolver (node mode) it refuses, naming the Secret', async () => {
    const r = await plan();
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual([
      'spec.secret-ref.unresolved',
      'spec.secret-ref.unresolved',
    ]);
  });

  it('with one, hosts.toml carries the Secret values; the spec hash is the spec as written', async () => {
    const asked: string[] = [];
    const r = await plan(async (ref): Promise<Record<string, string>> => {
      asked.push(`${ref.namespace}/${ref.name}`);
      return ref.name === 'harbor-pull' ? { '.dockerconfigjson': PULL } : { 'X-Route': 'edge' };
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(asked).toEqual(['mirrorctl/harbor-pull', 'mirrorctl/harbor-headers']);
    const hosts = r.plan?.changes.find((c) => c.path.endsWith('/icr.io/hosts.toml'));
    expect(hosts && 'content' in hosts ? hosts.content : '').toContain(
      `Authorization = [ "Basic ${Buffer.from('robot:tok3n').toString('base64')}" ]`,
    );
    expect(hosts && 'content' in hosts ? hosts.content : '').toContain('X-Route = [ "edge" ]');
    expect(hosts?.secret).toBe(true);
    expect(r.plan?.specHash).toBe(specHash(validateSpec(SPEC, 's.yaml').spec!));
  });
});
