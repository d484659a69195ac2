// MirrorNode: one per node (named like the Node, owned by it), desired state on spec (written by the
// controller), current state on status (written by that node's agent and apply Job through
// /status). The agent treats what it reads here as input: parse with mirrorNodeObjectSchema.
import { z } from 'zod';
import { conditionsSchema } from './conditions.js';
import { API_VERSION, MIRRORNODE } from './group.js';
import { NODE_TARGETS } from './meta.js';
import { labelsField, objectIdentityFields, REVISION_PATTERN } from './mirrorset.js';

export const NODE_MODES = ['apply', 'uninstall'] as const;
export type NodeMode = (typeof NODE_MODES)[number];

/** Where a node stands (status.state). */
export const NODE_STATES = [
  'Applied',
  'PendingRestart',
  'PendingReload',
  'Applying',
  'Drifted',
  'Failed',
  'RolledBack',
  'Uninstalled',
  'Unsupported',
] as const;
export type NodeState = (typeof NODE_STATES)[number];

/** States that need a permit (a runtime action the long-running agent may not perform). */
export const PENDING_STATES: ReadonlySet<NodeState> = new Set(['PendingRestart', 'PendingReload']);
/** States that pause a rollout (pauseOnFailure). */
export const FAILED_STATES: ReadonlySet<NodeState> = new Set(['Failed', 'RolledBack']);

export const RUNTIME_ACTIONS = ['none', 'reload', 'restart'] as const;
export type RuntimeAction = (typeof RUNTIME_ACTIONS)[number];

const revision = z.string().regex(REVISION_PATTERN);
const time = z.string().meta({ format: 'date-time' });

export const permitSchema = z
  .object({
    revision,
    wave: z.int().min(0),
    grantedAt: time,
    action: z.enum(['reload', 'restart']).default('restart').meta({
      description: 'The strongest runtime action the permit allows: a reload permit never allows a restart.',
    }),
    job: z.string().optional().meta({ description: 'The apply Job executing the permit.' }),
  })
  .meta({ description: 'The node may perform its runtime action (restart/reload) for this revision.' });
export type Permit = z.output<typeof permitSchema>;

export const mirrorNodeSpecSchema = z
  .object({
    mirrorSet: z.string().meta({ description: 'The MirrorSet that owns this node.' }),
    revision: revision.meta({ description: 'Desired revision.' }),
    controllerRevision: z
      .string()
      .meta({ description: 'ControllerRevision (namespace mirrorctl) holding the spec of `revision`.' }),
    mode: z.enum(NODE_MODES).default('apply'),
    target: z
      .enum(NODE_TARGETS)
      .optional()
      .meta({ description: "What the controller expects from the Node's nodeInfo." }),
    permit: permitSchema.optional(),
  })
  .meta({ description: 'Written by the controller only.' });
export type MirrorNodeSpec = z.output<typeof mirrorNodeSpecSchema>;

export const mirrorNodeStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional(),
    observedRevision: revision.optional().meta({ description: 'The revision the agent last planned.' }),
    appliedRevision: revision.optional().meta({ description: 'The revision in force on the node.' }),
    state: z.enum(NODE_STATES).optional(),
    action: z.enum(RUNTIME_ACTIONS).optional().meta({ description: 'The runtime action the plan needs.' }),
    runtime: z.string().optional().meta({ description: 'Runtime and version, e.g. containerd://2.1.9.' }),
    target: z.string().optional().meta({ description: 'The target mirrorctl detected on the node.' }),
    message: z.string().max(4096).optional(),
    driftRepairs: z.int().min(0).optional().meta({ description: 'On-disk drift repaired so far.' }),
    lastApplied: time.optional(),
    conditions: conditionsSchema.optional(),
    warnings: z
      .array(z.string())
      .max(32)
      .optional()
      .meta({ description: 'Diagnostic codes of warnings (docs/troubleshooting.md).' }),
  })
  .meta({ description: 'Written by the node agent and the apply Job only.' });
export type MirrorNodeStatus = z.output<typeof mirrorNodeStatusSchema>;

export const mirrorNodeObjectSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(MIRRORNODE.kind),
  metadata: z.object({ ...objectIdentityFields, labels: labelsField }).loose(),
  spec: mirrorNodeSpecSchema,
  status: mirrorNodeStatusSchema.optional(),
});
export type MirrorNodeObject = z.output<typeof mirrorNodeObjectSchema>;
