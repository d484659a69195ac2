import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { nodeRoles, nodeRuntime } from './node-runtime.js';

const node = (
  runtime: string,
  extra: { kubelet?: string; os?: string; labels?: Record<string, string> } = {},
): V1Node => ({
  metadata: { name: 'n', labels: extra.labels ?? {} },
  status: {
    nodeInfo: {
      containerRuntimeVersion: runtime,
      kubeletVersion: extra.kubelet ?? 'v1.30.1',
      osImage: extra.os ?? 'Debian GNU/Linux 12',
    } as NonNullable<V1Node['status']>['nodeInfo'],
  },
});

describe('nodeRuntime', () => {
  it.each([
    { raw: 'containerd://1.6.20', runtime: 'containerd', version: '1.6.20', target: 'containerd' },
    { raw: 'containerd://1.4.13', runtime: 'containerd', version: '1.4.13', target: 'containerd-legacy' },
    { raw: 'containerd://2.1.4', runtime: 'containerd', version: '2.1.4', target: 'containerd' },
    { raw: 'cri-o://1.29.1', runtime: 'crio', version: '1.29.1', target: 'crio' },
    { raw: 'docker://24.0.7', runtime: 'docker', version: '24.0.7', target: 'docker' },
    { raw: 'containerd://Unknown', runtime: 'containerd', target: 'containerd' },
    { raw: 'rkt://1.0.0', runtime: 'unknown', version: '1.0.0' },
  ])('$raw → $runtime $target', ({ raw, runtime, version, target }) => {
    const r = nodeRuntime(node(raw));
    expect(r.runtime).toBe(runtime);
    expect(r.version).toBe(version);
    expect(r.target).toBe(target);
  });

  it.each([
    { n: node('containerd://1.7.11-k3s2'), want: 'k3s' },
    { n: node('containerd://1.7.11', { kubelet: 'v1.29.1+rke2r1' }), want: 'rke2' },
    { n: node('cri-o://1.29.1-5.rhaos4.16.git1a2b'), want: 'openshift' },
    { n: node('containerd://2.0.0', { os: 'Talos (v1.9.0)' }), want: 'talos' },
    { n: node('containerd://1.7.13'), want: undefined },
  ])('distribution $want', ({ n, want }) => {
    expect(nodeRuntime(n).distribution).toBe(want);
  });

  it('roles like kubectl', () => {
    expect(
      nodeRoles(
        node('x', {
          labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '' },
        }),
      ),
    ).toBe('control-plane,worker');
    expect(nodeRoles(node('x'))).toBe('<none>');
  });
});
