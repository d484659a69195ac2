// Deletion as a cluster does it: finalizers keep an object (deletionTimestamp set) until removed, no
// new finalizers once deleting, namespaces stay Terminating while they hold objects and then go,
// garbage collection of dependents (a MirrorNode owned by its Node), batch/v1 Jobs orphan their pods
// by default, Foreground waits for dependents, and preconditions on DELETE.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIRRORCTL_CRDS } from './custom-resources.js';
import { FakeApiServer } from './server.js';
import { wire } from './wire.js';

const MN = '/apis/mirrorctl.io/v1alpha1/mirrornodes';
let server: FakeApiServer;
beforeEach(async () => {
  server = new FakeApiServer({ resources: MIRRORCTL_CRDS });
  await server.start();
});
afterEach(() => server.stop());

describe('finalizers and deletionTimestamp', () => {
  it('DELETE of an object with finalizers marks it; removing the last finalizer removes it', async () => {
    const c = await wire(server, 'POST', MN, {
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorNode',
      metadata: { name: 'n', finalizers: ['mirrorctl.io/uninstall'] },
      spec: {},
    });
    const del = await wire(server, 'DELETE', `${MN}/n`);
    expect(del.status).toBe(200);
    expect(del.json.metadata.deletionTimestamp).toBeDefined();
    expect(del.json.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(del.json.metadata.generation).toBe(2); // markAsDeleting bumps a kept generation
    const again = await wire(server, 'DELETE', `${MN}/n`);
    expect(again.json.metadata.resourceVersion).toBe(del.json.metadata.resourceVersion);
    const added = await wire(
      server,
      'PATCH',
      `${MN}/n`,
      { metadata: { finalizers: ['mirrorctl.io/uninstall', 'other.io/x'] } },
      'application/merge-patch+json',
    );
    expect(added.status).toBe(422);
    expect(added.json.message).toContain('no new finalizers can be added if the object is being deleted');
    const removed = await wire(
      server,
      'PATCH',
      `${MN}/n`,
      [{ op: 'remove', path: '/metadata/finalizers' }],
      'application/json-patch+json',
    );
    expect(removed.status).toBe(200);
    expect((await wire(server, 'GET', `${MN}/n`)).status).toBe(404);
    expect(c.json.metadata.uid).toBeDefined();
  });

  it('a DELETE precondition on uid or resourceVersion that does not hold is 409', async () => {
    await wire(server, 'POST', MN, {
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorNode',
      metadata: { name: 'p' },
      spec: {},
    });
    const r = await wire(server, 'DELETE', `${MN}/p`, { preconditions: { resourceVersion: '1' } });
    expect(r.json).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(r.json.message).toContain('Precondition failed: ResourceVersion in precondition: 1');
    const ok = await wire(server, 'DELETE', `${MN}/p`);
    expect(ok.json).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'p', group: 'mirrorctl.io', kind: 'mirrornodes' },
    });
  });
});

describe('namespaces', () => {
  it('stay Terminating (with conditions naming what remains) while they hold objects, then go', async () => {
    await wire(server, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
    });
    await wire(server, 'POST', '/api/v1/namespaces/team/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'plain' },
      data: {},
    });
    await wire(server, 'POST', '/api/v1/namespaces/team/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'held', finalizers: ['team.io/hold'] },
      data: {},
    });
    const del = await wire(server, 'DELETE', '/api/v1/namespaces/team');
    expect(del.json.status).toEqual({ phase: 'Terminating' });
    await vi.waitFor(() => expect(server.get('configmaps', 'team', 'plain')).toBeUndefined());
    await vi.waitFor(() => {
      const ns = server.get('namespaces', undefined, 'team');
      expect(ns?.status).toMatchObject({
        phase: 'Terminating',
        conditions: [
          {
            type: 'NamespaceContentRemaining',
            message: 'Some resources are remaining: configmaps has 1 resource instances',
          },
          {
            type: 'NamespaceFinalizersRemaining',
            message:
              'Some content in the namespace has finalizers remaining: team.io/hold in 1 resource instances',
          },
        ],
      });
    });
    expect(server.get('configmaps', 'team', 'held')?.metadata.deletionTimestamp).toBeDefined();
    await wire(
      server,
      'PATCH',
      '/api/v1/namespaces/team/configmaps/held',
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    await vi.waitFor(() => expect(server.get('namespaces', undefined, 'team')).toBeUndefined());
  });
});

