// The stand-in's write rules over the wire, as kube-apiserver answers them: 409 Conflict on a stale
// resourceVersion (with the real Status body), generation bumped by spec changes only, the /status
// subresource, CRD specifics (PUT needs a resourceVersion, no strategic merge patch), no-op updates,
// namespace lifecycle admission, dry runs, and the real client library's view of a conflict.
import { ApiException, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIRRORCTL_CRDS } from './custom-resources.js';
import { FakeApiServer } from './server.js';
import { wire } from './wire.js';

const MN = '/apis/mirrorctl.io/v1alpha1/mirrornodes';
const node = (name: string, spec: Record<string, unknown> = { revision: 'aaa' }) => ({
  apiVersion: 'mirrorctl.io/v1alpha1',
  kind: 'MirrorNode',
  metadata: { name },
  spec,
});

let server: FakeApiServer;
beforeEach(async () => {
  server = new FakeApiServer({ resources: MIRRORCTL_CRDS });
  await server.start();
});
afterEach(() => server.stop());

describe('resourceVersion, generation and the status subresource', () => {
  it('a PUT with a stale resourceVersion gets 409 Conflict with the Status kube-apiserver sends', async () => {
    const created = await wire(server, 'POST', MN, node('n1'));
    expect(created.status).toBe(201);
    const stale = created.json;
    const first = await wire(server, 'PUT', `${MN}/n1`, { ...stale, spec: { revision: 'bbb' } });
    expect(first.status).toBe(200);
    const second = await wire(server, 'PUT', `${MN}/n1`, { ...stale, spec: { revision: 'ccc' } });
    expect(second.status).toBe(409);
    expect(second.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on mirrornodes.mirrorctl.io "n1": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'n1', group: 'mirrorctl.io', kind: 'mirrornodes' },
      code: 409,
    });
    expect((await wire(server, 'GET', `${MN}/n1`)).json.spec).toEqual({ revision: 'bbb' });
  });

  it('the real client library sees the conflict as an ApiException with code 409', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    const api = kc.makeApiClient(CustomObjectsApi);
    const base = { group: 'mirrorctl.io', version: 'v1alpha1', plural: 'mirrornodes' };
    const made = (await api.createClusterCustomObject({ ...base, body: node('n2') })) as ReturnType<
      typeof node
    >;
    await api.replaceClusterCustomObject({ ...base, name: 'n2', body: { ...made, spec: { revision: 'x' } } });
    const err = await api
      .replaceClusterCustomObject({ ...base, name: 'n2', body: { ...made, spec: { revision: 'y' } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<unknown>).code).toBe(409);
  });

  it('generation moves with the spec only; /status writes only status; main writes ignore status', async () => {
    const c = (await wire(server, 'POST', MN, { ...node('n3'), status: { state: 'ignored on create' } }))
      .json;
    expect(c.metadata.generation).toBe(1);
    expect(c.status).toBeUndefined();
    // status through /status: generation unchanged, labels sent along are not taken
    const s = await wire(server, 'PUT', `${MN}/n3/status`, {
      ...c,
      metadata: { ...c.metadata, labels: { x: 'y' } },
      status: { state: 'Applied' },
    });
    expect(s.status).toBe(200);
    expect(s.json.status).toEqual({ state: 'Applied' });
    expect(s.json.metadata.generation).toBe(1);
    expect(s.json.metadata.labels).toBeUndefined();
    // main resource: labels change, status sent is ignored, generation unchanged (metadata only)
    const l = await wire(server, 'PUT', `${MN}/n3`, {
      ...s.json,
      metadata: { ...s.json.metadata, labels: { a: 'b' } },
      status: { state: 'Failed' },
    });
    expect(l.json.status).toEqual({ state: 'Applied' });
    expect(l.json.metadata.labels).toEqual({ a: 'b' });
    expect(l.json.metadata.generation).toBe(1);
    // spec change: generation 2
    const g = await wire(
      server,
      'PATCH',
      `${MN}/n3`,
      { spec: { revision: 'zzz' } },
      'application/merge-patch+json',
    );
    expect(g.json.metadata.generation).toBe(2);
    // status patch keeps generation
    const sp = await wire(
      server,
      'PATCH',
      `${MN}/n3/status`,
      { status: { observedGeneration: 2 } },
      'application/merge-patch+json',
    );
    expect(sp.json.status).toEqual({ state: 'Applied', observedGeneration: 2 });
    expect(sp.json.metadata.generation).toBe(2);
  });

  it('an update that changes nothing keeps the resourceVersion and sends no watch event', async () => {
    const c = (await wire(server, 'POST', MN, node('n4'))).json;
    let events = 0;
    server.onChange(() => events++);
    const same = await wire(server, 'PUT', `${MN}/n4`, c);
    expect(same.status).toBe(200);
    expect(same.json.metadata.resourceVersion).toBe(c.metadata.resourceVersion);
    expect(events).toBe(0);
  });

  it('CRDs: PUT without resourceVersion is 422, strategic merge patch is 415; built-ins take both', async () => {
    const c = (await wire(server, 'POST', MN, node('n5'))).json;
    const noRv = await wire(server, 'PUT', `${MN}/n5`, { ...c, metadata: { name: 'n5' } });
    expect(noRv.status).toBe(422);
    expect(noRv.json.message).toContain('metadata.resourceVersion');
    const smp = await wire(
      server,
      'PATCH',
      `${MN}/n5`,
      { spec: { revision: 'q' } },
      'application/strategic-merge-patch+json',
    );
    expect(smp.status).toBe(415);
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'default' },
      data: { a: '1' },
    };
    expect((await wire(server, 'POST', '/api/v1/namespaces/default/configmaps', cm)).status).toBe(201);
    const put = await wire(server, 'PUT', '/api/v1/namespaces/default/configmaps/c', {
      ...cm,
      data: { a: '2' },
    });
    expect(put.status).toBe(200);
    const p = await wire(
      server,
      'PATCH',
      '/api/v1/namespaces/default/configmaps/c',
      { data: { b: '3' } },
      'application/strategic-merge-patch+json',
    );
    expect(p.json.data).toEqual({ a: '2', b: '3' });
  });

  it('strategic merge patch merges containers by name and finalizers as a set; $deleteFromPrimitiveList removes', async () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'd', namespace: 'default', finalizers: ['a.io/x'] },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: {
            containers: [
              { name: 'c', image: 'i:1' },
              { name: 'side', image: 's:1' },
            ],
          },
        },
      },
    };
    await wire(server, 'POST', '/apis/apps/v1/namespaces/default/daemonsets', ds);
    const smp = 'application/strategic-merge-patch+json';
    const p = await wire(
      server,
      'PATCH',
      '/apis/apps/v1/namespaces/default/daemonsets/d',
      {
        metadata: { finalizers: ['b.io/y'] },
        spec: { template: { spec: { containers: [{ name: 'c', image: 'i:2' }] } } },
      },
      smp,
    );
    const containers = (
      p.json.spec as { template: { spec: { containers: Array<{ name: string; image: string }> } } }
    ).template.spec.containers;
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['c=i:2', 'side=s:1']);
    expect(p.json.metadata.finalizers).toEqual(['a.io/x', 'b.io/y']);
    const d = await wire(
      server,
      'PATCH',
      '/apis/apps/v1/namespaces/default/daemonsets/d',
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x'] } },
      smp,
    );
    expect(d.json.metadata.finalizers).toEqual(['b.io/y']);
    // server-side defaults a client reads back
    expect(d.json.spec).toMatchObject({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    });
  });

  it('a JSON patch test op that fails answers 422 and changes nothing', async () => {
    const c = (await wire(server, 'POST', MN, node('n6'))).json;
    const r = await wire(
      server,
      'PATCH',
      `${MN}/n6`,
      [
        { op: 'test', path: '/spec/revision', value: 'nope' },
        { op: 'replace', path: '/spec/revision', value: 'x' },
      ],
      'application/json-patch+json',
    );
    expect(r.status).toBe(422);
    expect((await wire(server, 'GET', `${MN}/n6`)).json.metadata.resourceVersion).toBe(
      c.metadata.resourceVersion,
    );
  });
});

