// The node agent DaemonSets (one per mount profile) and the apply Job template (pure). The agent
// is NOT privileged: no hostPID, every capability dropped, no privilege escalation, read-only root
// filesystem, seccomp RuntimeDefault; uid 0 only because the files it writes are root's. It never
// restarts a runtime: a plan needing a restart/reload waits for a permit, and the controller runs
// the apply Job — the one privileged, hostPID pod — on just that node, just while it runs.
import type { V1DaemonSet, V1Job, V1PodSpec, V1Probe, V1SecurityContext } from '@kubernetes/client-node';
import { ANNOTATIONS, agentName, applyJobName, LABELS, NAMESPACE, SERVICE_ACCOUNTS } from './api/meta.js';
import {
  AGENT_ARGS,
  AGENT_ENV,
  APPLY_JOB_ARGS,
  COMMAND,
  ENV,
  PORTS,
  PROBE_PATHS,
} from './api/pod-contract.js';
import { componentLabels } from './manifests-common.js';
import { hostVolumes, type MountProfile, type ProfileName, profileFor } from './mount-profiles.js';

export const AGENT_RESOURCES = {
  requests: { cpu: '10m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};

/** The agent container's security context; tests assert each field (least privilege). */
export const AGENT_SECURITY_CONTEXT: V1SecurityContext = {
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsUser: 0,
  runAsGroup: 0,
  runAsNonRoot: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const httpProbe = (path: string, port: number, period: number): V1Probe => ({
  httpGet: { path, port },
  periodSeconds: period,
  timeoutSeconds: 5,
  failureThreshold: 3,
});

const env = (extra: Record<string, string>) => [
  { name: ENV.nodeName, valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
  { name: ENV.inPod, value: '1' },
  ...Object.entries(extra).map(([name, value]) => ({ name, value })),
];

/** Tolerate every taint: the agent must reach tainted pools (GPU, dedicated), and a node's own
 *  NoExecute taints must not evict the Job mid-restart. */
const TOLERATE_ALL = [{ operator: 'Exists' }];

export function buildAgentDaemonSet(profile: MountProfile, image: string): V1DaemonSet {
  const name = agentName(profile.name);
  const selector = componentLabels('agent', name);
  const labels = { ...selector, [LABELS.profile]: profile.name };
  const host = hostVolumes(profile);
  const pod: V1PodSpec = {
    serviceAccountName: SERVICE_ACCOUNTS.agent,
    automountServiceAccountToken: true,
    enableServiceLinks: false,
    hostPID: false,
    hostIPC: false,
    hostNetwork: false,
    priorityClassName: 'system-node-critical',
    terminationGracePeriodSeconds: 30,
    tolerations: TOLERATE_ALL,
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: LABELS.target, operator: 'In', values: [...profile.targets] },
                { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
              ],
            },
          ],
        },
      },
    },
    containers: [
      {
        name: 'agent',
        image,
        command: [...COMMAND],
        args: [...AGENT_ARGS],
        env: env(AGENT_ENV),
        ports: [{ name: 'metrics', containerPort: PORTS.agent, protocol: 'TCP' }],
        securityContext: AGENT_SECURITY_CONTEXT,
        resources: AGENT_RESOURCES,
        livenessProbe: httpProbe(PROBE_PATHS.live, PORTS.agent, 20),
        readinessProbe: httpProbe(PROBE_PATHS.ready, PORTS.agent, 10),
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...host.mounts],
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }, ...host.volumes],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: NAMESPACE, labels },
    spec: {
      selector: { matchLabels: selector },
      // Replacing an agent pod never touches the node's runtime (restarts need a permit and a Job).
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } },
      template: { metadata: { labels }, spec: pod },
    },
  };
}

export interface ApplyJobOptions {
  node: string;
  mirrorSet: string;
  revision: string;
  profile: ProfileName;
  /** The image of the agent on that node (the controller reads its own pod's image). */
  image: string;
  /** spec.rollout.restartTimeoutSeconds: the Job is killed (and counts as failed) after this. */
  restartTimeoutSeconds: number;
  namespace?: string;
}

/** Finished Jobs (and their pods, with the logs) stay this long for `kubectl logs`, then go. */
export const APPLY_JOB_TTL_SECONDS = 600;

/** The restart/reload Job for one node and revision; the controller creates one per permit. */
export function buildApplyJob(o: ApplyJobOptions): V1Job {
  const name = applyJobName(o.node, o.revision);
  const labels = {
    ...componentLabels('apply-job', 'mirrorctl-apply'),
    [LABELS.mirrorSet]: o.mirrorSet,
    [LABELS.revision]: o.revision,
    [LABELS.profile]: o.profile,
  };
  const host = hostVolumes(profileFor(o.profile));
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: o.namespace ?? NAMESPACE,
      labels,
      annotations: { [ANNOTATIONS.node]: o.node },
    },
    spec: {
      // The controller decides retries (after a backoff, when the rollout resumes), not the Job.
      backoffLimit: 0,
      activeDeadlineSeconds: o.restartTimeoutSeconds,
      ttlSecondsAfterFinished: APPLY_JOB_TTL_SECONDS,
      template: {
        metadata: { labels, annotations: { [ANNOTATIONS.node]: o.node } },
        spec: {
          nodeName: o.node,
          restartPolicy: 'Never',
          serviceAccountName: SERVICE_ACCOUNTS.applyJob,
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          // hostPID + privileged: `nsenter -t 1` into the host to restart/reload the runtime unit.
          hostPID: true,
          hostNetwork: false,
          priorityClassName: 'system-node-critical',
          tolerations: TOLERATE_ALL,
          containers: [
            {
              name: 'apply',
              image: o.image,
              command: [...COMMAND],
              // The revision the permit names: the Job refuses to act if the permit moved on.
              args: [...APPLY_JOB_ARGS, '--revision', o.revision],
              env: env({}),
              securityContext: { privileged: true, readOnlyRootFilesystem: true, runAsUser: 0 },
              resources: AGENT_RESOURCES,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...host.mounts],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }, ...host.volumes],
        },
      },
    },
  };
}
