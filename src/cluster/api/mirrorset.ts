// MirrorSet as a Kubernetes object: the spec is the file spec's (src/spec/schema.ts, one schema for
// `kubectl apply -f` and `mirrorctl apply -f`), the status is written only by the controller through
// /status. zod schemas here are what the CLI and the CRD generator read; API objects are parsed
// leniently (unknown fields dropped: a newer controller may add some), the spec document strictly.
import { z } from 'zod';
import { nodeSelectorSchema, rolloutSchema } from '../../spec/cluster-fields.js';
import { mirrorSetInputSchema } from '../../spec/schema.js';
import { conditionsSchema } from './conditions.js';
import { API_VERSION, MIRRORSET } from './group.js';

/** A revision: the first 12 hex chars of the normalized spec's sha256 (spec/hash.ts). */
export const REVISION_PATTERN = /^[0-9a-f]{12}$/;
export const revisionOf = (specHash: string): string => specHash.slice(0, 12);
const revision = z.string().regex(REVISION_PATTERN);

export const HISTORY_LIMIT = 5;
export const NOT_READY_LIMIT = 20;
export const WAVE_PHASES = ['Restarting', 'Soaking', 'Done'] as const;

const count = z.int().min(0);

export const mirrorSetStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional(),
    revision: revision.optional().meta({ description: 'The current spec revision (spec hash, 12 hex).' }),
    nodes: z
      .object({
        total: count.meta({ description: 'Nodes the MirrorSet selects.' }),
        updated: count.meta({ description: 'Nodes that applied the current revision.' }),
        ready: count.meta({ description: 'Updated nodes that are Ready and healthy.' }),
        pendingRestart: count.meta({ description: 'Nodes waiting for a restart/reload permit.' }),
        failed: count.meta({ description: 'Nodes that failed or rolled back.' }),
      })
      .optional(),
    wave: z
      .object({
        number: count.meta({ description: '0 is the canary wave.' }),
        nodes: z.array(z.string()).max(1000),
        phase: z.enum(WAVE_PHASES),
        soakUntil: z.string().meta({ format: 'date-time' }).optional(),
      })
      .optional()
      .meta({ description: 'The restart wave in progress (or the last one).' }),
    conditions: conditionsSchema.optional(),
    notReadyNodes: z
      .array(z.object({ name: z.string(), state: z.string(), message: z.string().max(1024) }))
      .max(NOT_READY_LIMIT)
      .optional()
      .meta({ description: `Up to ${NOT_READY_LIMIT} nodes not Applied, for kubectl describe.` }),
    history: z
      .array(
        z.object({
          revision,
          controllerRevision: z.string(),
          appliedAt: z.string().meta({ format: 'date-time' }),
        }),
      )
      .max(HISTORY_LIMIT)
      .optional()
      .meta({ description: `The last ${HISTORY_LIMIT} revisions, newest first (rollback --cluster).` }),
    observedResumeToken: z
      .string()
      .optional()
      .meta({ description: 'The mirrorctl.io/resume annotation value the controller acted on last.' }),
  })
  .meta({ description: 'Written by the controller only.' });
export type MirrorSetStatus = z.output<typeof mirrorSetStatusSchema>;

/** The spec part of the CRD schema: exactly the file spec's `spec`. */
export const mirrorSetSpecSchema = mirrorSetInputSchema.shape.spec;

/** The metadata fields every mirrorctl object is read with (MirrorSet and MirrorNode alike). */
export const objectIdentityFields = {
  name: z.string(),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  uid: z.string().optional(),
};
export const labelsField = z.record(z.string(), z.string()).optional();

/** A MirrorSet read from the API: metadata as the server sends it, spec as stored. The spec is
 *  validated separately with validateSpec(specDocumentOf(obj)) for the diagnostics. */
export const mirrorSetObjectSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(MIRRORSET.kind),
  metadata: z
    .object({
      ...objectIdentityFields,
      deletionTimestamp: z.string().optional(),
      finalizers: z.array(z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
      labels: labelsField,
    })
    .loose(),
  spec: z.record(z.string(), z.unknown()),
  status: mirrorSetStatusSchema.optional(),
});
export type MirrorSetObject = z.output<typeof mirrorSetObjectSchema>;

/** The spec document of an API object, as a file would hold it: what validateSpec and the
 *  ControllerRevision get (server-set metadata and status left out, so they never change the hash). */
export function specDocumentOf(obj: Pick<MirrorSetObject, 'metadata' | 'spec'>): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: MIRRORSET.kind,
    metadata: { name: obj.metadata.name },
    spec: obj.spec,
  };
}

/** The cluster-only fields of a stored spec, defaults applied (the API server applies the same
 *  defaults from the CRD schema, so an object written by an older client reads the same). */
export const clusterFieldsSchema = z.object({
  nodeSelector: nodeSelectorSchema.optional(),
  rollout: rolloutSchema.default(rolloutSchema.parse({})),
});
export type ClusterFields = z.output<typeof clusterFieldsSchema>;
