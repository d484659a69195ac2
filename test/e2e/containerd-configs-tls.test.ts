// Issue 15.13: when config.toml has legacy `configs.<host>.tls` but no `mirrors`, mirrorctl refuses to
// set config_path on containerd 1.x and quotes the error containerd would print. This proves the quote
// is the real one: the file mirrorctl refuses to write (config_path added) is started with each
// containerd 1.x here, and its log carries exactly the quoted text (pkg/cri/config ValidatePluginConfig).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/testing.js';
import { baseContainerdConfig, containerdBinaries, startContainerd } from './harness/containerd.js';

const TABLE = 'plugins."io.containerd.grpc.v1.cri".registry';
const tlsOnly = (withConfigPath: boolean): string =>
  `${baseContainerdConfig(2)}\n[${TABLE}]\n${withConfigPath ? '  config_path = "/etc/containerd/certs.d"\n' : ''}[${TABLE}.configs."harbor.example.com".tls]\n  insecure_skip_verify = true\n`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync('/tmp/e2e-configs-tls-');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const v1 = containerdBinaries().filter((b) => /^1\./.test(b.version));

describe.each(v1)('containerd $version: configs.tls with config_path', (binary) => {
  it("mirrorctl's refusal quotes the error this containerd prints", async () => {
    const node = join(dir, `node-${binary.version}`);
    mkdirSync(join(node, 'etc/containerd'), { recursive: true });
    writeFileSync(join(node, 'etc/containerd/config.toml'), tlsOnly(false));
    writeFileSync(
      join(dir, 'mirrors.yaml'),
      'apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: hub }\nspec:\n  registries:\n    - source: docker.io\n      mirrors: [{ url: "https://cache.example.com" }]\n',
    );
    const plan = await runCli([
      'plan',
      '-f',
      join(dir, 'mirrors.yaml'),
      '--root',
      node,
      '--runtime',
      'containerd',
      '--runtime-version',
      binary.version,
    ]);
    expect(plan.code, plan.stderr).toBe(5);
    const quoted = /containerd refuses to load the CRI plugin \("([^"]+)"\)/.exec(plan.stderr)?.[1];
    expect(quoted, plan.stderr).toBe('`configs.tls` cannot be set when `config_path` is provided');

    const config = join(dir, `config-${binary.version}.toml`);
    writeFileSync(config, tlsOnly(true));
    const containerd = startContainerd({
      binary,
      dir: mkdtempSync(join(dir, `c${binary.version}-`)),
      configFile: config,
    });
    try {
      const version = await containerd.waitForCri();
      expect(version, containerd.log()).toMatchObject({ ok: false, error: { kind: 'unimplemented' } });
      expect(containerd.log()).toContain(quoted);
    } finally {
      await containerd.stop();
    }
  });
});
