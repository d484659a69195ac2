// The health check against a fake CRI server on a unix socket (test/faults/fake-cri.ts): besides
// Version and RuntimeReady, an expected config_path must be the one containerd's Status reports.
// Real containerd 1.6 (reports it) and 2.1 (does not) are exercised in test/e2e/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCri, startFakeCri } from '../../test/faults/fake-cri.js';
import { criLoadedConfigPath } from '../formats/containerd-cri-status.js';
import { criRuntimeHealth } from './cri-health.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-health-'));
let cri: FakeCri;
beforeAll(async () => {
  cri = await startFakeCri(join(dir, 'cri.sock'));
});
afterAll(() => {
  cri.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('criRuntimeHealth', () => {
  it('passes on Version + RuntimeReady when nothing more is expected', async () => {
    cri.configPath = '';
    expect(await criRuntimeHealth(cri.endpoint).check('containerd', 5_000)).toMatchObject({ ok: true });
  });

  it('fails when CRI runs another config_path than the one written (the change did not take)', async () => {
    cri.configPath = '';
    const r = await criRuntimeHealth(cri.endpoint).check('containerd', 5_000, {
      criConfigPath: '/etc/containerd/certs.d',
    });
    expect(r).toEqual({
      ok: false,
      error:
        'CRI runs with config_path = "", not "/etc/containerd/certs.d": the runtime did not take the new config.toml',
    });
  });

  it('says what it saw when the config_path is the one written', async () => {
    cri.configPath = '/etc/containerd/certs.d';
    const r = await criRuntimeHealth(cri.endpoint).check('containerd', 5_000, {
      criConfigPath: '/etc/containerd/certs.d',
    });
    expect(r).toMatchObject({
      ok: true,
      detail: expect.stringContaining('CRI loaded config_path = "/etc/containerd/certs.d"'),
    });
  });
});

describe('criLoadedConfigPath', () => {
  it.each([
    [{ config: '{"registry":{"configPath":"/a"}}' }, '/a'],
    [{ config: '{"containerd":{}}' }, undefined], // 2.x: runtime config only
    [{ config: 'not json' }, undefined],
    [{}, undefined],
  ])('%j → %j', (info, want) => expect(criLoadedConfigPath(info)).toBe(want));
});
