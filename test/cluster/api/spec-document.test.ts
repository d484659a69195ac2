// The MirrorSet document both ways: the file spec accepts the CRD's apiVersion as well as the
// original one (same normalized spec, same hash), and the cluster-only fields (nodeSelector,
// rollout) are checked with clear findings and defaulted, while node-level verbs ignore them.
import { describe, expect, it } from 'vitest';
import { specHash } from '../../../src/spec/hash.js';
import { mirrorSetInputSchema } from '../../../src/spec/schema.js';
import { validateSpec } from '../../../src/spec/validate.js';

const doc = (apiVersion: string, extra = ''): string =>
  `apiVersion: ${apiVersion}\nkind: MirrorSet\nmetadata: {name: a}\nspec:\n  registries:\n    - source: docker.io\n      mirrors: [{url: "https://m.example.com"}]\n${extra}`;

const codes = (text: string): Array<[string, string | undefined]> =>
  validateSpec(text, 'mirrors.yaml').diagnostics.map((d) => [d.code, d.field]);

describe('apiVersion', () => {
  it('mirrorctl.io/v1alpha1 and mirrorctl/v1 are one document: same normalized spec, same hash', () => {
    const a = validateSpec(doc('mirrorctl.io/v1alpha1'), 'a.yaml').spec;
    const b = validateSpec(doc('mirrorctl/v1'), 'b.yaml').spec;
    expect(a).toBeDefined();
    expect(a).toEqual(b);
    if (a && b) expect(specHash(a)).toBe(specHash(b));
  });

  it('any other apiVersion is refused, naming both accepted ones', () => {
    const d = validateSpec(doc('mirrorctl/v2'), 'm.yaml').diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]?.code).toBe('spec.api-version');
    expect(d[0]?.message).toContain('"mirrorctl.io/v1alpha1"');
    expect(d[0]?.message).toContain('"mirrorctl/v1"');
  });
});

describe('spec.rollout and spec.nodeSelector', () => {
  it('rollout defaults when absent (and inside a partial rollout)', () => {
    const out = mirrorSetInputSchema.parse({
      apiVersion: 'mirrorctl.io/v1alpha1',
      kind: 'MirrorSet',
      metadata: { name: 'a' },
      spec: {
        registries: [{ source: 'docker.io', mirrors: [{ url: 'https://m' }] }],
        rollout: { canary: 0 },
      },
    });
    expect(out.spec.rollout).toEqual({
      maxUnavailable: 1,
      canary: 0,
      soakSeconds: 60,
      pauseOnFailure: true,
      drain: { enabled: false, timeoutSeconds: 300 },
      restartTimeoutSeconds: 300,
      includeControlPlane: false,
    });
    expect(out.spec.nodeSelector).toBeUndefined();
  });

  it('node-level verbs ignore them: the normalized spec and its hash do not change', () => {
    const plain = validateSpec(doc('mirrorctl.io/v1alpha1'), 'a.yaml').spec;
    const cluster = validateSpec(
      doc(
        'mirrorctl.io/v1alpha1',
        '  nodeSelector: {matchLabels: {pool: a}}\n  rollout: {maxUnavailable: "25%", canary: 2, drain: {enabled: true}}\n',
      ),
      'a.yaml',
    ).spec;
    expect(cluster).toEqual(plain);
  });

  it.each([
    [
      'maxUnavailable 0',
      '  rollout: {maxUnavailable: 0}\n',
      'spec.rollout.max-unavailable',
      'spec.rollout.maxUnavailable',
    ],
    [
      'maxUnavailable 101%',
      '  rollout: {maxUnavailable: "101%"}\n',
      'spec.rollout.max-unavailable',
      'spec.rollout.maxUnavailable',
    ],
    ['negative canary', '  rollout: {canary: -1}\n', 'spec.too-small', 'spec.rollout.canary'],
    ['unknown rollout field', '  rollout: {maxSurge: 1}\n', 'spec.unknown-field', 'spec.rollout.maxSurge'],
    [
      'In without values',
      '  nodeSelector: {matchExpressions: [{key: pool, operator: In}]}\n',
      'spec.node-selector.values',
      'spec.nodeSelector.matchExpressions[0].values',
    ],
    [
      'Exists with values',
      '  nodeSelector: {matchExpressions: [{key: pool, operator: Exists, values: [a]}]}\n',
      'spec.node-selector.values',
      'spec.nodeSelector.matchExpressions[0].values',
    ],
    [
      'bad key',
      '  nodeSelector: {matchLabels: {"a b": x}}\n',
      'spec.node-selector.key',
      'spec.nodeSelector.matchLabels["a b"]',
    ],
    [
      'bad value',
      '  nodeSelector: {matchLabels: {pool: "-x"}}\n',
      'spec.node-selector.value',
      'spec.nodeSelector.matchLabels.pool',
    ],
    [
      'bad operator',
      '  nodeSelector: {matchExpressions: [{key: pool, operator: Gt, values: ["1"]}]}\n',
      'spec.enum',
      'spec.nodeSelector.matchExpressions[0].operator',
    ],
  ])('%s → %s at %s', (_name, extra, code, field) => {
    expect(codes(doc('mirrorctl.io/v1alpha1', extra))).toContainEqual([code, field]);
  });

  it('accepts the LabelSelector shapes Kubernetes accepts', () => {
    const ok = doc(
      'mirrorctl.io/v1alpha1',
      '  nodeSelector:\n    matchLabels: {"node-role.kubernetes.io/worker": "", pool: a.b_c-1}\n    matchExpressions:\n      - {key: example.com/spot, operator: DoesNotExist}\n      - {key: zone, operator: NotIn, values: [a, b]}\n  rollout: {maxUnavailable: "100%"}\n',
    );
    expect(codes(ok)).toEqual([]);
  });
});
