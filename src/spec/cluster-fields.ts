// The spec fields only cluster mode reads — `spec.nodeSelector` (which nodes) and `spec.rollout`
// (how fast) — as zod schemas with their syntax checks. Node-level verbs (apply, plan, render…)
// accept and ignore them, so one mirrors.yaml serves both `kubectl apply -f` and `mirrorctl apply -f`.
import { z } from 'zod';
import type { Finding } from './finding.js';

// Kubernetes label syntax (k8s.io/apimachinery/pkg/util/validation/validation.go:
// IsQualifiedName, IsValidLabelValue; DNS-1123 subdomain for the key prefix).
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** `maxUnavailable` as a percentage of the selected nodes, 1–100 (Deployment-style intOrString). */
export const PERCENT = /^(100|[1-9][0-9]?)%$/;

export function checkLabelKey(key: string): Finding[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  if (prefixOk && name.length <= 63 && NAME_PART.test(name)) return [];
  return [
    {
      code: 'spec.node-selector.key',
      message: `label key ${JSON.stringify(key)} is not a Kubernetes label key`,
      hint: 'an optional DNS prefix and "/", then 1–63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (e.g. node-role.kubernetes.io/worker)',
    },
  ];
}

export function checkLabelValue(value: string): Finding[] {
  if (value === '' || (value.length <= 63 && NAME_PART.test(value))) return [];
  return [
    {
      code: 'spec.node-selector.value',
      message: `label value ${JSON.stringify(value)} is not a Kubernetes label value`,
      hint: 'at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    },
  ];
}

export function checkMaxUnavailable(value: number | string): Finding[] {
  if (typeof value === 'number' ? value >= 1 : PERCENT.test(value)) return [];
  return [
    {
      code: 'spec.rollout.max-unavailable',
      message: `maxUnavailable ${JSON.stringify(value)} is neither a count ≥ 1 nor a percentage 1%–100%`,
      hint: 'write a node count such as 2, or a share of the selected nodes such as "10%"',
    },
  ];
}

const reportFindings =
  <T>(check: (value: T) => readonly Finding[]) =>
  (value: T, ctx: z.RefinementCtx): void => {
    for (const f of check(value))
      ctx.addIssue({ code: 'custom', message: f.message, params: { code: f.code, hint: f.hint } });
  };

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

const labelKey = z.string().superRefine(reportFindings(checkLabelKey));
const labelValue = z.string().superRefine(reportFindings(checkLabelValue));

// metav1.LabelSelectorRequirement; the operator/values rule is ValidateLabelSelectorRequirement
// (k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go).
const requirementSchema = z
  .strictObject({
    key: labelKey.meta({ description: 'Node label key.' }),
    operator: z.enum(SELECTOR_OPERATORS).meta({ description: 'In, NotIn, Exists or DoesNotExist.' }),
    values: z
      .array(labelValue)
      .optional()
      .meta({ description: 'Required (non-empty) for In/NotIn, forbidden for Exists/DoesNotExist.' }),
  })
  .superRefine((r, ctx) => {
    const n = r.values?.length ?? 0;
    const needs = r.operator === 'In' || r.operator === 'NotIn';
    if (needs && n === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `operator ${r.operator} needs at least one value`,
        params: { code: 'spec.node-selector.values', hint: 'list the label values, e.g. values: [a, b]' },
      });
    if (!needs && r.values !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `operator ${r.operator} takes no values`,
        params: { code: 'spec.node-selector.values', hint: 'remove `values`' },
      });
  });

export const nodeSelectorSchema = z
  .strictObject({
    matchLabels: z
      .record(labelKey, labelValue)
      .optional()
      .meta({ description: 'Node labels that must all match exactly.' }),
    matchExpressions: z
      .array(requirementSchema)
      .optional()
      .meta({ description: 'Label requirements that must all hold.' }),
  })
  .meta({
    description:
      'Cluster mode only: which nodes get this MirrorSet (a Kubernetes LabelSelector). Default: every node except the control plane (node-role.kubernetes.io/control-plane) unless rollout.includeControlPlane.',
  });

const drainSchema = z
  .strictObject({
    enabled: z.boolean().default(false).meta({ description: 'Cordon and drain a node around its restart.' }),
    timeoutSeconds: z
      .int()
      .min(1)
      .default(300)
      .meta({ description: 'Give up draining after this long (PodDisruptionBudgets may block evictions).' }),
  })
  .meta({ description: 'Cordon + PDB-respecting eviction before a runtime restart, uncordon after.' });

export const DRAIN_DEFAULTS = { enabled: false, timeoutSeconds: 300 } as const;

export const ROLLOUT_DEFAULTS = {
  maxUnavailable: 1,
  canary: 1,
  soakSeconds: 60,
  pauseOnFailure: true,
  drain: DRAIN_DEFAULTS,
  restartTimeoutSeconds: 300,
  includeControlPlane: false,
} as const;

export const rolloutSchema = z
  .strictObject({
    // Checked by a refinement (one clear finding) rather than by each branch; `minimum` and
    // `pattern` in the metadata describe the same rule in the JSON Schema and the CRD (JSON Schema
    // applies each only to its own instance type).
    maxUnavailable: z
      .union([z.int(), z.string()])
      .superRefine(reportFindings(checkMaxUnavailable))
      .default(ROLLOUT_DEFAULTS.maxUnavailable)
      .meta({
        description:
          'Most nodes restarting (or NotReady) at once in a restart wave: a count ≥ 1 or a percentage of the selected nodes ("10%", rounded down, at least 1).',
        minimum: 1,
        pattern: PERCENT.source,
      }),
    canary: z
      .int()
      .min(0)
      .default(ROLLOUT_DEFAULTS.canary)
      .meta({ description: 'Nodes restarted first, in a wave of their own (0 = no canary wave).' }),
    soakSeconds: z.int().min(0).default(ROLLOUT_DEFAULTS.soakSeconds).meta({
      description: 'After each wave, every node of it must stay Ready and healthy this long before the next.',
    }),
    pauseOnFailure: z.boolean().default(ROLLOUT_DEFAULTS.pauseOnFailure).meta({
      description: 'A failed or rolled-back node pauses the rollout (no new restarts) until resumed.',
    }),
    drain: drainSchema.default(DRAIN_DEFAULTS),
    restartTimeoutSeconds: z.int().min(1).default(ROLLOUT_DEFAULTS.restartTimeoutSeconds).meta({
      description: "A node's restart (Job, health check included) fails after this long.",
    }),
    includeControlPlane: z.boolean().default(ROLLOUT_DEFAULTS.includeControlPlane).meta({
      description: 'Also configure control-plane nodes when nodeSelector is not set.',
    }),
  })
  .meta({
    description:
      'Cluster mode only: how the controller restarts runtimes. Changes that need no restart (hosts.toml) reach every node at once.',
  });

export type NodeSelectorInput = z.output<typeof nodeSelectorSchema>;
export type RolloutInput = z.output<typeof rolloutSchema>;
