// RBAC mode: an agent's service account bound to the narrow role issue 16 designs (read its
// MirrorNodes, write only their status, events in its namespace, one Secret by name) gets exactly
// that — everything else is 403 with the message kube-apiserver writes; admins are unaffected.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIRRORCTL_CRDS } from './custom-resources.js';
import { FakeApiServer } from './server.js';
import { wire } from './wire.js';

let server: FakeApiServer;
let agent: string;
const MN = '/apis/mirrorctl.io/v1alpha1/mirrornodes';

beforeEach(async () => {
  server = new FakeApiServer({ resources: MIRRORCTL_CRDS, authorization: 'RBAC' });
  await server.start();
  const rbac = { group: 'rbac.authorization.k8s.io', plural: '' };
  server.api.create('namespaces', { metadata: { name: 'mirrorctl' } });
  server.api.create(
    { ...rbac, plural: 'clusterroles' },
    {
      metadata: { name: 'mirrorctl-agent' },
      rules: [
        { apiGroups: ['mirrorctl.io'], resources: ['mirrornodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['mirrorctl.io'], resources: ['mirrornodes/status'], verbs: ['get', 'update', 'patch'] },
      ],
    },
  );
  server.api.create(
    { ...rbac, plural: 'clusterrolebindings' },
    {
      metadata: { name: 'mirrorctl-agent' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mirrorctl-agent' },
      subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'mirrorctl' }],
    },
  );
  server.api.create(
    { ...rbac, plural: 'roles' },
    {
      metadata: { name: 'agent', namespace: 'mirrorctl' },
      rules: [
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: ['mirrorctl-tls'], verbs: ['get'] },
      ],
    },
  );
  server.api.create(
    { ...rbac, plural: 'rolebindings' },
    {
      metadata: { name: 'agent', namespace: 'mirrorctl' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'agent' },
      subjects: [{ kind: 'ServiceAccount', name: 'agent' }],
    },
  );
  server.api.create(
    { group: 'mirrorctl.io', plural: 'mirrornodes' },
    { metadata: { name: 'n1' }, spec: { revision: 'a' } },
  );
  for (const name of ['mirrorctl-tls', 'other'])
    server.api.create('secrets', { metadata: { name, namespace: 'mirrorctl' }, stringData: { k: 'v' } });
  agent = server.issueToken({
    username: 'system:serviceaccount:mirrorctl:agent',
    groups: ['system:serviceaccounts', 'system:authenticated'],
  });
});
afterEach(() => server.stop());

const as = async (method: string, path: string, body?: unknown, type = 'application/json') => {
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${agent}`, ...(body === undefined ? {} : { 'content-type': type }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, json: (await r.json()) as { message?: string; reason?: string } };
};

describe('RBAC', () => {
  it('allows exactly the bound rules and answers the rest with the real 403', async () => {
    expect((await as('GET', `${MN}/n1`)).status).toBe(200);
    expect((await as('GET', MN)).status).toBe(200);
    expect(
      (await as('PATCH', `${MN}/n1/status`, { status: { state: 'Applied' } }, 'application/merge-patch+json'))
        .status,
    ).toBe(200);
    const spec = await as('PATCH', `${MN}/n1`, { spec: { revision: 'b' } }, 'application/merge-patch+json');
    expect(spec.status).toBe(403);
    expect(spec.json.message).toBe(
      'mirrornodes.mirrorctl.io "n1" is forbidden: User "system:serviceaccount:mirrorctl:agent" cannot patch resource "mirrornodes" in API group "mirrorctl.io" at the cluster scope',
    );
    expect((await as('DELETE', '/api/v1/nodes/x')).status).toBe(403);
    expect((await as('GET', '/api/v1/namespaces/mirrorctl/secrets/mirrorctl-tls')).status).toBe(200);
    const other = await as('GET', '/api/v1/namespaces/mirrorctl/secrets/other');
    expect(other.json.message).toBe(
      'secrets "other" is forbidden: User "system:serviceaccount:mirrorctl:agent" cannot get resource "secrets" in API group "" in the namespace "mirrorctl"',
    );
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { generateName: 'n1.' },
      // A namespaced object's Event lives in its namespace (an Event about a cluster-scoped object in
      // mirrorctl would be 422: apiserver/events.ts).
      regarding: { apiVersion: 'v1', kind: 'Pod', name: 'agent-n1', namespace: 'mirrorctl' },
      reason: 'Applied',
      eventTime: '2026-01-01T00:00:00.000000Z',
    };
    expect((await as('POST', '/apis/events.k8s.io/v1/namespaces/mirrorctl/events', event)).status).toBe(201);
    expect((await as('POST', '/apis/events.k8s.io/v1/namespaces/default/events', event)).status).toBe(403);
    expect((await as('GET', '/apis/mirrorctl.io/v1alpha1')).status).toBe(200); // discovery is open
    expect(
      (await wire(server, 'PATCH', `${MN}/n1`, { spec: { revision: 'b' } }, 'application/merge-patch+json'))
        .status,
    ).toBe(200);
  });
});
