// startClusterHarness: the simulated cluster read through mirrorctl's own Kube client over TLS (the
// kubeconfig carries the stand-in's CA), nodes joining later get their DaemonSet pod, a stopped
// node turns Unknown with its pods still bound, and a removed node's pods are garbage-collected.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startClusterHarness } from '../harness.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('startClusterHarness', () => {
  it('serves the product client over TLS; nodes join, stop and leave as in a cluster', async () => {
    const h = await startClusterHarness({
      nodes: [{ name: 'a', runtime: 'containerd://2.1.4' }],
      kubelets: 'status-only',
      server: { tls: true },
    });
    close = h.close;
    expect(h.cluster.server.url).toMatch(/^https:/);
    const listed = await h.kube.listNodes();
    expect(listed.items.map((n) => [n.metadata?.name, n.status?.nodeInfo?.containerRuntimeVersion])).toEqual([
      ['a', 'containerd://2.1.4'],
    ]);
    await h.kube.create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: { containers: [{ name: 'a', image: 'x:1' }] },
        },
      },
    } as never);
    await h.cluster.addNode({ name: 'b' });
    const onNode = () =>
      h.cluster.server
        .list('pods', 'default')
        .map((p) => (p.spec as { nodeName: string }).nodeName)
        .sort();
    await vi.waitFor(() => expect(onNode()).toEqual(['a', 'b']));
    await h.cluster.stopNode('b');
    const ready = (n: string) => {
      const st = h.cluster.server.get('nodes', undefined, n)?.status as
        | { conditions?: Array<{ type: string; status: string }> }
        | undefined;
      return st?.conditions?.find((c) => c.type === 'Ready')?.status;
    };
    expect(ready('b')).toBe('Unknown');
    expect(onNode()).toEqual(['a', 'b']);
    h.cluster.nodes.remove('b');
    await vi.waitFor(() => expect(onNode()).toEqual(['a']));
  });
});
