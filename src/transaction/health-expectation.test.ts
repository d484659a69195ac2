// The forward runtime action's health check carries what shows the change taken (the plan's
// evidence: containerd's CRI config_path), and a runtime that answers without it is rolled back;
// the restore's own health check expects nothing (the old config is back). Issue 15.1.
import { describe, expect, test } from 'vitest';
import { CONFIG, freshFs, hostOn, OLD_CONFIG, plan } from '../../test/faults/fixture.js';
import type { HealthExpectation } from '../host/runtime-port.js';
import { snapshotTree } from '../host/testing.js';
import { applyPlan } from './apply.js';
import { fakeRuntime, fakeTxOptions } from './testing.js';

const CERTS = '/etc/containerd/certs.d';

describe('health check expectation', () => {
  test('a restart that leaves CRI on the old config_path fails health and restores the files', async () => {
    const fs = freshFs();
    const rt = fakeRuntime();
    const seen: (HealthExpectation | undefined)[] = [];
    // The "runtime" comes back but still runs config_path "" (as containerd 2.1 did with a
    // version-less file): only an expectation can tell.
    const health = {
      check: async (_s: string, _t: number, e?: HealthExpectation) => {
        seen.push(e);
        return e?.criConfigPath === undefined
          ? ({ ok: true, detail: 'ready' } as const)
          : ({ ok: false, error: `CRI runs with config_path = "", not "${e.criConfigPath}"` } as const);
      },
    };
    const r = await applyPlan(
      plan,
      hostOn(fs),
      { ...fakeTxOptions(rt), health },
      { evidence: { criConfigPath: CERTS } },
    );
    expect(r.status).toBe('rolled-back');
    expect(r.runtimeError).toContain('not "/etc/containerd/certs.d"');
    expect(seen).toEqual([{ criConfigPath: CERTS }, undefined]);
    expect((await snapshotTree(fs))[CONFIG]).toContain(OLD_CONFIG);
  });
});
