// Shared fixture of the fault matrix: a containerd node before mirrorctl, and a plan that creates
// a CA file and a hosts.toml, deletes a hosts.toml mirrorctl owned, and patches config.toml
// (which needs a restart).
import { type MemoryTree, memoryFs } from '../../src/host/memory-fs.js';
import type { Host } from '../../src/host/ports.js';
import { silentLogger } from '../../src/host/ports.js';
import { sha256 } from '../../src/plan/build.js';
import { PLAN_API_VERSION, type Plan } from '../../src/plan/types.js';

export const CONFIG = '/etc/containerd/config.toml';
export const OLD_CONFIG = '# site config\nversion = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n';
export const NEW_CONFIG = `${OLD_CONFIG}  config_path = "/etc/containerd/certs.d"\n`;
export const OWNED_OLD = '# Managed by mirrorctl (MirrorSet "m").\nserver = "https://old.io"\n';

export const BEFORE: MemoryTree = {
  [CONFIG]: { content: OLD_CONFIG, mode: 0o640 },
  '/etc/containerd/certs.d/old.io/hosts.toml': OWNED_OLD,
  '/etc/hostname': 'node-a\n',
};

export const plan: Plan = {
  apiVersion: PLAN_API_VERSION,
  specHash: 'spec-1',
  specName: 'm',
  target: 'containerd',
  runtime: { name: 'containerd', version: '1.6.20', configVersion: 2 },
  changes: [
    {
      kind: 'create',
      path: '/etc/containerd/certs.d/docker.io/hosts.toml',
      content:
        '# Managed by mirrorctl (MirrorSet "m").\nserver = "https://registry-1.docker.io"\n[host."https://mirror.local"]\n  ca = "/etc/containerd/certs.d/docker.io/ca.crt"\n',
      mode: 0o644,
      owned: true,
      reason: 'new',
    },
    {
      kind: 'create',
      path: '/etc/containerd/certs.d/docker.io/ca.crt',
      content: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      mode: 0o644,
      owned: true,
      reason: 'new',
    },
    {
      kind: 'create',
      path: '/etc/containerd/certs.d/docker.io/client.key',
      content: 'PRIVATE-KEY-BYTES\n',
      mode: 0o644,
      owned: true,
      secret: true,
      reason: 'new',
    },
    {
      kind: 'delete',
      path: '/etc/containerd/certs.d/old.io/hosts.toml',
      before: OWNED_OLD,
      beforeSha256: sha256(OWNED_OLD),
      reason: 'no longer in the spec',
    },
    {
      kind: 'update',
      path: CONFIG,
      before: OLD_CONFIG,
      beforeSha256: sha256(OLD_CONFIG),
      content: NEW_CONFIG,
      mode: 0o640,
      owned: false,
      reason: 'config_path set',
    },
  ],
  action: { kind: 'restart', service: 'containerd', reason: 'config.toml changed: config_path set' },
  diagnostics: [],
};

/** A second plan on top of the first: only a hosts.toml change (no restart). */
export const plan2: Plan = {
  ...plan,
  specHash: 'spec-2',
  changes: [
    {
      kind: 'create',
      path: '/etc/containerd/certs.d/quay.io/hosts.toml',
      content: '# Managed by mirrorctl (MirrorSet "m").\nserver = "https://quay.io"\n',
      mode: 0o644,
      owned: true,
      reason: 'new',
    },
  ],
  action: { kind: 'none', service: 'containerd', reason: 'hosts.toml is read at pull time' },
};

export const hostOn = (fs: Host['fs']): Host => ({
  fs,
  run: async () => ({ code: 0, signal: null, stdout: '', stderr: '', timedOut: false }),
  log: silentLogger,
  now: () => new Date('2026-11-25T17:00:00Z'),
});

export const freshFs = () => memoryFs(BEFORE);
