// ServiceAccounts and RBAC (pure). Each rule carries its reason; deploy/README.md's RBAC table is
// generated from the same data (rbacTable), and a test compares the table with the objects.
// Namespaced grants are Roles in the mirrorctl namespace; only what must span the cluster
// (Nodes, cluster-scoped MirrorSets/MirrorNodes, pods for drain) is a ClusterRole. Events about the
// cluster-scoped objects must live in `default` (EVENTS_NAMESPACE): that grant is a Role there.
import { GROUP, MIRRORNODE, MIRRORSET } from './api/group.js';
import { EVENTS_NAMESPACE, LEASE_NAME, NAMESPACE, SERVICE_ACCOUNTS } from './api/meta.js';
import { componentLabels, type Manifest } from './manifests-common.js';

export interface Grant {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
  why: string;
}

export interface Identity {
  /** ClusterRole/Role (and binding) name. */
  name: string;
  subjects: string[];
  cluster: Grant[];
  namespaced: Grant[];
  /** Grants in EVENTS_NAMESPACE (`default`): Events only. */
  events: Grant[];
}

const ms = MIRRORSET.plural;
const mn = MIRRORNODE.plural;
const EVENTS: Grant = {
  apiGroups: ['events.k8s.io'],
  resources: ['events'],
  verbs: ['create', 'patch'],
  why: 'Events regarding the cluster-scoped MirrorSets/MirrorNodes, which the API server accepts only in `default` (or kube-system); `kubectl describe` finds them',
};

export const IDENTITIES: readonly Identity[] = [
  {
    name: 'mirrorctl-controller',
    subjects: [SERVICE_ACCOUNTS.controller],
    cluster: [
      {
        apiGroups: [GROUP],
        resources: [ms],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
        why: 'read specs; add/remove the uninstall finalizer',
      },
      {
        apiGroups: [GROUP],
        resources: [`${ms}/status`],
        verbs: ['get', 'update', 'patch'],
        why: 'rollout status, conditions, waves',
      },
      {
        apiGroups: [GROUP],
        resources: [mn],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        why: 'one per node: desired revision, permits; deleted when a node leaves',
      },
      {
        apiGroups: [''],
        resources: ['nodes'],
        verbs: ['get', 'list', 'watch', 'patch'],
        why: 'select nodes, watch Ready, set the mirrorctl.io/target label, cordon/uncordon',
      },
      {
        apiGroups: [''],
        resources: ['pods'],
        verbs: ['list'],
        why: "the pods on a node to drain (and the controller's own pod, for its image)",
      },
      {
        apiGroups: [''],
        resources: ['pods/eviction'],
        verbs: ['create'],
        why: 'drain through the Eviction API (PodDisruptionBudgets respected)',
      },
    ],
    namespaced: [
      {
        apiGroups: ['apps'],
        resources: ['controllerrevisions'],
        verbs: ['get', 'list', 'watch', 'create', 'delete'],
        why: 'one per spec revision (what nodes apply, what rollback restores); old ones pruned',
      },
      {
        apiGroups: ['batch'],
        resources: ['jobs'],
        verbs: ['get', 'list', 'watch', 'create', 'delete'],
        why: 'the apply Job per restart/reload permit',
      },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['create'],
        why: 'create the leader-election Lease once',
      },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'update'],
        resourceNames: [LEASE_NAME],
        why: 'hold and renew leadership (that Lease only)',
      },
    ],
    events: [EVENTS],
  },
  {
    name: 'mirrorctl-agent',
    subjects: [SERVICE_ACCOUNTS.agent, SERVICE_ACCOUNTS.applyJob],
    cluster: [
      {
        apiGroups: [GROUP],
        resources: [mn],
        verbs: ['get', 'list', 'watch'],
        why: "watch its node's MirrorNode (field selector on the name)",
      },
      {
        apiGroups: [GROUP],
        resources: [`${mn}/status`],
        verbs: ['get', 'update', 'patch'],
        why: "report the node's state; status only, never spec (the optional admission policy limits it to its own node)",
      },
    ],
    namespaced: [
      {
        apiGroups: ['apps'],
        resources: ['controllerrevisions'],
        verbs: ['get', 'list', 'watch'],
        why: 'read the spec of the revision to apply',
      },
      {
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['get'],
        why: 'the Secrets a MirrorSet names (tls/auth/headersFrom secretRef: TLS files, credentials, header values) — by name, in this namespace only, no list or watch',
      },
    ],
    events: [{ ...EVENTS, verbs: ['create'] }],
  },
];

const rule = (g: Grant) => ({
  apiGroups: g.apiGroups,
  resources: g.resources,
  ...(g.resourceNames ? { resourceNames: g.resourceNames } : {}),
  verbs: g.verbs,
});

export function buildServiceAccounts(namespace = NAMESPACE): Manifest[] {
  return Object.values(SERVICE_ACCOUNTS).map((name) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, labels: componentLabels('rbac', name) },
  }));
}

/** ClusterRoles, ClusterRoleBindings, Roles, RoleBindings for every identity. */
export function buildRbac(namespace = NAMESPACE): Manifest[] {
  const rbac = 'rbac.authorization.k8s.io/v1';
  return IDENTITIES.flatMap((id) => {
    const labels = componentLabels('rbac', id.name);
    const subjects = id.subjects.map((name) => ({ kind: 'ServiceAccount', name, namespace }));
    const roleRef = (kind: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name: id.name });
    return [
      {
        apiVersion: rbac,
        kind: 'ClusterRole',
        metadata: { name: id.name, labels },
        rules: id.cluster.map(rule),
      },
      {
        apiVersion: rbac,
        kind: 'ClusterRoleBinding',
        metadata: { name: id.name, labels },
        roleRef: roleRef('ClusterRole'),
        subjects,
      },
      {
        apiVersion: rbac,
        kind: 'Role',
        metadata: { name: id.name, namespace, labels },
        rules: id.namespaced.map(rule),
      },
      {
        apiVersion: rbac,
        kind: 'RoleBinding',
        metadata: { name: id.name, namespace, labels },
        roleRef: roleRef('Role'),
        subjects,
      },
      {
        apiVersion: rbac,
        kind: 'Role',
        metadata: { name: `${id.name}-events`, namespace: EVENTS_NAMESPACE, labels },
        rules: id.events.map(rule),
      },
      {
        apiVersion: rbac,
        kind: 'RoleBinding',
        metadata: { name: `${id.name}-events`, namespace: EVENTS_NAMESPACE, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${id.name}-events` },
        subjects,
      },
    ];
  });
}

/** The RBAC table of deploy/README.md (markdown rows), from the same grants as the objects. */
export function rbacTable(): string {
  const rows = IDENTITIES.flatMap((id) =>
    [
      ...id.cluster.map((g) => ['cluster', g] as const),
      ...id.namespaced.map((g) => [NAMESPACE, g] as const),
      ...id.events.map((g) => [EVENTS_NAMESPACE, g] as const),
    ].map(([scope, g]) => {
      const res = `${g.resources.join(', ')}\` (${g.apiGroups[0] || 'core'}`;
      const names = g.resourceNames ? ` (only ${g.resourceNames.map((n) => `\`${n}\``).join(', ')})` : '';
      return `| ${id.subjects.map((s) => `\`${s}\``).join(', ')} | ${scope} | \`${res})${names} | ${g.verbs.join(', ')} | ${g.why} |`;
    }),
  );
  return ['| service account | scope | resource | verbs | why |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}
