// The MirrorSet and MirrorNode CustomResourceDefinitions (apiextensions.k8s.io/v1), their schemas
// generated from the zod schemas (MirrorSet's spec is the file spec's: one schema for
// `kubectl apply -f mirrors.yaml` and `mirrorctl apply -f mirrors.yaml`). Pure; deploy/crds.yaml.
import type { z } from 'zod';
import {
  API_VERSION,
  CATEGORIES,
  crdName,
  GROUP,
  MIRRORNODE,
  MIRRORSET,
  type ResourceNames,
  VERSION,
} from './group.js';
import { managedLabels } from './meta.js';
import { mirrorNodeSpecSchema, mirrorNodeStatusSchema } from './mirrornode.js';
import { mirrorSetSpecSchema, mirrorSetStatusSchema } from './mirrorset.js';
import { type JsonSchema, zodToStructural } from './openapi.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export const MIRRORSET_COLUMNS: PrinterColumn[] = [
  {
    name: 'Ready',
    type: 'integer',
    jsonPath: '.status.nodes.ready',
    description: 'Updated nodes Ready and healthy',
  },
  {
    name: 'Updated',
    type: 'integer',
    jsonPath: '.status.nodes.updated',
    description: 'Nodes on the current revision',
  },
  { name: 'Total', type: 'integer', jsonPath: '.status.nodes.total', description: 'Selected nodes' },
  {
    name: 'Status',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
    description: 'Ready, Progressing, Paused, Degraded, InvalidSpec or Uninstalling',
  },
  { name: 'Revision', type: 'string', jsonPath: '.status.revision', description: 'Current spec revision' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

export const MIRRORNODE_COLUMNS: PrinterColumn[] = [
  { name: 'State', type: 'string', jsonPath: '.status.state' },
  { name: 'Revision', type: 'string', jsonPath: '.status.appliedRevision', description: 'Revision in force' },
  { name: 'Desired', type: 'string', jsonPath: '.spec.revision', description: 'Revision wanted' },
  { name: 'Runtime', type: 'string', jsonPath: '.status.runtime' },
  { name: 'Drift', type: 'integer', jsonPath: '.status.driftRepairs', description: 'Drift repairs so far' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

/** The root of a CRD schema: apiVersion/kind/metadata as Kubernetes wants them, spec and status. */
function rootSchema(description: string, spec: z.ZodType, status: z.ZodType): JsonSchema {
  return {
    type: 'object',
    description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: zodToStructural(spec),
      status: zodToStructural(status),
    },
  };
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: ResourceNames & { categories: string[] };
    scope: 'Cluster';
    versions: Array<{
      name: string;
      served: true;
      storage: true;
      schema: { openAPIV3Schema: JsonSchema };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
    }>;
  };
}

function crd(names: ResourceNames, schema: JsonSchema, columns: PrinterColumn[]): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(names), labels: managedLabels() },
    spec: {
      group: GROUP,
      names: { ...names, categories: [...CATEGORIES] },
      scope: 'Cluster',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          // Only the controller (MirrorSet) or the node's agent (MirrorNode) may write status, and
          // a status write never bumps metadata.generation.
          subresources: { status: {} },
          additionalPrinterColumns: columns,
        },
      ],
    },
  };
}

export const buildMirrorSetCrd = (): CustomResourceDefinition =>
  crd(
    MIRRORSET,
    rootSchema(
      `Registry mirrors for a set of nodes (${API_VERSION}); the same document mirrorctl reads from a file.`,
      mirrorSetSpecSchema,
      mirrorSetStatusSchema,
    ),
    MIRRORSET_COLUMNS,
  );

export const buildMirrorNodeCrd = (): CustomResourceDefinition =>
  crd(
    MIRRORNODE,
    rootSchema(
      'One node: the revision the controller wants (spec) and what the node runs (status). Named like the Node.',
      mirrorNodeSpecSchema,
      mirrorNodeStatusSchema,
    ),
    MIRRORNODE_COLUMNS,
  );

export const buildCrds = (): CustomResourceDefinition[] => [buildMirrorSetCrd(), buildMirrorNodeCrd()];
