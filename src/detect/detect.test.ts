import { describe, expect, it } from 'vitest';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { detectRuntime } from './detect.js';
import { emptyFacts, type HostFacts } from './facts.js';
import { RUNTIME_RULES } from './runtimes.js';

const facts = (over: Partial<HostFacts>): HostFacts => ({ ...emptyFacts(), ...over });
const ok = (argv: string[], stdout: string) => ({ argv, code: 0, stdout, stderr: '' });

// A Docker host that also runs containerd with CRI enabled: binaries alone would say containerd.
const dockerAndContainerd = facts({
  present: { '/run/containerd/containerd.sock': 'other', '/run/docker.sock': 'other' },
  commands: {
    containerd: ok(['containerd', '--version'], 'containerd github.com/containerd/containerd v1.7.13 abc\n'),
    dockerd: ok(['dockerd', '--version'], 'Docker version 20.10.24+dfsg1, build 5d6db84\n'),
  },
});

describe('detectRuntime', () => {
  it('lets the kubelet runtime outrank what is installed', () => {
    const plain = detectRuntime(dockerAndContainerd, DEFAULT_PATHS);
    expect([plain.runtime, plain.rule]).toEqual(['containerd', 'containerd']);
    const hinted = detectRuntime(dockerAndContainerd, DEFAULT_PATHS, {
      kubeletRuntimeVersion: 'docker://20.10.24',
    });
    expect([hinted.runtime, hinted.rule, hinted.version, hinted.target]).toEqual([
      'docker',
      'dockerd',
      '20.10.24',
      'docker',
    ]);
    expect(hinted.reasons[0]).toMatch(/^skip containerd: .* but kubelet reports docker:\/\/20\.10\.24$/);
  });

  it('falls back to the kubelet version when no binary answers', () => {
    const d = detectRuntime(
      facts({ present: { '/run/containerd/containerd.sock': 'other' } }),
      DEFAULT_PATHS,
      {
        kubeletRuntimeVersion: 'containerd://1.4.13',
      },
    );
    expect([d.version, d.target, d.possibleTargets]).toEqual([
      '1.4.13',
      'containerd-legacy',
      ['containerd-legacy'],
    ]);
  });

  it('uses the kubelet alone when the root shows nothing', () => {
    const d = detectRuntime(emptyFacts(), DEFAULT_PATHS, { kubeletRuntimeVersion: 'cri-o://1.16.0' });
    expect([d.runtime, d.target, d.socketFound]).toEqual(['crio', 'crio', false]);
    expect(d.diagnostics.map((x) => x.code)).toEqual(['detect.crio.old']);
  });

  it('reports an empty root as an error with a hint', () => {
    const d = detectRuntime(emptyFacts(), DEFAULT_PATHS);
    expect(d.runtime).toBe('unknown');
    expect(d.target).toBeUndefined();
    expect(d.diagnostics).toMatchObject([
      { severity: 'error', code: 'detect.runtime.unknown', hint: expect.any(String) },
    ]);
  });

  it('ignores an unparsable kubelet string, saying so', () => {
    const d = detectRuntime(dockerAndContainerd, DEFAULT_PATHS, { kubeletRuntimeVersion: 'garbage' });
    expect(d.runtime).toBe('containerd');
    expect(d.diagnostics.map((x) => x.code)).toContain('detect.kubelet.unparsable');
  });

  it('falls to dockerd when containerd has CRI disabled and no cri-dockerd is found', () => {
    const d = detectRuntime(
      facts({
        files: { '/etc/containerd/config.toml': 'disabled_plugins = ["cri"]\n' },
        present: { '/etc/containerd/config.toml': 'file', '/run/docker.sock': 'other' },
      }),
      DEFAULT_PATHS,
    );
    expect([d.runtime, d.rule]).toEqual(['docker', 'dockerd']);
  });

  it('OpenShift by RHCOS os-release without the machine-config-daemon dir', () => {
    const d = detectRuntime(
      facts({
        files: { '/etc/os-release': 'ID="rhel"\nVARIANT_ID=coreos\nOPENSHIFT_VERSION="4.19"\n' },
        present: { '/run/crio/crio.sock': 'other' },
      }),
      DEFAULT_PATHS,
    );
    expect([d.distribution, d.distributionVersion, d.managedBy?.ownedFiles[0]]).toEqual([
      'openshift',
      '4.19',
      '/etc/containers/registries.conf',
    ]);
  });

  it('Bottlerocket ECS variants run Docker', () => {
    const d = detectRuntime(
      facts({ files: { '/etc/os-release': 'ID=bottlerocket\nVARIANT_ID=aws-ecs-2\nVERSION_ID=1.20.0\n' } }),
      DEFAULT_PATHS,
    );
    expect([d.runtime, d.distribution, d.target]).toEqual(['docker', 'bottlerocket', 'docker']);
  });

  it('keeps a CRI-disabled containerd as the last resort, with the warning', () => {
    const d = detectRuntime(
      facts({
        files: { '/etc/containerd/config.toml': 'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n' },
        present: { '/etc/containerd/config.toml': 'file' },
      }),
      DEFAULT_PATHS,
    );
    expect([d.runtime, d.rule]).toEqual(['containerd', 'containerd-cri-disabled']);
    expect(d.diagnostics.map((x) => x.code)).toContain('detect.containerd.cri-disabled');
  });

  it('takes the distribution from the kubelet build when the host looks plain', () => {
    const d = detectRuntime(dockerAndContainerd, DEFAULT_PATHS, {
      kubeletRuntimeVersion: 'containerd://1.7.13-k3s1',
    });
    expect([d.rule, d.distribution, d.managedBy !== undefined]).toEqual(['containerd', 'k3s', true]);
    expect(d.reasons).toContain('distribution k3s: kubelet reports containerd://1.7.13-k3s1');
  });

  it('warns when the binary and the running runtime differ', () => {
    const d = detectRuntime(dockerAndContainerd, DEFAULT_PATHS, {
      kubeletRuntimeVersion: 'containerd://1.6.20',
    });
    expect(d.version).toBe('1.7.13');
    expect(d.diagnostics.map((x) => x.code)).toEqual(['detect.version.mismatch']);
  });

  it('has unique rule ids', () => {
    const ids = RUNTIME_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