describe('garbage collection', () => {
  it('a MirrorNode owned by a Node goes when the Node is deleted; one with another live owner only loses the reference', async () => {
    const n = (
      await wire(server, 'POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'w1' },
      })
    ).json;
    const other = (
      await wire(server, 'POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'w2' },
      })
    ).json;
    const ref = (o: typeof n) => ({
      apiVersion: 'v1',
      kind: 'Node',
      name: o.metadata.name,
      uid: o.metadata.uid ?? '',
    });
    await wire(server, 'POST', MN, {
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorNode',
      metadata: { name: 'w1', ownerReferences: [ref(n)] },
      spec: {},
    });
    await wire(server, 'POST', MN, {
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorNode',
      metadata: { name: 'both', ownerReferences: [ref(n), ref(other)] },
      spec: {},
    });
    await wire(server, 'DELETE', '/api/v1/nodes/w1');
    await vi.waitFor(() => expect(server.get('mirrornodes', undefined, 'w1')).toBeUndefined());
    await vi.waitFor(() =>
      expect(server.get('mirrornodes', undefined, 'both')?.metadata.ownerReferences).toEqual([ref(other)]),
    );
  });

  it('a batch/v1 Job deleted without a policy orphans its pods; Background deletes them; Foreground waits for them', async () => {
    const job = (name: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default' },
      spec: {
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }] } },
      },
    });
    const pod = async (owner: { metadata: { name: string; uid?: string } }, name: string) =>
      wire(server, 'POST', '/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          ownerReferences: [
            {
              apiVersion: 'batch/v1',
              kind: 'Job',
              name: owner.metadata.name,
              uid: owner.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { containers: [{ name: 'c', image: 'busybox:1' }] },
      });
    const j1 = (await wire(server, 'POST', '/apis/batch/v1/namespaces/default/jobs', job('j1'))).json;
    expect(j1.spec).toMatchObject({
      backoffLimit: 6,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': j1.metadata.uid } },
    });
    await pod(j1, 'j1-pod');
    await wire(server, 'DELETE', '/apis/batch/v1/namespaces/default/jobs/j1');
    await vi.waitFor(() => expect(server.get('jobs', 'default', 'j1')).toBeUndefined());
    expect(server.get('pods', 'default', 'j1-pod')?.metadata.ownerReferences).toEqual([]);

    const j2 = (await wire(server, 'POST', '/apis/batch/v1/namespaces/default/jobs', job('j2'))).json;
    await pod(j2, 'j2-pod');
    await wire(server, 'DELETE', '/apis/batch/v1/namespaces/default/jobs/j2?propagationPolicy=Background');
    await vi.waitFor(() => expect(server.get('pods', 'default', 'j2-pod')).toBeUndefined());

    const j3 = (await wire(server, 'POST', '/apis/batch/v1/namespaces/default/jobs', job('j3'))).json;
    await pod(j3, 'j3-pod');
    await wire(
      server,
      'PATCH',
      '/api/v1/namespaces/default/pods/j3-pod',
      { metadata: { finalizers: ['test.io/slow'] } },
      'application/merge-patch+json',
    );
    await wire(server, 'DELETE', '/apis/batch/v1/namespaces/default/jobs/j3', {
      propagationPolicy: 'Foreground',
    });
    await vi.waitFor(() =>
      expect(server.get('pods', 'default', 'j3-pod')?.metadata.deletionTimestamp).toBeDefined(),
    );
    expect(server.get('jobs', 'default', 'j3')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    await wire(
      server,
      'PATCH',
      '/api/v1/namespaces/default/pods/j3-pod',
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    await vi.waitFor(() => expect(server.get('jobs', 'default', 'j3')).toBeUndefined());
  });
});
