// metav1.Condition as a zod schema (k8s.io/apimachinery/pkg/apis/meta/v1/types.go: Condition, with
// the same patterns and bounds), the condition types and reasons MirrorSet and MirrorNode use, and
// setCondition, which keeps lastTransitionTime when only the reason or message changes.
import { z } from 'zod';

// Patterns as written on metav1.Condition (kubebuilder markers there), valid RE2 for the CRD.
const TYPE_PATTERN =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

export const conditionSchema = z
  .object({
    type: z.string().max(316).regex(TYPE_PATTERN).meta({ description: 'CamelCase condition type.' }),
    status: z.enum(['True', 'False', 'Unknown']),
    observedGeneration: z.int().min(0).optional(),
    lastTransitionTime: z.string().meta({ format: 'date-time' }),
    reason: z.string().min(1).max(1024).regex(REASON_PATTERN),
    message: z.string().max(32768),
  })
  .meta({ description: 'A metav1.Condition.' });
export type Condition = z.output<typeof conditionSchema>;

/** Conditions as a list keyed by `type` (server-side apply merges by it). */
export const conditionsSchema = z
  .array(conditionSchema)
  .max(16)
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

/** MirrorSet conditions. Ready's reason is what `kubectl get mirrorsets` shows as STATUS. */
export const MIRRORSET_CONDITIONS = {
  /** Every selected node applied the current revision and is healthy. */
  ready: 'Ready',
  /** Nodes are still moving to the current revision. */
  progressing: 'Progressing',
  /** A node failed, rolled back, or went NotReady during a soak. */
  degraded: 'Degraded',
  /** No new restart permits are handed out. */
  paused: 'Paused',
} as const;

/** Reasons of the Ready condition (True: Ready; False: one of the others) = the STATUS column. */
export const READY_REASONS = {
  ready: 'Ready',
  progressing: 'Progressing',
  paused: 'Paused',
  degraded: 'Degraded',
  /** The spec failed mirrorctl's own validation (beyond what the CRD schema can check). */
  invalidSpec: 'InvalidSpec',
  /** Deleted; nodes are being uninstalled (the finalizer holds the object). */
  uninstalling: 'Uninstalling',
} as const;

/** Reasons of the Paused condition. */
export const PAUSE_REASONS = {
  waveFailed: 'WaveFailed',
  nodeNotReady: 'NodeNotReady',
  /** Two MirrorSets select the same node: it gets neither new revision. */
  conflict: 'Conflict',
  manual: 'Manual',
} as const;

/** MirrorNode conditions (written by the agent and the apply Job). */
export const MIRRORNODE_CONDITIONS = {
  /** The node runs the desired revision and the runtime is healthy. */
  ready: 'Ready',
  /** The files on disk differ from what mirrorctl wrote. */
  drifted: 'Drifted',
} as const;

/**
 * The conditions with `next` set: lastTransitionTime moves only when the status changes (the
 * metav1 convention, meta.SetStatusCondition in k8s.io/apimachinery/pkg/api/meta/conditions.go).
 */
export function setCondition(
  conditions: readonly Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  now: Date,
): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  const lastTransitionTime =
    old && old.status === next.status ? old.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const merged: Condition = { ...next, lastTransitionTime };
  return old ? conditions.map((c) => (c.type === next.type ? merged : c)) : [...conditions, merged];
}

export const findCondition = (
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined => conditions?.find((c) => c.type === type);
