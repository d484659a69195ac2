import { describe, expect, it } from 'vitest';
import type { V1Node, V1Pod } from '../host/kube-port.js';
import { type ClusterReader, readCluster, targetsOfNodes } from './image-source.js';

const node = (name: string, runtime: string, images: string[][] = []): V1Node => ({
  metadata: { name },
  status: {
    nodeInfo: { containerRuntimeVersion: runtime } as NonNullable<V1Node['status']>['nodeInfo'],
    images: images.map((names) => ({ names })),
  },
});
const pod = (ns: string, name: string, spec: V1Pod['spec']): V1Pod => ({
  metadata: { namespace: ns, name },
  spec,
});

describe('targetsOfNodes', () => {
  it('one entry per distinct target and version, sorted; unknown runtimes skipped', () => {
    const nodes = [
      node('a', 'containerd://1.7.13'),
      node('b', 'containerd://1.7.13'),
      node('c', 'cri-o://1.29.1'),
      node('d', 'containerd://2.1.4'),
      node('e', 'rkt://1.0'),
    ];
    expect(targetsOfNodes(nodes)).toEqual([
      { target: 'containerd', runtimeVersion: '1.7.13' },
      { target: 'containerd', runtimeVersion: '2.1.4' },
      { target: 'crio', runtimeVersion: '1.29.1' },
    ]);
  });
});

describe('readCluster', () => {
  it('lists pods of every namespace and the nodes’ pause images', async () => {
    const pods: Record<string, V1Pod[]> = {
      default: [pod('default', 'web', { containers: [{ name: 'nginx', image: 'nginx:1.27' }] })],
      'kube-system': [
        pod('kube-system', 'dns', {
          initContainers: [{ name: 'init', image: 'busybox' }],
          containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1' }],
        }),
      ],
    };
    const kube: ClusterReader = {
      listNodes: async () => ({
        items: [
          node('n1', 'containerd://1.6.20', [
            ['registry.k8s.io/pause:3.9', `registry.k8s.io/pause@sha256:${'e'.repeat(64)}`],
            ['docker.io/library/nginx:1.27'],
          ]),
        ],
        resourceVersion: '1',
      }),
      list: async () => Object.keys(pods).map((name) => ({ metadata: { name } })),
      listPods: async (ns) => ({ items: pods[ns] ?? [], resourceVersion: '1' }),
    };
    const { found, targets } = await readCluster(kube);
    expect(found.map((f) => `${f.origin} → ${f.image}`)).toEqual([
      'cluster: Pod default/web container nginx → nginx:1.27',
      'cluster: Pod kube-system/dns initContainer init → busybox',
      'cluster: Pod kube-system/dns container coredns → registry.k8s.io/coredns/coredns:v1.11.1',
      'cluster: Node n1 sandbox image → registry.k8s.io/pause:3.9',
    ]);
    expect(targets).toEqual([{ target: 'containerd', runtimeVersion: '1.6.20' }]);
  });
});
