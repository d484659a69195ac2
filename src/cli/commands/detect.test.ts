// `mirrorctl detect` end to end through main(): fixture roots with recorded commands, saved kubectl
// output, and the exit codes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/hosts');
const tmp = mkdtempSync(join(tmpdir(), 'mirrorctl-detect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (argv: string[]) => runCli(argv, { cwd: tmp });

const fixtureArgs = (name: string) => [
  '--root',
  join(FIXTURES, name, 'tree'),
  '--commands',
  join(FIXTURES, name, 'commands.json'),
];

describe('mirrorctl detect', () => {
  it('prints the detection with its reasons', async () => {
    const r = await cli(['detect', ...fixtureArgs('ubuntu-containerd17-legacy-mirrors')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`runtime         containerd 1.7.13
target          containerd (possible: containerd, containerd-legacy)
distribution    plain
socket          /run/containerd/containerd.sock
config          /etc/containerd/config.toml (version 2)
registry table  [plugins."io.containerd.grpc.v1.cri".registry]
config_path     unset
legacy mirrors  docker.io, icr.io, quay.io
legacy tls      harbor.example.com

why:
  - runtime containerd (containerd): socket /run/containerd/containerd.sock
  - version 1.7.13: containerd --version printed v1.7.13
  - target containerd: containerd 1.7.13 ≥ 1.5 reads certs.d/<host>/hosts.toml through config_path
  - config /etc/containerd/config.toml: version 2, no config_path, legacy mirrors for docker.io, icr.io, quay.io
`);
    expect(r.stderr).toContain('legacy registry.mirrors present for docker.io, icr.io');
    expect(r.stderr).toContain('--migrate-legacy');
  });

  it('prints one JSON document with -o json', async () => {
    const r = await cli(['detect', '-o', 'json', ...fixtureArgs('openshift-rhcos-crio')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      apiVersion: 'mirrorctl/v1',
      kind: 'Detection',
      runtime: 'crio',
      version: '1.29.1',
      target: 'crio',
      distribution: 'openshift',
      crio: { format: 'v2', prefixes: ['icr.io/cpopen'] },
    });
    expect(doc.diagnostics.map((d: { code: string }) => d.code)).toEqual(['detect.managed.openshift']);
  });

  it('runs no version commands against a foreign --root', async () => {
    const r = await cli(['detect', '-o', 'json', '--root', join(FIXTURES, 'kind', 'tree')]);
    const doc = JSON.parse(r.stdout);
    expect([doc.distribution, doc.version]).toEqual(['kind', undefined]);
    expect(doc.reasons.at(-1)).toMatch(/^version commands not run: --root .* is not this machine/);
  });

  it('exits 1 when no runtime is found', async () => {
    const r = await cli(['detect', '--root', tmp]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^runtime +unknown\ntarget +none\n/);
    expect(r.stderr).toContain('no supported container runtime (containerd, CRI-O, Docker) was found');
  });

  it('--from-kubectl: one row per node with the target mirrorctl would use', async () => {
    const file = join(tmp, 'nodes.txt');
    writeFileSync(
      file,
      `NAME            STATUS   ROLES           AGE    VERSION        INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                              KERNEL-VERSION                CONTAINER-RUNTIME
cp-1            Ready    control-plane   412d   v1.29.4        10.0.0.11     <none>        Ubuntu 22.04.4 LTS                    5.15.0-105-generic            containerd://1.7.13
worker-crio-1   Ready    worker          97d    v1.29.4        10.0.0.21     <none>        Red Hat Enterprise Linux 9.3 (Plow)   5.14.0-362.8.1.el9_3.x86_64   cri-o://1.25.4
legacy-docker   Ready    <none>          3y     v1.23.17       10.0.0.31     <none>        CentOS Linux 7 (Core)                 3.10.0-1160.el7.x86_64        docker://19.3.1
old-ctr         Ready    <none>          5y     v1.20.4        10.0.0.41     <none>        Ubuntu 18.04.6 LTS                    4.15.0-213-generic            containerd://1.4.13
k3s-a           Ready    master          10d    v1.28.5+k3s1   10.0.0.51     <none>        Ubuntu 22.04.4 LTS                    5.15.0-91-generic             containerd://1.7.11-k3s2
`,
    );
    const r = await cli(['detect', '--from-kubectl', 'nodes.txt']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NODE +ROLES +RUNTIME +VERSION +DISTRIBUTION +TARGET +NOTE$/);
    const cols = lines.slice(1).map((l) => l.split(/ {3,}/).slice(0, 6));
    expect(cols).toEqual([
      ['cp-1', 'control-plane', 'containerd', '1.7.13', 'plain', 'containerd'],
      ['worker-crio-1', 'worker', 'crio', '1.25.4', 'plain', 'crio'],
      ['legacy-docker', '<none>', 'docker', '19.3.1', 'plain', 'docker'],
      ['old-ctr', '<none>', 'containerd', '1.4.13', 'plain', 'containerd-legacy'],
      ['k3s-a', 'master', 'containerd', '1.7.11-k3s2', 'k3s', 'containerd'],
    ]);
    expect(lines[5]).toContain('registries.yaml');

    const j = await cli(['detect', '--from-kubectl', file, '-o', 'json']);
    expect(JSON.parse(j.stdout).items.map((i: { target: string }) => i.target)).toEqual([
      'containerd',
      'crio',
      'docker',
      'containerd-legacy',
      'containerd',
    ]);
  });

  it('exits 2 on a missing or unparsable kubectl file, naming it', async () => {
    const missing = await cli(['detect', '--from-kubectl', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(join(tmp, 'nope.json'));
    writeFileSync(join(tmp, 'bad.json'), '{"kind":"NodeList","items":[{"metadata":{}}]}');
    const bad = await cli(['detect', '--from-kubectl', 'bad.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${join(tmp, 'bad.json')} items.0.metadata.name`);
  });
});
