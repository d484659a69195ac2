// A container's environment as kubelet builds it (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
// the image's env, the kubernetes service variables (KUBERNETES_SERVICE_HOST/PORT → 10.96.0.1:443 inside
// the node), envFrom, env with the downward API (fieldRef: metadata.name/namespace/uid/labels/
// annotations, spec.nodeName, spec.serviceAccountName, status.hostIP/podIP), configMapKeyRef,
// secretKeyRef, and $(VAR) references to earlier variables; argv gets the same $(VAR) expansion.
import type { InternalClient } from '../../apiserver/client.js';
import { SERVICE_IP } from '../../apiserver/tls.js';
import { isRecord, type Obj } from '../../apiserver/types.js';

type Rec = Record<string, unknown>;

/** The value of a downward API field path; `strict` throws on an unsupported one. */
export function fieldValue(pod: Obj, path: string, volume = false): string {
  const spec = (isRecord(pod.spec) ? pod.spec : {}) as Rec;
  const status = (isRecord(pod.status) ? pod.status : {}) as Rec;
  const map = /^metadata\.(labels|annotations)(?:\['(.+)'\])?$/.exec(path);
  if (map) {
    const m = (pod.metadata[map[1] as 'labels' | 'annotations'] ?? {}) as Record<string, string>;
    if (map[2] !== undefined) return m[map[2]] ?? '';
    // A whole map (volumes only): key="value" lines, sorted, as kubelet formats it.
    if (!volume) throw new Error(`fieldRef ${path} is only supported in downwardAPI volumes`);
    return Object.keys(m)
      .sort()
      .map((k) => `${k}=${JSON.stringify(m[k])}`)
      .join('\n');
  }
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return String(spec.nodeName ?? '');
    case 'spec.serviceAccountName':
      return String(spec.serviceAccountName ?? '');
    case 'status.hostIP':
    case 'status.podIP':
      return String(status[path.slice('status.'.length)] ?? '');
    default:
      throw new Error(`fieldRef ${path} is not supported`);
  }
}

/** $(VAR) → value from `vars` (unknown references stay as written; $$ escapes). */
export function expand(s: string, vars: Map<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) =>
    m === '$$' ? '$' : name !== undefined && vars.has(name) ? (vars.get(name) as string) : m,
  );
}

export function serviceEnv(): Record<string, string> {
  return {
    KUBERNETES_SERVICE_HOST: SERVICE_IP,
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: `tcp://${SERVICE_IP}:443`,
    KUBERNETES_PORT_443_TCP: `tcp://${SERVICE_IP}:443`,
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: SERVICE_IP,
  };
}

function dataOf(
  api: InternalClient,
  kind: 'configmaps' | 'secrets',
  ns: string,
  name: string,
): Map<string, string> | undefined {
  const o = api.get(kind, ns, name);
  if (!o) return undefined;
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(isRecord(o.data) ? o.data : {}))
    out.set(k, kind === 'secrets' ? Buffer.from(String(v), 'base64').toString('utf8') : String(v));
  return out;
}

/** The environment, in kubelet's order; throws (CreateContainerConfigError) on a missing required key. */
export function containerEnv(
  api: InternalClient,
  pod: Obj,
  container: Rec,
  image: Record<string, string>,
  hostname: string,
): Record<string, string> {
  const ns = pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>(
    Object.entries({
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/root',
      ...image,
      HOSTNAME: hostname,
      ...serviceEnv(),
    }),
  );
  for (const from of (container.envFrom as Rec[] | undefined) ?? []) {
    const prefix = String(from.prefix ?? '');
    const ref = (
      isRecord(from.configMapRef)
        ? ['configmaps', from.configMapRef]
        : isRecord(from.secretRef)
          ? ['secrets', from.secretRef]
          : undefined
    ) as ['configmaps' | 'secrets', Rec] | undefined;
    if (!ref) continue;
    const data = dataOf(api, ref[0], ns, String(ref[1].name ?? ''));
    if (!data) {
      if (ref[1].optional === true) continue;
      throw new Error(
        `${ref[0] === 'configmaps' ? 'configmap' : 'secret'} "${String(ref[1].name)}" not found`,
      );
    }
    for (const [k, v] of data) vars.set(`${prefix}${k}`, v);
  }
  for (const e of (container.env as Rec[] | undefined) ?? []) {
    const name = String(e.name ?? '');
    if (e.value !== undefined) {
      vars.set(name, expand(String(e.value), vars));
      continue;
    }
    const vf = (isRecord(e.valueFrom) ? e.valueFrom : {}) as Rec;
    if (isRecord(vf.fieldRef)) vars.set(name, fieldValue(pod, String(vf.fieldRef.fieldPath)));
    else if (isRecord(vf.configMapKeyRef) || isRecord(vf.secretKeyRef)) {
      const [kind, ref] = (
        isRecord(vf.configMapKeyRef) ? ['configmaps', vf.configMapKeyRef] : ['secrets', vf.secretKeyRef]
      ) as ['configmaps' | 'secrets', Rec];
      const v = dataOf(api, kind, ns, String(ref.name ?? ''))?.get(String(ref.key ?? ''));
      if (v !== undefined) vars.set(name, v);
      else if (ref.optional !== true)
        throw new Error(
          `couldn't find key ${String(ref.key)} in ${kind === 'configmaps' ? 'ConfigMap' : 'Secret'} ${ns}/${String(ref.name)}`,
        );
    } else if (isRecord(vf.resourceFieldRef))
      vars.set(name, resourceValue(container, String(vf.resourceFieldRef.resource ?? '')));
    else vars.set(name, '');
  }
  return Object.fromEntries(vars);
}

/** limits.cpu / requests.memory … as kubelet renders them (cores rounded up, bytes); node capacity when unset. */
function resourceValue(container: Rec, resource: string): string {
  const [kind, what] = resource.split('.') as [string, string];
  const res = (isRecord(container.resources) ? container.resources : {}) as Rec;
  const v = isRecord(res[kind]) ? (res[kind] as Rec)[what] : undefined;
  if (what === 'cpu') {
    if (v === undefined) return '4';
    const s = String(v);
    return String(Math.ceil(s.endsWith('m') ? Number(s.slice(0, -1)) / 1000 : Number(s)));
  }
  if (v === undefined) return String(16 * 1024 ** 3);
  const m = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(String(v));
  const mult: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9 };
  return m ? String(Number(m[1]) * (mult[m[2] ?? ''] ?? 1)) : String(v);
}
