// events.k8s.io/v1 Events regarding a MirrorNode, as the agent and the apply Job report them (pure):
// what happened on the node (Applied, Restarted, Reloaded, RolledBack, DriftRepaired, Failed,
// Uninstalled), named and bounded the way the API server validates them.
import { maskUrlPasswords } from '../../plan/secret-values.js';
import { API_VERSION, MIRRORNODE } from '../api/group.js';

/**
 * An Event with eventTime set that regards a cluster-scoped object (regarding.namespace empty) must
 * live in `default` or `kube-system`: the API server rejects any other namespace (422,
 * k8s.io/kubernetes pkg/apis/core/validation/events.go legacyValidateEvent), and client-go's
 * events recorder puts such Events in `default` (tools/events/event_recorder.go).
 */
export const EVENTS_NAMESPACE = 'default';

/** reportingController: a qualified name (validation: IsQualifiedName). */
export const REPORTING_CONTROLLER = 'mirrorctl.io/agent';

export const EVENT_REASONS = {
  applied: 'Applied',
  restarted: 'Restarted',
  reloaded: 'Reloaded',
  rolledBack: 'RolledBack',
  driftRepaired: 'DriftRepaired',
  failed: 'Failed',
  uninstalled: 'Uninstalled',
} as const;
export type EventReason = (typeof EVENT_REASONS)[keyof typeof EVENT_REASONS];

const ACTIONS: Record<EventReason, string> = {
  Applied: 'Apply',
  Restarted: 'Restart',
  Reloaded: 'Reload',
  RolledBack: 'Rollback',
  DriftRepaired: 'RepairDrift',
  Failed: 'Apply',
  Uninstalled: 'Uninstall',
};
const WARNINGS: ReadonlySet<EventReason> = new Set(['RolledBack', 'Failed']);

// Limits from events.go: reportingInstance 128, note 1024; object names 253 (DNS-1123 subdomain).
const INSTANCE_LIMIT = 128;
const NOTE_LIMIT = 1024;
const NAME_LIMIT = 253;

export interface EventInput {
  reason: EventReason;
  note: string;
  /** The MirrorNode regarded (its uid and resourceVersion when known). */
  node: { name: string; uid?: string; resourceVersion?: string };
  /** Who reports: the agent pod, or the apply Job (`mirrorctl-apply-<node>-<rev>`). */
  instance: string;
  now: Date;
  /** Distinguishes Events of the same millisecond (a per-process counter). */
  seq: number;
}

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** metav1.MicroTime: RFC 3339 with microseconds. */
export const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export function buildEvent(e: EventInput): Record<string, unknown> {
  // client-go names Events `<regarding name>.<unix nanoseconds in hex>` (tools/events).
  const suffix = `.${(BigInt(e.now.getTime()) * 1_000_000n + BigInt(e.seq % 1_000_000)).toString(16)}`;
  const name = `${e.node.name.slice(0, NAME_LIMIT - suffix.length).replace(/[-.]+$/, '')}${suffix}`;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name, namespace: EVENTS_NAMESPACE },
    eventTime: microTime(e.now),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: clip(e.instance, INSTANCE_LIMIT),
    action: ACTIONS[e.reason],
    reason: e.reason,
    type: WARNINGS.has(e.reason) ? 'Warning' : 'Normal',
    note: clip(maskUrlPasswords(e.note), NOTE_LIMIT),
    regarding: {
      apiVersion: API_VERSION,
      kind: MIRRORNODE.kind,
      name: e.node.name,
      ...(e.node.uid ? { uid: e.node.uid } : {}),
      ...(e.node.resourceVersion ? { resourceVersion: e.node.resourceVersion } : {}),
    },
  };
}
