// Discovery documents (/api, /apis, /api/v1, /apis/<group>[/<version>], /version) built from the
// registered resources, with their subresources, as kubectl and client-node's KubernetesObjectApi
// read them (k8s.io/apimachinery/pkg/apis/meta/v1 APIResourceList, APIGroupList).
import { apiVersionOf, type ResourceDef } from './types.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const VERSION_INFO = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.1',
  gitCommit: 'mirrorctl-test-apiserver',
  gitTreeState: 'clean',
  goVersion: 'go1.22.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function subresources(d: ResourceDef): Array<{ name: string; kind: string; verbs: string[] }> {
  const out: Array<{ name: string; kind: string; verbs: string[] }> = [];
  if (d.status) out.push({ name: `${d.plural}/status`, kind: d.kind, verbs: ['get', 'patch', 'update'] });
  if (d.group === '' && d.plural === 'pods') {
    out.push({ name: 'pods/log', kind: 'Pod', verbs: ['get'] });
    out.push({ name: 'pods/eviction', kind: 'Eviction', verbs: ['create'] });
  }
  if (d.group === '' && d.plural === 'namespaces')
    out.push({ name: 'namespaces/finalize', kind: 'Namespace', verbs: ['update'] });
  return out;
}

export function resourceList(
  defs: ResourceDef[],
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const served = defs.filter((d) => d.group === group && d.versions.includes(version));
  if (served.length === 0) return undefined;
  const resources = served.flatMap((d) => [
    {
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: VERBS,
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
      ...(d.custom ? { categories: ['all'] } : {}),
    },
    ...subresources(d).map((s) => ({ ...s, singularName: '', namespaced: d.namespaced })),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(served[0] as ResourceDef, version),
    resources,
  };
}

function groupOf(defs: ResourceDef[], name: string): Record<string, unknown> | undefined {
  const versions = [...new Set(defs.filter((d) => d.group === name).flatMap((d) => d.versions))];
  if (versions.length === 0) return undefined;
  const gv = (v: string) => ({ groupVersion: `${name}/${v}`, version: v });
  return { name, versions: versions.map(gv), preferredVersion: gv(versions[0] as string) };
}

export function groupList(defs: ResourceDef[]): Record<string, unknown> {
  const names = [...new Set(defs.map((d) => d.group).filter((g) => g !== ''))].sort();
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map((n) => groupOf(defs, n)) };
}

export function group(defs: ResourceDef[], name: string): Record<string, unknown> | undefined {
  const g = groupOf(defs, name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined;
}

export const coreVersions = { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
