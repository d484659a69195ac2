// Labels, annotations, the finalizer and the names of every object cluster mode creates: the
// contract between the manifests, the controller, the agents and the CLI. Names are DNS-1123
// (Kubernetes rejects anything else) and stay within the length their use allows.
import { createHash } from 'node:crypto';
import { GROUP } from './group.js';

export const NAMESPACE = 'mirrorctl';

/** app.kubernetes.io labels: `managed-by: mirrorctl` marks what `uninstall` may delete. */
export const APP_LABELS = {
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;
export const MANAGED_BY = 'mirrorctl';
export const managedLabels = (): Record<string, string> => ({ [APP_LABELS.managedBy]: MANAGED_BY });

/** Labels in mirrorctl's own prefix. */
export const LABELS = {
  /** On Nodes (set by the controller from status.nodeInfo): which agent DaemonSet runs there. */
  target: `${GROUP}/target`,
  /** On MirrorNodes, ControllerRevisions and Jobs: the MirrorSet they belong to. */
  mirrorSet: `${GROUP}/mirrorset`,
  /** On ControllerRevisions and apply Jobs: the revision they hold or apply. */
  revision: `${GROUP}/revision`,
  /** On agent pods and apply Jobs: the mount profile (agent DaemonSet) they belong to. */
  profile: `${GROUP}/profile`,
} as const;

/** Values of the `mirrorctl.io/target` node label; each but `unsupported` has an agent DaemonSet. */
export const NODE_TARGETS = ['containerd', 'crio', 'docker', 'k3s', 'rke2', 'unsupported'] as const;
export type NodeTarget = (typeof NODE_TARGETS)[number];

export const ANNOTATIONS = {
  /** On a MirrorSet: a new value resumes a paused rollout (`mirrorctl rollout --resume`). */
  resume: `${GROUP}/resume`,
  /** On apply Jobs: the node they run on (an annotation: node names may exceed a label's 63 chars). */
  node: `${GROUP}/node`,
} as const;

/** Deleting a MirrorSet first uninstalls it from every node; the controller then removes this. */
export const UNINSTALL_FINALIZER = `${GROUP}/uninstall`;

/** The control-plane role label; such nodes are skipped unless spec.rollout.includeControlPlane. */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

export const SERVICE_ACCOUNTS = {
  controller: 'mirrorctl-controller',
  agent: 'mirrorctl-agent',
  /** The restart/reload Job: same grants as the agent, its own identity in audit logs. */
  applyJob: 'mirrorctl-apply',
} as const;

export const CONTROLLER_NAME = 'mirrorctl-controller';
export const LEASE_NAME = 'mirrorctl-controller';
export const AGENT_PREFIX = 'mirrorctl-agent';

/**
 * Where Events about the cluster-scoped MirrorSets and MirrorNodes go: kube-apiserver accepts an
 * Event with eventTime about a cluster-scoped object only in `default` or `kube-system`
 * (k8s.io/kubernetes pkg/apis/core/validation/events.go, legacyValidateEvent), and client-go's
 * recorder uses `default`.
 */
export const EVENTS_NAMESPACE = 'default';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const isDns1123Label = (s: string): boolean => s.length <= 63 && DNS1123_LABEL.test(s);
export const isDns1123Subdomain = (s: string): boolean => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);

const hash8 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 8);

/** `prefix-<part>-suffix`, shortening `part` (with a hash of it, so two long parts never collide)
 *  until the whole name fits `max`. `part` is a node or MirrorSet name (DNS-1123 subdomain). */
function fitName(prefix: string, part: string, suffix: string, max: number): string {
  const full = `${prefix}-${part}${suffix ? `-${suffix}` : ''}`;
  if (full.length <= max) return full;
  const room = max - prefix.length - (suffix ? suffix.length + 1 : 0) - 1 - 9;
  const cut = part.slice(0, Math.max(room, 1)).replace(/[-.]+$/, '');
  return `${prefix}-${cut}-${hash8(part)}${suffix ? `-${suffix}` : ''}`;
}

/** The ControllerRevision holding a revision's spec (namespace NAMESPACE). ≤ 253 like any name,
 *  but kept ≤ 63 so it can also be a label value. */
export const controllerRevisionName = (mirrorSet: string, revision: string): string =>
  fitName('mirrorset', mirrorSet, revision, 63);

/** The restart/reload Job of a node for a revision. Job names must be ≤ 63: the Job controller
 *  copies them into the `job-name` pod label (k8s.io/kubernetes/pkg/apis/batch/validation). */
export const applyJobName = (node: string, revision: string): string =>
  fitName('mirrorctl-apply', node, revision, 63);

/** The agent DaemonSet of a mount profile. */
export const agentName = (profile: string): string => `${AGENT_PREFIX}-${profile}`;
