// The resources the stand-in serves out of the box, each with the registry strategy details that
// matter to clients (status subresource, generation, create-time preparation, immutable fields,
// field selectors — pkg/registry/<group>/<resource>/strategy.go), and CRD objects → definitions.
import { defaultDaemonSet, defaultDeployment, defaultJob, defaultPod } from './defaults.js';
import { validateEventNamespace } from './events.js';
import { isRecord, type Obj, type ResourceDef } from './types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : String(v));
const at = (o: Obj, ...path: string[]): unknown => {
  let cur: unknown = o;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
};
const field =
  (...path: string[]) =>
  (o: Obj) =>
    str(at(o, ...path));

const podFields = {
  'spec.nodeName': field('spec', 'nodeName'),
  'spec.restartPolicy': field('spec', 'restartPolicy'),
  'spec.schedulerName': field('spec', 'schedulerName'),
  'spec.serviceAccountName': field('spec', 'serviceAccountName'),
  'spec.hostNetwork': (o: Obj) => String(at(o, 'spec', 'hostNetwork') === true),
  'status.phase': field('status', 'phase'),
  'status.podIP': field('status', 'podIP'),
  'status.nominatedNodeName': field('status', 'nominatedNodeName'),
};

const involved = (prefix: string, key: string) => ({
  [`${prefix}.kind`]: field(key, 'kind'),
  [`${prefix}.namespace`]: field(key, 'namespace'),
  [`${prefix}.name`]: field(key, 'name'),
  [`${prefix}.uid`]: field(key, 'uid'),
  [`${prefix}.apiVersion`]: field(key, 'apiVersion'),
  [`${prefix}.resourceVersion`]: field(key, 'resourceVersion'),
  [`${prefix}.fieldPath`]: field(key, 'fieldPath'),
});

/** Job: a selector on its own uid and the labels the job controller finds its pods by (batch/job/strategy.go). */
function prepareJob(o: Obj): void {
  defaultJob(o);
  const spec = o.spec as Record<string, unknown>;
  const uid = o.metadata.uid ?? '';
  const labels = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': o.metadata.name,
  };
  if (spec.manualSelector !== true)
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const t = spec.template as Record<string, unknown>;
  const meta = (isRecord(t.metadata) ? t.metadata : {}) as Record<string, unknown>;
  t.metadata = meta;
  meta.labels = {
    ...(isRecord(meta.labels) ? meta.labels : {}),
    ...labels,
    'controller-uid': uid,
    'job-name': o.metadata.name,
  };
  o.status = {};
}

