// `mirrorctl explain` end to end through main(): tables and JSON per target, and exit 2 for every
// kind of invalid input (image, spec, flags).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorctl-explain-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

writeFileSync(
  join(tmp, 'mirrors.yaml'),
  `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: dpod }
spec:
  registries:
    - source: icr.io/cpopen
      mirrors:
        - url: https://icr.io/dpod
          pullFrom: digest-only
    - source: docker.io
      mirrors:
        - url: https://mirror.example.com
`,
);
writeFileSync(join(tmp, 'bad.yaml'), 'apiVersion: mirrorctl/v1\nkind: MirrorSet\nspec: {}\n');

const cli = (argv: string[]) => runCli(argv, { cwd: tmp });

describe('mirrorctl explain', () => {
  it('prints one table per target by default', async () => {
    const r = await cli(['explain', 'nginx', '-f', 'mirrors.yaml']);
    expect(r.code).toBe(0);
    for (const title of [
      'containerd (hosts.toml)',
      'containerd (legacy CRI mirrors)',
      'CRI-O / Podman',
      'Docker Engine',
    ])
      expect(r.stdout).toContain(`${title}`);
    expect(r.stdout).toContain('https://mirror.example.com/v2/library/nginx/manifests/latest?ns=docker.io');
  });

  it('emits versioned JSON for one target, tag and digest', async () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    const r = await cli([
      'explain',
      'icr.io/cpopen/x:1',
      `icr.io/cpopen/x@${digest}`,
      '-f',
      'mirrors.yaml',
      '--target',
      'crio',
      '--runtime-version',
      '1.25.4',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      apiVersion: string;
      results: { target: string; requests: { url: string; role: string; capability: string }[] }[];
    };
    expect(doc.apiVersion).toBe('mirrorctl/explain-v1');
    expect(doc.results.map((x) => x.requests.map((q) => [q.role, q.capability, q.url]))).toEqual([
      [['source', 'resolve', 'https://icr.io/v2/cpopen/x/manifests/1']],
      [
        ['mirror', 'pull', `https://icr.io/v2/dpod/x/manifests/${digest}`],
        ['source', 'pull', `https://icr.io/v2/cpopen/x/manifests/${digest}`],
      ],
    ]);
  });

  it.each([
    [
      'an invalid image reference',
      ['explain', 'Not An Image', '-f', 'mirrors.yaml'],
      'invalid image reference',
    ],
    ['a missing -f', ['explain', 'nginx'], '-f/--file'],
    ['a missing spec file', ['explain', 'nginx', '-f', 'nope.yaml'], 'spec file not found'],
    ['an invalid spec', ['explain', 'nginx', '-f', 'bad.yaml'], 'bad.yaml'],
    [
      '--runtime-version without --target',
      ['explain', 'nginx', '-f', 'mirrors.yaml', '--runtime-version', '1.6.20'],
      '--target',
    ],
    ['an unknown target', ['explain', 'nginx', '-f', 'mirrors.yaml', '--target', 'rkt'], 'rkt'],
  ])('exits 2 on %s', async (_name, argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});
