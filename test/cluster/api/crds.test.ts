// The MirrorSet and MirrorNode CRDs: valid apiextensions.k8s.io/v1 objects (kubernetes-models), the
// names, scope, subresource and printer columns the design fixes, and — the point of generating
// them from the zod schema — every example MirrorSet passes the CRD schema with nothing pruned, and
// the API server's defaulting (from the CRD) yields exactly what mirrorctl's own parser yields.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildMirrorNodeCrd, buildMirrorSetCrd } from '../../../src/cluster/api/crds.js';
import { mirrorNodeObjectSchema } from '../../../src/cluster/api/mirrornode.js';
import { mirrorSetStatusSchema } from '../../../src/cluster/api/mirrorset.js';
import { mirrorSetInputSchema } from '../../../src/spec/schema.js';
import { validateAgainstCrd } from './crd-validate.js';

const repo = join(import.meta.dirname, '../../..');
const setSchema = buildMirrorSetCrd().spec.versions[0]?.schema.openAPIV3Schema ?? {};
const nodeSchema = buildMirrorNodeCrd().spec.versions[0]?.schema.openAPIV3Schema ?? {};

/** Every MirrorSet document the repository ships or pins as valid. */
function exampleFiles(): string[] {
  const corpus = join(repo, 'test/spec-corpus/good');
  return [
    ...readdirSync(join(repo, 'examples'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `examples/${f}`),
    'examples/private-ca/mirrors.yaml',
    'deploy/mirrors.yaml',
    ...readdirSync(corpus)
      .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.expected.json'))
      .map((f) => `test/spec-corpus/good/${f}`),
  ];
}

const TIME = '2026-01-01T00:00:00Z';

describe('CRDs', () => {
  it.each([buildMirrorSetCrd(), buildMirrorNodeCrd()].map((c) => [c.metadata.name, c] as const))(
    '%s validates as apiextensions.k8s.io/v1 CustomResourceDefinition',
    (_name, crd) => {
      expect(() => new CustomResourceDefinition(crd as never).validate()).not.toThrow();
    },
  );

  it('MirrorSet: cluster-scoped, short name mset, status subresource, the design printer columns', () => {
    const c = buildMirrorSetCrd();
    expect(c.metadata.name).toBe('mirrorsets.mirrorctl.io');
    expect(c.spec.scope).toBe('Cluster');
    expect(c.spec.names.shortNames).toEqual(['mset']);
    const v = c.spec.versions[0];
    expect(v?.name).toBe('v1alpha1');
    expect(v?.subresources).toEqual({ status: {} });
    expect(v?.additionalPrinterColumns.map((p) => [p.name.toUpperCase(), p.jsonPath])).toEqual([
      ['READY', '.status.nodes.ready'],
      ['UPDATED', '.status.nodes.updated'],
      ['TOTAL', '.status.nodes.total'],
      ['STATUS', '.status.conditions[?(@.type=="Ready")].reason'],
      ['REVISION', '.status.revision'],
      ['AGE', '.metadata.creationTimestamp'],
    ]);
  });

  it('MirrorNode: cluster-scoped, status subresource, the design printer columns', () => {
    const c = buildMirrorNodeCrd();
    expect(c.metadata.name).toBe('mirrornodes.mirrorctl.io');
    expect(c.spec.scope).toBe('Cluster');
    expect(c.spec.versions[0]?.subresources).toEqual({ status: {} });
    expect(
      c.spec.versions[0]?.additionalPrinterColumns.map((p) => [p.name.toUpperCase(), p.jsonPath]),
    ).toEqual([
      ['STATE', '.status.state'],
      ['REVISION', '.status.appliedRevision'],
      ['DESIRED', '.spec.revision'],
      ['RUNTIME', '.status.runtime'],
      ['DRIFT', '.status.driftRepairs'],
      ['AGE', '.metadata.creationTimestamp'],
    ]);
  });

  it('x-kubernetes-preserve-unknown-fields appears nowhere (every field is specified)', () => {
    expect(JSON.stringify([setSchema, nodeSchema])).not.toContain('preserve-unknown-fields');
  });
});

describe('example MirrorSets against the generated CRD schema', () => {
  const files = exampleFiles();
  it('finds the examples (not an empty list)', () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
  });

  it.each(files)('%s: valid, nothing pruned, API-server defaults = mirrorctl defaults', (file) => {
    // A file may carry document markers around its one document (the corpus pins that case).
    const docs = parseAllDocuments(readFileSync(join(repo, file), 'utf8').replace(/^\uFEFF/, ''));
    const doc = (Array.isArray(docs) ? docs : [docs])
      .map((d) => d.toJS() as Record<string, unknown> | null)
      .find((d) => d !== null) as Record<string, unknown>;
    const r = validateAgainstCrd(setSchema, doc);
    expect(r.errors).toEqual([]);
    expect(r.pruned).toEqual([]);
    expect(r.defaulted).toEqual(mirrorSetInputSchema.parse(doc));
  });

  it.each([
    ['no registries', { registries: [] }, '/spec/registries'],
    ['a mirror without url', { registries: [{ source: 'docker.io', mirrors: [{ path: 'mount' }] }] }, 'url'],
    [
      'an unknown path mode',
      { registries: [{ source: 'a.io', mirrors: [{ url: 'https://m', path: 'x' }] }] },
      'path',
    ],
    [
      'maxUnavailable 0',
      { registries: [{ source: 'a.io', mirrors: [{ url: 'https://m' }] }], rollout: { maxUnavailable: 0 } },
      'maxUnavailable',
    ],
    [
      'maxUnavailable "ten"',
      {
        registries: [{ source: 'a.io', mirrors: [{ url: 'https://m' }] }],
        rollout: { maxUnavailable: 'ten' },
      },
      'maxUnavailable',
    ],
    [
      'a bad selector operator',
      {
        registries: [{ source: 'a.io', mirrors: [{ url: 'https://m' }] }],
        nodeSelector: { matchExpressions: [{ key: 'a', operator: 'Gt' }] },
      },
      'operator',
    ],
  ])('the schema refuses %s', (_name, spec, where) => {
    const r = validateAgainstCrd(setSchema, {
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorSet',
      metadata: { name: 'a' },
      spec,
    });
    expect(r.errors.join('\n')).toContain(where);
  });

  it('reports what the API server would prune (a typo is not silently kept)', () => {
    const spec = { registries: [{ source: 'a.io', mirrors: [{ url: 'https://m', pathh: 'mount' }] }] };
    const r = validateAgainstCrd(setSchema, {
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorSet',
      metadata: { name: 'a' },
      spec,
    });
    expect(r.pruned).toEqual(['spec.registries[0].mirrors[0].pathh']);
  });
});

