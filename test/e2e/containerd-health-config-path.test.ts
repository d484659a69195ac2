// The post-restart health check against real containerd (issue 15.1): answering is not enough, the
// CRI must run the config_path mirrorctl wrote. containerd 1.6/1.7 report the loaded registry config
// in CRI Status(verbose), so a config_path written where that version does not read it (a
// version-less file with the v2 plugin URI) fails the check, and the right table passes; 2.1 does
// not report it, and the check says it could not look (the config dump suite proves 2.x instead).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criRuntimeHealth } from '../../src/host/cri-health.js';
import { baseContainerdConfig, containerdBinaries, startContainerd } from './harness/containerd.js';
import { mountNodeDirs, type NodeMounts } from './harness/mountns.js';

const CERTS = '/etc/containerd/certs.d';
const binaries = containerdBinaries();
let dir: string;
let mounts: NodeMounts;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/e2e-health-');
  mounts = await mountNodeDirs(join(dir, 'node'));
});
afterAll(async () => {
  await mounts?.unmount();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** base config (version line dropped for a version-less file) + one registry table. */
const config = (version: 2 | 3 | undefined, table: string): string => {
  const base = baseContainerdConfig(version ?? 2).replace(
    /^version = \d+\n/,
    version ? `version = ${version}\n` : '',
  );
  return `${base}\n[plugins."${table}".registry]\n  config_path = "${CERTS}"\n`;
};

describe.each(binaries)('health check on containerd $version', (binary) => {
  const v1 = binary.version.startsWith('1.');
  const cases: { name: string; text: string; taken: boolean | undefined }[] = v1
    ? [
        { name: 'v2 file, URI table (read)', text: config(2, 'io.containerd.grpc.v1.cri'), taken: true },
        {
          name: 'version-less file, URI table (ignored by 1.x)',
          text: config(undefined, 'io.containerd.grpc.v1.cri'),
          taken: false,
        },
      ]
    : [{ name: 'v3 file, images table', text: config(3, 'io.containerd.cri.v1.images'), taken: undefined }];

  it.each(cases)('$name', async ({ text, taken }) => {
    writeFileSync('/etc/containerd/config.toml', text);
    const containerd = startContainerd({
      binary,
      dir: mkdtempSync(join(dir, 'c')),
      configFile: '/etc/containerd/config.toml',
    });
    try {
      expect(await containerd.waitForCri(), containerd.log()).toMatchObject({ ok: true });
      const r = await criRuntimeHealth(containerd.endpoint).check('containerd', 30_000, {
        criConfigPath: CERTS,
      });
      console.log(`[e2e evidence] containerd ${binary.version}: ${JSON.stringify(r)}`);
      if (taken === true)
        expect(r).toMatchObject({ ok: true, detail: expect.stringContaining(`config_path = "${CERTS}"`) });
      if (taken === false)
        expect(r).toMatchObject({
          ok: false,
          error: expect.stringContaining('CRI runs with config_path = ""'),
        });
      if (taken === undefined)
        expect(r).toMatchObject({ ok: true, detail: expect.stringContaining('config_path not checked') });
    } finally {
      await containerd.stop();
    }
  });
});
