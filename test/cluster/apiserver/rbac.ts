// Opt-in RBAC authorization (`authorization: 'RBAC'`), as plugin/pkg/auth/authorizer/rbac evaluates it:
// ClusterRoleBindings, and RoleBindings in the request's namespace (to a Role or a ClusterRole), whose
// subjects match the user (User, Group, ServiceAccount); rules by verb, API group, resource or
// resource/subresource, resourceNames; system:masters may do anything; discovery and health paths are
// open to every authenticated user. Denials read like kube-apiserver's (responsewriters/errors.go).
import type { RequestInfo } from './faults.js';
import type { Identity } from './handlers.js';
import type { Store } from './store.js';
import { ApiError, isRecord, type Obj, type ResourceDef } from './types.js';

interface Rule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

const has = (list: string[] | undefined, v: string): boolean =>
  !!list && (list.includes('*') || list.includes(v));

function subjectMatches(s: Subject, user: Identity, bindingNs: string | undefined): boolean {
  if (s.kind === 'User') return s.name === user.username;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount')
    return user.username === `system:serviceaccount:${s.namespace ?? bindingNs ?? ''}:${s.name}`;
  return false;
}

function ruleAllows(r: Rule, info: RequestInfo, group: string): boolean {
  if (!has(r.verbs, info.verb)) return false;
  if (!has(r.apiGroups, group)) return false;
  const [res, sub] = info.resource.split('/');
  const resources = r.resources ?? [];
  const resOk =
    resources.includes('*') ||
    resources.includes(info.resource) ||
    (sub !== undefined && resources.includes(`*/${sub}`)) ||
    (sub === undefined && resources.includes(res ?? ''));
  if (!resOk) return false;
  return (
    !r.resourceNames ||
    r.resourceNames.length === 0 ||
    (info.name !== undefined && r.resourceNames.includes(info.name))
  );
}

const rulesOf = (o: Obj | undefined): Rule[] => (Array.isArray(o?.rules) ? (o.rules as Rule[]) : []);

function def(store: Store, group: string, plural: string): ResourceDef {
  return store.find(group, 'v1', plural) as ResourceDef;
}

/** Throws 403 Forbidden unless RBAC allows the request. */
export function authorize(store: Store, user: Identity, info: RequestInfo, group: string): void {
  if (user.groups.includes('system:masters')) return;
  if (!info.resource) return; // non-resource URLs: discovery, /version, health (system:discovery etc.)
  const rbac = 'rbac.authorization.k8s.io';
  const roleRules = (ref: { kind?: string; name?: string } | undefined, ns: string | undefined): Rule[] => {
    if (!ref?.name) return [];
    if (ref.kind === 'ClusterRole')
      return rulesOf(store.get(def(store, rbac, 'clusterroles'), undefined, ref.name)?.obj);
    return ns ? rulesOf(store.get(def(store, rbac, 'roles'), ns, ref.name)?.obj) : [];
  };
  const applicable: Rule[] = [];
  for (const { obj: b } of store.list(def(store, rbac, 'clusterrolebindings')))
    if (((b.subjects as Subject[] | undefined) ?? []).some((s) => subjectMatches(s, user, undefined)))
      applicable.push(
        ...roleRules(
          isRecord(b.roleRef) ? (b.roleRef as { kind?: string; name?: string }) : undefined,
          undefined,
        ),
      );
  if (info.namespace)
    for (const { obj: b } of store.list(def(store, rbac, 'rolebindings'), info.namespace))
      if (((b.subjects as Subject[] | undefined) ?? []).some((s) => subjectMatches(s, user, info.namespace)))
        applicable.push(
          ...roleRules(
            isRecord(b.roleRef) ? (b.roleRef as { kind?: string; name?: string }) : undefined,
            info.namespace,
          ),
        );
  if (applicable.some((r) => ruleAllows(r, info, group))) return;
  const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  const why = `User "${user.username}" cannot ${info.verb} resource "${info.resource}" in API group "${group}" ${scope}`;
  const plural = info.resource.split('/')[0] ?? '';
  const qualified = group ? `${plural}.${group}` : plural;
  throw new ApiError(
    403,
    'Forbidden',
    info.name ? `${qualified} "${info.name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`,
    {
      ...(info.name ? { name: info.name } : {}),
      ...(group ? { group } : {}),
      kind: plural,
    },
  );
}