describe('status and MirrorNode documents', () => {
  const status = {
    observedGeneration: 3,
    revision: '0123456789ab',
    nodes: { total: 3, updated: 2, ready: 2, pendingRestart: 1, failed: 0 },
    wave: { number: 1, nodes: ['n3'], phase: 'Soaking', soakUntil: TIME },
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'Progressing',
        message: '2/3 nodes',
        lastTransitionTime: TIME,
        observedGeneration: 3,
      },
    ],
    notReadyNodes: [{ name: 'n3', state: 'PendingRestart', message: 'waiting for wave 1' }],
    history: [{ revision: '0123456789ab', controllerRevision: 'mirrorset-a-0123456789ab', appliedAt: TIME }],
  };

  it('a MirrorSet status passes the CRD schema and the zod schema', () => {
    const doc = {
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorSet',
      metadata: { name: 'a' },
      spec: { registries: [{ source: 'a.io', mirrors: [{ url: 'https://m' }] }] },
      status,
    };
    const r = validateAgainstCrd(setSchema, doc);
    expect([...r.errors, ...r.pruned]).toEqual([]);
    expect(mirrorSetStatusSchema.parse(status)).toEqual(status);
  });

  it('a MirrorNode passes the CRD schema and the zod schema; a bad state does neither', () => {
    const node = {
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorNode',
      metadata: { name: 'n1' },
      spec: {
        mirrorSet: 'a',
        revision: '0123456789ab',
        controllerRevision: 'mirrorset-a-0123456789ab',
        mode: 'apply',
        target: 'containerd',
        permit: {
          revision: '0123456789ab',
          wave: 0,
          grantedAt: TIME,
          action: 'restart',
          job: 'mirrorctl-apply-n1-0123456789ab',
        },
      },
      status: {
        observedRevision: '0123456789ab',
        appliedRevision: '0123456789ab',
        state: 'Applied',
        action: 'none',
        runtime: 'containerd://2.1.9',
        driftRepairs: 0,
        lastApplied: TIME,
        warnings: ['plan.target.nothing-selected'],
      },
    };
    const r = validateAgainstCrd(nodeSchema, node);
    expect([...r.errors, ...r.pruned]).toEqual([]);
    expect(mirrorNodeObjectSchema.parse(node)).toEqual(node);
    const bad = { ...node, status: { ...node.status, state: 'Done' } };
    expect(validateAgainstCrd(nodeSchema, bad).errors.join()).toContain('/status/state');
    expect(mirrorNodeObjectSchema.safeParse(bad).success).toBe(false);
  });
});
