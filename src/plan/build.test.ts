import { describe, expect, test } from 'vitest';
import { managedHeader } from '../render/header.js';
import { buildPlan, type PlanInput, sha256 } from './build.js';

const H = managedHeader('dpod');
const hosts = `${H}server = "https://icr.io"\n`;

function input(over: Partial<PlanInput>): PlanInput {
  return {
    specHash: 'abc',
    specName: 'dpod',
    target: 'containerd',
    runtime: { name: 'containerd', version: '1.6.20', configVersion: 2 },
    service: 'containerd',
    files: [],
    ownedNeeds: 'none',
    edits: [],
    observed: new Map(),
    managedOnHost: [],
    takeOver: false,
    diagnostics: [],
    ...over,
  };
}

describe('buildPlan', () => {
  test('new hosts.toml and CA: create, CA first, no restart', () => {
    const plan = buildPlan(
      input({
        files: [
          { path: '/etc/containerd/certs.d/icr.io/hosts.toml', content: hosts, mode: 0o644 },
          { path: '/etc/containerd/certs.d/icr.io/mirror-ca.pem', content: 'PEM', mode: 0o644 },
        ],
      }),
    );
    expect(plan.changes.map((c) => [c.kind, c.path])).toEqual([
      ['create', '/etc/containerd/certs.d/icr.io/mirror-ca.pem'],
      ['create', '/etc/containerd/certs.d/icr.io/hosts.toml'],
    ]);
    expect(plan.action.kind).toBe('none');
    expect(plan.action.reason).toMatch(/pull time/);
  });

  test('config.toml edit needs a restart and records the before hash', () => {
    const before = 'version = 2\n';
    const after =
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/etc/containerd/certs.d"\n';
    const plan = buildPlan(
      input({
        edits: [
          {
            path: '/etc/containerd/config.toml',
            after,
            mode: 0o644,
            reason: 'set config_path',
            needs: 'restart',
          },
        ],
        observed: new Map([['/etc/containerd/config.toml', before]]),
      }),
    );
    expect(plan.changes).toHaveLength(1);
    const c = plan.changes[0]!;
    expect(c.kind).toBe('update');
    if (c.kind === 'update') {
      expect(c.beforeSha256).toBe(sha256(before));
      expect(c.owned).toBe(false);
    }
    expect(plan.action).toEqual({
      kind: 'restart',
      service: 'containerd',
      reason: '/etc/containerd/config.toml: set config_path',
    });
  });

  test('same desired state twice: in sync, nothing to do', () => {
    const path = '/etc/containerd/certs.d/icr.io/hosts.toml';
    const plan = buildPlan(
      input({
        files: [{ path, content: hosts, mode: 0o644 }],
        observed: new Map([[path, hosts]]),
        managedOnHost: [path],
      }),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.action).toMatchObject({ kind: 'none', reason: 'in sync' });
  });

  test('refuses to overwrite a hand-made file unless take-over', () => {
    const path = '/etc/containerd/certs.d/icr.io/hosts.toml';
    const observed = new Map([[path, 'server = "https://icr.io"\n']]);
    const refused = buildPlan(input({ files: [{ path, content: hosts, mode: 0o644 }], observed }));
    expect(refused.changes).toEqual([]);
    expect(refused.diagnostics).toMatchObject([{ severity: 'error', code: 'plan.unowned-file', file: path }]);
    const taken = buildPlan(
      input({ files: [{ path, content: hosts, mode: 0o644 }], observed, takeOver: true }),
    );
    expect(taken.changes.map((c) => c.kind)).toEqual(['update']);
  });

  test('managed file no longer desired is deleted; reload kind wins over none and loses to restart', () => {
    const gone = '/etc/containers/registries.conf.d/50-mirrorctl-old.conf';
    const plan = buildPlan(
      input({
        target: 'crio',
        service: 'crio',
        ownedNeeds: 'reload',
        observed: new Map([[gone, `${H}[[registry]]\n`]]),
        managedOnHost: [gone],
      }),
    );
    expect(plan.changes.map((c) => [c.kind, c.path])).toEqual([['delete', gone]]);
    expect(plan.action.kind).toBe('reload');
  });
});
