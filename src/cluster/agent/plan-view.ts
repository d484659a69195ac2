// What the agent reads from a node plan (pure): the refusal (with whether the node is simply not
// supported), the file changes, the runtime action, the target and runtime as MirrorNode names them,
// the warning codes — so the decisions (decide.ts) and the status (node-status.ts) need no planner.
import type { Diagnostic } from '../../diagnostics.js';
import type { RuntimeAction } from '../../plan/types.js';
import type { NodePlan } from '../../planner/plan-node.js';
import type { NodeTarget } from '../api/meta.js';

export interface PlanView {
  refusal?: { message: string; unsupported: boolean };
  changes: { path: string; kind: 'create' | 'update' | 'delete' }[];
  action: RuntimeAction;
  /** The node's target as the mirrorctl.io/target label names it. */
  detectedTarget?: NodeTarget;
  /** `containerd://1.7.24`, as kubelet reports containerRuntimeVersion. */
  runtime?: string;
  warnings: string[];
  /** An interrupted transaction (its id) the next apply recovers first. */
  interrupted?: string;
}

export interface UninstallView {
  /** mirrorctl's state is on the node: there is something to uninstall (files, or its state dir). */
  present: boolean;
  /** Another transaction holds the node's lock: ask again shortly. */
  busy?: boolean;
  /** Files the uninstall would restore (or delete). */
  files: string[];
  action: RuntimeAction;
  refusal?: string;
}

/** Findings that mean "mirrorctl does not manage this node" rather than "something is wrong". */
const UNSUPPORTED_CODES = new Set(['plan.runtime.not-found', 'plan.distribution.owns-files']);

/** kubelet's runtime names (containerRuntimeVersion `<name>://<version>`). */
const WIRE = { containerd: 'containerd', crio: 'cri-o', docker: 'docker' } as const;

export const describeDiagnostic = (d: Diagnostic): string =>
  `${d.file ? `${d.file}: ` : ''}${d.field ? `${d.field}: ` : ''}${d.message}${d.hint ? ` (${d.hint})` : ''}`;

export const warningCodes = (ds: readonly Diagnostic[]): string[] => [
  ...new Set(ds.filter((d) => d.severity === 'warning').map((d) => d.code)),
];

export function viewOf(p: NodePlan): PlanView {
  const d = p.detection;
  const dist = d?.distribution;
  const detectedTarget: NodeTarget | undefined =
    dist === 'k3s' || dist === 'rke2'
      ? dist
      : p.target === 'containerd' || p.target === 'containerd-legacy'
        ? 'containerd'
        : p.target;
  const runtime =
    d && d.runtime !== 'unknown'
      ? `${WIRE[d.runtime]}://${d.versionText ?? d.version ?? 'unknown'}`
      : undefined;
  const base = {
    ...(detectedTarget ? { detectedTarget } : {}),
    ...(runtime ? { runtime } : {}),
    warnings: warningCodes(p.diagnostics),
    ...(p.interrupted ? { interrupted: p.interrupted.txid } : {}),
  };
  const errors = p.diagnostics.filter((x) => x.severity === 'error');
  if (!p.plan || p.refusal !== 0) {
    const first = errors[0];
    return {
      ...base,
      refusal: {
        message: first
          ? `${describeDiagnostic(first)}${errors.length > 1 ? ` (and ${errors.length - 1} more error(s))` : ''}`
          : 'the node cannot be planned for',
        unsupported: errors.length > 0 && errors.every((x) => UNSUPPORTED_CODES.has(x.code)),
      },
      changes: [],
      action: { kind: 'none', service: 'containerd', reason: 'nothing planned' },
    };
  }
  return {
    ...base,
    changes: p.plan.changes.map((c) => ({ path: c.path, kind: c.kind })),
    action: p.plan.action,
  };
}
