import { describe, expect, it } from 'vitest';
import { memoryFs } from '../host/memory-fs.js';
import { findInList, findInManifest, findInManifestDir, imagesOfObject, mergeFound } from './collect.js';

const D = `sha256:${'c'.repeat(64)}`;
const pod = (containers: object[], extra: object = {}) => ({ containers, ...extra });

describe('findInList + mergeFound', () => {
  it('normalises, deduplicates and sorts; comments and blanks ignored; bad refs name file and line', () => {
    const text = [
      '# images',
      'nginx',
      '',
      'docker.io/library/nginx:latest  # same',
      `quay.io/a/b@${D}`,
      'Bad/Ref',
    ].join('\n');
    const { images, diagnostics } = mergeFound(findInList(text, 'images.txt'));
    expect(images).toEqual([
      { reference: 'docker.io/library/nginx:latest', origins: ['images.txt:2', 'images.txt:4'] },
      { reference: `quay.io/a/b@${D}`, origins: ['images.txt:5'] },
    ]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'preflight.image.invalid',
        file: 'images.txt',
        line: 6,
        severity: 'error',
      }),
    ]);
  });
});

describe('imagesOfObject', () => {
  const cases = [
    {
      kind: 'Pod',
      obj: { kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: pod([{ name: 'c', image: 'a' }]) },
      expected: ['f: Pod ns/p container c → a'],
    },
    {
      kind: 'Deployment with init and ephemeral containers',
      obj: {
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          template: {
            spec: pod([{ name: 'app', image: 'app:1' }], {
              initContainers: [{ name: 'init', image: 'busybox' }],
              ephemeralContainers: [{ name: 'dbg', image: 'debug' }],
            }),
          },
        },
      },
      expected: [
        'f: Deployment d initContainer init → busybox',
        'f: Deployment d container app → app:1',
        'f: Deployment d ephemeralContainer dbg → debug',
      ],
    },
    ...['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'].map((kind) => ({
      kind,
      obj: { kind, metadata: { name: 'x' }, spec: { template: { spec: pod([{ name: 'c', image: 'i' }]) } } },
      expected: [`f: ${kind} x container c → i`],
    })),
    {
      kind: 'CronJob',
      obj: {
        kind: 'CronJob',
        metadata: { name: 'cj' },
        spec: { jobTemplate: { spec: { template: { spec: pod([{ name: 'c', image: 'cron' }]) } } } },
      },
      expected: ['f: CronJob cj container c → cron'],
    },
    {
      kind: 'List of items',
      obj: {
        kind: 'List',
        items: [
          { kind: 'Pod', metadata: { name: 'a' }, spec: pod([{ name: 'c', image: 'x' }]) },
          { kind: 'Service', metadata: { name: 's' } },
        ],
      },
      expected: ['f: Pod a container c → x'],
    },
    { kind: 'Service (no pods)', obj: { kind: 'Service', spec: { ports: [] } }, expected: [] },
    { kind: 'not an object', obj: 'text', expected: [] },
    {
      kind: 'container without image',
      obj: { kind: 'Pod', metadata: { name: 'p' }, spec: pod([{ name: 'c' }]) },
      expected: [],
    },
  ];
  it.each(cases)('$kind', ({ obj, expected }) => {
    expect(imagesOfObject(obj, 'f').map((f) => `${f.origin} → ${f.image}`)).toEqual(expected);
  });
});

describe('findInManifest', () => {
  it('reads every document of a multi-document file with its line', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: a }',
      'spec: { containers: [{ name: c, image: nginx }] }',
      '---',
      'apiVersion: batch/v1',
      'kind: CronJob',
      'metadata: { name: b, namespace: jobs }',
      'spec:',
      '  jobTemplate: { spec: { template: { spec: { containers: [{ name: c, image: "quay.io/x/y:2" }] } } } }',
    ].join('\n');
    const { found, diagnostics } = findInManifest(text, 'm.yaml');
    expect(diagnostics).toEqual([]);
    expect(found).toEqual([
      { image: 'nginx', origin: 'm.yaml:1: Pod a container c', file: 'm.yaml', line: 1 },
      { image: 'quay.io/x/y:2', origin: 'm.yaml:6: CronJob jobs/b container c', file: 'm.yaml', line: 6 },
    ]);
  });

  it('reports a YAML error with file, line and column and keeps the other documents', () => {
    const text =
      'kind: Pod\nmetadata: { name: a }\nspec: { containers: [{ name: c, image: x }] }\n---\nkind: [unclosed\n';
    const { found, diagnostics } = findInManifest(text, 'bad.yaml');
    expect(found.map((f) => f.image)).toEqual(['x']);
    expect(diagnostics[0]).toMatchObject({
      code: 'preflight.manifest.parse',
      file: 'bad.yaml',
      line: expect.any(Number),
    });
  });
});

describe('findInManifestDir', () => {
  it('walks sub-directories in order, reads only yaml/yml/json', async () => {
    const fs = memoryFs({
      '/m/a.yaml': 'kind: Pod\nmetadata: { name: a }\nspec: { containers: [{ name: c, image: a }] }\n',
      '/m/sub/b.json': JSON.stringify({
        kind: 'Pod',
        metadata: { name: 'b' },
        spec: { containers: [{ name: 'c', image: 'b' }] },
      }),
      '/m/README.md': 'image: nope',
    });
    const { found, diagnostics } = await findInManifestDir(fs, '/m');
    expect(diagnostics).toEqual([]);
    expect(found.map((f) => f.origin)).toEqual([
      '/m/a.yaml:1: Pod a container c',
      '/m/sub/b.json:1: Pod b container c',
    ]);
  });

  it('a missing directory is an error naming it', async () => {
    const { diagnostics } = await findInManifestDir(memoryFs({}), '/nope');
    expect(diagnostics[0]).toMatchObject({ code: 'preflight.manifests.missing', file: '/nope' });
  });
});
