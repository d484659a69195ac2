// The shipped agent: scripts/build-agent.mjs builds it (≤ 1 MiB, self-extracting), and the real file
// runs the real node entry point (src/cli/node-host.ts → src/planner/reconcile.ts) in a child process
// against a temp root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { lastResultLine } from '../../src/cluster/agent-protocol.js';
import { specRevision } from '../../src/cluster/names.js';
import { shipTlsAssets } from '../../src/cluster/tls-assets.js';
import { SPEC } from './harness.js';
import { makePki } from './tls-pki.js';

describe('agent bundle', () => {
  it('builds under the ConfigMap budget and plans a node, waiting for its restart wave', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-bundle-'));
    const outfile = join(dir, 'agent.mjs');
    const script = new URL('../../scripts/build-agent.mjs', import.meta.url).href;
    const { buildAgentBundle, MAX_BUNDLE_BYTES } = (await import(script)) as {
      buildAgentBundle: (o: string) => Promise<{ size: number }>;
      MAX_BUNDLE_BYTES: number;
    };
    const { size } = await buildAgentBundle(outfile);
    expect(size).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    expect(statSync(outfile).size).toBe(size);

    mkdirSync(join(dir, 'config'));
    mkdirSync(join(dir, 'root'));
    writeFileSync(join(dir, 'config', 'mirrors.yaml'), SPEC);
    const control = { revision: specRevision(SPEC), mode: 'apply', allow: '*', restart: [] };
    writeFileSync(join(dir, 'config', 'control.json'), JSON.stringify(control));
    const args = ['agent', '--once', '--node', 'n1', '--spec', join(dir, 'config', 'mirrors.yaml')];
    const out = execFileSync(
      process.execPath,
      [outfile, ...args, '--root', join(dir, 'root'), '--result-file', join(dir, 'result.json')],
      { encoding: 'utf8', env: { ...process.env, TMPDIR: dir } },
    );
    const r = lastResultLine(out);
    // An empty root: config.toml must gain config_path, which needs a restart → wait for a wave.
    expect(r?.status).toBe('pending-restart');
    expect(r?.action).toBe('restart');
    expect(r?.revision).toBe(control.revision);
    expect(lastResultLine(readFileSync(join(dir, 'result.json'), 'utf8'))?.ready).toBe(true);
  });

  it('applies a spec with a CA and a client key shipped as rollout ships them (ConfigMap + Secret layout)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-bundle-tls-'));
    const outfile = join(dir, 'agent.mjs');
    const script = new URL('../../scripts/build-agent.mjs', import.meta.url).href;
    const { buildAgentBundle } = (await import(script)) as {
      buildAgentBundle: (o: string) => Promise<unknown>;
    };
    await buildAgentBundle(outfile);

    const pki = makePki();
    const spec = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: lab }
spec:
  registries:
    - source: docker.io
      mirrors:
        - url: https://mirror.internal:5000
          tls: { caFile: ca.pem, certFile: client.pem, keyFile: client.key }
`;
    const shipped = shipTlsAssets(spec, { 'ca.pem': pki.ca, 'client.pem': pki.cert, 'client.key': pki.key });
    // The pod's view: the spec ConfigMap at config/, the Secret at secrets/tls/ (mode 0400 as kubelet sets it).
    mkdirSync(join(dir, 'config'));
    mkdirSync(join(dir, 'secrets', 'tls'), { recursive: true });
    writeFileSync(join(dir, 'config', 'mirrors.yaml'), shipped.specText);
    for (const [k, v] of Object.entries(shipped.configMapData)) writeFileSync(join(dir, 'config', k), v);
    for (const [k, v] of Object.entries(shipped.secretData))
      writeFileSync(join(dir, 'secrets', 'tls', k), v, { mode: 0o400 });
    const control = { revision: specRevision(shipped.specText), mode: 'apply', allow: '*', restart: '*' };
    writeFileSync(join(dir, 'config', 'control.json'), JSON.stringify(control));
    // A containerd node whose config.toml already names certs.d: hosts.toml is read per pull, no restart.
    const root = join(dir, 'root');
    mkdirSync(join(root, 'etc', 'containerd'), { recursive: true });
    writeFileSync(
      join(root, 'etc', 'containerd', 'config.toml'),
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    );
    const args = [
      'agent',
      '--once',
      '--node',
      'n1',
      '--spec',
      join(dir, 'config', 'mirrors.yaml'),
      '--root',
      root,
    ];
    const out = execFileSync(
      process.execPath,
      [outfile, ...args, '--result-file', join(dir, 'result.json')],
      {
        encoding: 'utf8',
        env: { ...process.env, TMPDIR: dir },
      },
    );
    const r = lastResultLine(out);
    expect(r?.status, r?.message).toBe('applied');
    expect(r?.action).toBe('none');
    const hostDir = join(root, 'etc', 'containerd', 'certs.d', 'docker.io');
    const names = readdirSync(hostDir).sort();
    const read = (n: string) => readFileSync(join(hostDir, n), 'utf8');
    const keyFile = names.find((n) => n.includes('client-key'));
    expect(keyFile).toBeDefined();
    expect(read(keyFile ?? '')).toContain(pki.key.trim());
    expect(statSync(join(hostDir, keyFile ?? '')).mode & 0o777).toBe(0o600);
    const ca = names.find((n) => n.includes('-ca'));
    expect(read(ca ?? '')).toContain(pki.ca.trim());
    const hosts = parse(read('hosts.toml')) as { host: Record<string, { ca: string; client: string[][] }> };
    const mirror = hosts.host['https://mirror.internal:5000'];
    expect(mirror?.ca).toBe(ca);
    expect(mirror?.client).toEqual([[names.find((n) => n.includes('client-cert')), keyFile]]);
    // The key never reaches the log.
    expect(out).not.toContain('PRIVATE KEY');
  });
});