/** Secret.stringData is merged into data on every write (core/v1 conversion). */
function foldStringData(o: Obj): void {
  if (!isRecord(o.stringData)) return;
  const data = { ...(isRecord(o.data) ? o.data : {}) };
  for (const [k, v] of Object.entries(o.stringData)) data[k] = Buffer.from(str(v)).toString('base64');
  o.data = data;
  delete o.stringData;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const immutable = (path: string[], name: string) => (next: Obj, old: Obj) =>
  same(at(next, ...path), at(old, ...path)) ? undefined : { field: name, message: 'field is immutable' };

export function builtinResources(): ResourceDef[] {
  const core = (
    plural: string,
    kind: string,
    namespaced: boolean,
    extra: Partial<ResourceDef> = {},
  ): ResourceDef => ({
    group: '',
    versions: ['v1'],
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    ...extra,
  });
  const grp = (
    group: string,
    version: string,
    plural: string,
    kind: string,
    namespaced: boolean,
    extra: Partial<ResourceDef> = {},
  ): ResourceDef => ({
    group,
    versions: [version],
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    ...extra,
  });
  return [
    core('namespaces', 'Namespace', false, {
      status: true,
      shortNames: ['ns'],
      fields: { 'status.phase': field('status', 'phase') },
      prepareForCreate: (o) => {
        o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
        o.spec = { finalizers: ['kubernetes'] };
        o.status = { phase: 'Active' };
      },
    }),
    core('nodes', 'Node', false, {
      status: true,
      shortNames: ['no'],
      fields: { 'spec.unschedulable': (o) => String(at(o, 'spec', 'unschedulable') === true) },
    }),
    core('pods', 'Pod', true, {
      status: true,
      shortNames: ['po'],
      dropStatusOnCreate: true,
      returnsDeletedObject: true,
      fields: podFields,
      prepareForCreate: (o) => {
        defaultPod(o);
        o.status = { phase: 'Pending', qosClass: 'BestEffort' };
      },
    }),
    core('configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
    core('secrets', 'Secret', true, {
      fields: { type: field('type') },
      prepareForCreate: (o) => {
        if (o.type === undefined) o.type = 'Opaque';
      },
      validateUpdate: immutable(['type'], 'type'),
    }),
    core('serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'], returnsDeletedObject: true }),
    core('services', 'Service', true, { status: true, shortNames: ['svc'] }),
    core('events', 'Event', true, {
      shortNames: ['ev'],
      prepareForCreate: validateEventNamespace({ group: '', plural: 'events', kind: 'Event' }),
      fields: {
        ...involved('involvedObject', 'involvedObject'),
        reason: field('reason'),
        type: field('type'),
      },
    }),
    grp('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
      status: true,
      generation: true,
      dropStatusOnCreate: true,
      shortNames: ['ds'],
      prepareForCreate: defaultDaemonSet,
      defaultOnUpdate: defaultDaemonSet,
      validateUpdate: immutable(['spec', 'selector'], 'spec.selector'),
    }),
    grp('apps', 'v1', 'deployments', 'Deployment', true, {
      status: true,
      generation: true,
      dropStatusOnCreate: true,
      shortNames: ['deploy'],
      prepareForCreate: defaultDeployment,
      defaultOnUpdate: defaultDeployment,
    }),
    grp('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true, {
      validateUpdate: immutable(['data'], 'data'),
    }),
    grp('batch', 'v1', 'jobs', 'Job', true, {
      status: true,
      generation: true,
      dropStatusOnCreate: true,
      defaultPropagation: 'Orphan',
      prepareForCreate: prepareJob,
      validateUpdate: immutable(['spec', 'template'], 'spec.template'),
    }),
    grp('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
    grp('events.k8s.io', 'v1', 'events', 'Event', true, {
      shortNames: ['ev'],
      prepareForCreate: validateEventNamespace({ group: 'events.k8s.io', plural: 'events', kind: 'Event' }),
      fields: {
        ...involved('regarding', 'regarding'),
        reason: field('reason'),
        type: field('type'),
        reportingController: field('reportingController'),
      },
    }),
    grp('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
      status: true,
      generation: true,
      dropStatusOnCreate: true,
      shortNames: ['pdb'],
    }),
    grp('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, {
      status: true,
      generation: true,
      dropStatusOnCreate: true,
      shortNames: ['crd', 'crds'],
    }),
    grp('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
    grp('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
    grp('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
    grp('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
    grp(
      'admissionregistration.k8s.io',
      'v1',
      'validatingadmissionpolicies',
      'ValidatingAdmissionPolicy',
      false,
      { status: true, generation: true },
    ),
    grp(
      'admissionregistration.k8s.io',
      'v1',
      'validatingadmissionpolicybindings',
      'ValidatingAdmissionPolicyBinding',
      false,
      { generation: true },
    ),
    // OpenShift config API (cluster-scoped), for rollout on OpenShift (src/cluster/openshift-apply.ts).
    grp('config.openshift.io', 'v1', 'imagedigestmirrorsets', 'ImageDigestMirrorSet', false, {
      status: true,
      generation: true,
    }),
    grp('config.openshift.io', 'v1', 'imagetagmirrorsets', 'ImageTagMirrorSet', false, {
      status: true,
      generation: true,
    }),
    grp('config.openshift.io', 'v1', 'images', 'Image', false, { status: true, generation: true }),
  ];
}

/** Applied on every write of a resource (create and update), after the strategy's own preparation. */
export function normalize(def: ResourceDef, o: Obj): void {
  if (def.group === '' && def.plural === 'secrets') foldStringData(o);
}
