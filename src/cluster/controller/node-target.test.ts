import { describe, expect, it } from 'vitest';
import { nodeObject } from '../../../test/cluster/controller/fixtures.js';
import { nodeTarget } from './node-target.js';

describe('mirrorctl.io/target from status.nodeInfo', () => {
  it.each([
    [{ runtime: 'containerd://1.7.13' }, 'containerd'],
    [{ runtime: 'containerd://1.4.13' }, 'containerd'],
    [{ runtime: 'containerd://1.7.15-k3s1', kubelet: 'v1.29.4+k3s1' }, 'k3s'],
    [{ runtime: 'containerd://1.7.11-k3s2', kubelet: 'v1.28.9+rke2r1' }, 'rke2'],
    [{ runtime: 'cri-o://1.29.1' }, 'crio'],
    [{ runtime: 'cri-o://1.27.1-4.rhaos4.14.git1' }, 'unsupported'],
    [{ runtime: 'docker://24.0.7' }, 'docker'],
    [{ runtime: 'containerd://2.0.0', osImage: 'Talos (v1.9.0)' }, 'unsupported'],
    [{ runtime: 'containerd://1.7.13', os: 'windows' }, 'unsupported'],
    [{ runtime: 'remote://1.0' }, 'unsupported'],
  ] as const)('%o → %s', (o, expected) => {
    expect(nodeTarget(nodeObject('n', o))).toBe(expected);
  });
});
