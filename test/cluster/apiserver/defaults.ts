// Server-side defaulting the stand-in applies, so a client comparing what it sent with what it reads
// back sees what a real cluster returns (pkg/apis/core/v1/defaults.go SetDefaults_PodSpec /
// SetDefaults_Container, pkg/apis/apps/v1/defaults.go SetDefaults_DaemonSet,
// pkg/apis/batch/v1/defaults.go SetDefaults_Job) — the fields clients most often trip over.
import { isRecord, type Obj } from './types.js';

type Rec = Record<string, unknown>;

const setDefault = (o: Rec, key: string, value: unknown): void => {
  if (o[key] === undefined) o[key] = value;
};

function defaultContainer(c: Rec): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  const image = typeof c.image === 'string' ? c.image : '';
  const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
  setDefault(c, 'imagePullPolicy', tag === 'latest' ? 'Always' : 'IfNotPresent');
  setDefault(c, 'resources', {});
  for (const p of Array.isArray(c.ports) ? c.ports : []) if (isRecord(p)) setDefault(p, 'protocol', 'TCP');
}

export function defaultPodSpec(spec: Rec): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  if (spec.serviceAccountName === undefined && typeof spec.serviceAccount === 'string')
    spec.serviceAccountName = spec.serviceAccount;
  setDefault(spec, 'serviceAccountName', 'default');
  spec.serviceAccount = spec.serviceAccountName;
  for (const list of ['containers', 'initContainers'])
    for (const c of Array.isArray(spec[list]) ? (spec[list] as unknown[]) : [])
      if (isRecord(c)) defaultContainer(c);
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (!isRecord(v)) continue;
    for (const kind of ['configMap', 'secret']) {
      const src = v[kind];
      if (isRecord(src)) setDefault(src, 'defaultMode', 0o644);
    }
    if (isRecord(v.hostPath)) setDefault(v.hostPath, 'type', '');
  }
}

function templateSpec(o: Obj): Rec | undefined {
  const spec = o.spec;
  if (!isRecord(spec) || !isRecord(spec.template)) return undefined;
  const t = spec.template;
  if (!isRecord(t.spec)) t.spec = {};
  return t.spec as Rec;
}

export function defaultPod(o: Obj): void {
  if (!isRecord(o.spec)) o.spec = {};
  defaultPodSpec(o.spec as Rec);
}

export function defaultDaemonSet(o: Obj): void {
  const spec = (isRecord(o.spec) ? o.spec : {}) as Rec;
  o.spec = spec;
  setDefault(spec, 'updateStrategy', { type: 'RollingUpdate' });
  const us = spec.updateStrategy as Rec;
  if (us.type === 'RollingUpdate') setDefault(us, 'rollingUpdate', { maxUnavailable: 1, maxSurge: 0 });
  setDefault(spec, 'revisionHistoryLimit', 10);
  const pod = templateSpec(o);
  if (pod) defaultPodSpec(pod);
}

export function defaultJob(o: Obj): void {
  const spec = (isRecord(o.spec) ? o.spec : {}) as Rec;
  o.spec = spec;
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'completions', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  const pod = templateSpec(o);
  if (pod) defaultPodSpec(pod);
}

export function defaultDeployment(o: Obj): void {
  const spec = (isRecord(o.spec) ? o.spec : {}) as Rec;
  o.spec = spec;
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'strategy', {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
  });
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  const pod = templateSpec(o);
  if (pod) defaultPodSpec(pod);
}