describe('create rules', () => {
  it('409 AlreadyExists, generateName, dryRun=All writes nothing', async () => {
    await wire(server, 'POST', MN, node('dup'));
    const again = await wire(server, 'POST', MN, node('dup'));
    expect(again.json).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'mirrornodes.mirrorctl.io "dup" already exists',
    });
    const gen = await wire(server, 'POST', MN, { ...node(''), metadata: { generateName: 'mn-' } });
    expect(gen.json.metadata.name).toMatch(/^mn-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const rv = server.store.rv;
    const dry = await wire(server, 'POST', `${MN}?dryRun=All`, node('dry'));
    expect(dry.status).toBe(201);
    expect(server.store.rv).toBe(rv);
    expect((await wire(server, 'GET', `${MN}/dry`)).status).toBe(404);
  });

  it('content in a missing namespace is 404, in a Terminating one 403 NamespaceTerminating', async () => {
    const cm = (ns: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: {},
      ns,
    });
    const missing = await wire(server, 'POST', '/api/v1/namespaces/nowhere/configmaps', cm('nowhere'));
    expect(missing.json).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
    await wire(server, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'going', finalizers: [] },
    });
    await wire(server, 'POST', '/api/v1/namespaces/going/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'held', finalizers: ['x.io/hold'] },
    });
    await wire(server, 'DELETE', '/api/v1/namespaces/going');
    const refused = await wire(server, 'POST', '/api/v1/namespaces/going/configmaps', cm('going'));
    expect(refused.status).toBe(403);
    expect(refused.json.details?.causes?.[0]?.type).toBe('NamespaceTerminating');
  });
});
