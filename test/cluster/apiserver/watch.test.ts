// Watches as the watch cache serves them, checked with the real @kubernetes/client-node: an informer
// (makeInformer) that reconnects after server-initiated drops, and relists after a 410 Gone when its
// version was compacted away while it was disconnected; selector watches that see an object leave
// (DELETED) and enter (ADDED); name field-selector watches; bookmarks.
import {
  CustomObjectsApi,
  KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  Watch,
} from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MIRRORCTL_CRDS } from './custom-resources.js';
import { FakeApiServer, type FakeApiServerOptions } from './server.js';

let server: FakeApiServer;
afterEach(() => server.stop());

async function start(o: FakeApiServerOptions = {}) {
  server = new FakeApiServer({ resources: MIRRORCTL_CRDS, ...o });
  await server.start();
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return kc;
}
const mn = (name: string, labels: Record<string, string> = {}, revision = 'r1') => ({
  apiVersion: 'mirrorctl.io/v1alpha1',
  kind: 'MirrorNode',
  metadata: { name, labels },
  spec: { revision },
});
const create = (name: string, labels?: Record<string, string>) =>
  server.api.create({ group: 'mirrorctl.io', plural: 'mirrornodes' }, mn(name, labels));
const ref = { group: 'mirrorctl.io', plural: 'mirrornodes' };

function informerFor(kc: KubeConfig) {
  const api = kc.makeApiClient(CustomObjectsApi);
  const list = () =>
    api.listClusterCustomObject({
      group: 'mirrorctl.io',
      version: 'v1alpha1',
      plural: 'mirrornodes',
    }) as Promise<KubernetesListObject<KubernetesObject>>;
  return makeInformer(kc, '/apis/mirrorctl.io/v1alpha1/mirrornodes', list);
}
const names = (objs: readonly KubernetesObject[]) => objs.map((o) => o.metadata?.name).sort();

describe('informers', () => {
  it('relist after 410 Gone: the version they resume from was compacted while they were away', async () => {
    const kc = await start();
    create('a');
    create('b');
    const informer = informerFor(kc);
    const deleted: string[] = [];
    informer.on('delete', (o) => deleted.push(o.metadata?.name ?? ''));
    await informer.start();
    await vi.waitFor(() => expect(names(informer.list())).toEqual(['a', 'b']));
    expect(server.accounting.count('list', 'mirrornodes')).toBe(1);
    // The next watch request waits 300 ms: meanwhile things change and the history is compacted.
    server.delays.push({ verb: 'watch', resource: 'mirrornodes', ms: 300 });
    server.disconnectWatches();
    await new Promise((r) => setTimeout(r, 50));
    server.delays.length = 0;
    server.api.delete(ref, undefined, 'a');
    create('c');
    server.api.mutate(ref, undefined, 'b', (d) => {
      d.spec = { revision: 'r2' };
    });
    server.compact();
    await vi.waitFor(() => expect(server.accounting.count('list', 'mirrornodes')).toBe(2), { timeout: 3000 });
    await vi.waitFor(() => expect(names(informer.list())).toEqual(['b', 'c']));
    expect((informer.get('b') as { spec?: { revision?: string } } | undefined)?.spec?.revision).toBe('r2');
    expect(deleted).toEqual(['a']);
    await informer.stop();
  });

  it('keeps up through server-initiated watch ends without relisting', async () => {
    const kc = await start({ watchLifetimeMs: [80, 120] });
    create('a');
    const informer = informerFor(kc);
    await informer.start();
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 70));
      create(`n${i}`);
    }
    await vi.waitFor(() => expect(informer.list()).toHaveLength(6));
    expect(server.accounting.count('watch', 'mirrornodes')).toBeGreaterThan(2);
    expect(server.accounting.count('list', 'mirrornodes')).toBe(1);
    await informer.stop();
  });
});

describe('watch streams', () => {
  async function collect(kc: KubeConfig, params: Record<string, string>) {
    const events: Array<{ type: string; name: string; rv: string }> = [];
    const req = await new Watch(kc).watch(
      '/apis/mirrorctl.io/v1alpha1/mirrornodes',
      params,
      (type, obj: KubernetesObject) =>
        events.push({ type, name: obj.metadata?.name ?? '', rv: obj.metadata?.resourceVersion ?? '' }),
      () => {},
    );
    return { events, stop: () => req.abort() };
  }

  it('an object leaving a label selector arrives as DELETED, entering as ADDED', async () => {
    const kc = await start();
    create('x', { pool: 'blue' });
    const w = await collect(kc, { labelSelector: 'pool=blue', resourceVersion: String(server.store.rv) });
    server.api.mutate(ref, undefined, 'x', (d) => {
      d.metadata.labels = { pool: 'green' };
    });
    server.api.mutate(ref, undefined, 'x', (d) => {
      d.metadata.labels = { pool: 'blue' };
    });
    create('y', { pool: 'green' });
    await vi.waitFor(() =>
      expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['DELETED x', 'ADDED x']),
    );
    w.stop();
  });

  it('metadata.name field selector sees only that object; no resourceVersion starts with its current state', async () => {
    const kc = await start();
    create('mine');
    create('other');
    const w = await collect(kc, { fieldSelector: 'metadata.name=mine' });
    server.api.mutate(ref, undefined, 'other', (d) => {
      d.spec = { revision: 'r9' };
    });
    server.api.mutate(ref, undefined, 'mine', (d) => {
      d.spec = { revision: 'r9' };
    });
    await vi.waitFor(() =>
      expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED mine', 'MODIFIED mine']),
    );
    w.stop();
  });

  it('bookmarks carry the current resourceVersion to clients that allow them', async () => {
    const kc = await start({ bookmarkIntervalMs: 50 });
    create('a');
    const w = await collect(kc, { allowWatchBookmarks: 'true', resourceVersion: String(server.store.rv) });
    server.api.create('configmaps', { metadata: { name: 'unrelated', namespace: 'default' } });
    const rv = String(server.store.rv);
    await vi.waitFor(() => expect(w.events.some((e) => e.type === 'BOOKMARK' && e.rv === rv)).toBe(true));
    w.stop();
  });

  it('a version older than the watch cache answers one ERROR 410 Expired event', async () => {
    const kc = await start({ historyLimit: 4 });
    const old = String(server.store.rv);
    for (let i = 0; i < 10; i++) create(`h${i}`);
    const lines: unknown[] = [];
    await new Watch(kc).watch(
      '/apis/mirrorctl.io/v1alpha1/mirrornodes',
      { resourceVersion: old },
      (type, obj) => lines.push({ type, obj }),
      () => {},
    );
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines[0]).toMatchObject({ type: 'ERROR', obj: { kind: 'Status', code: 410, reason: 'Expired' } });
  });
});
