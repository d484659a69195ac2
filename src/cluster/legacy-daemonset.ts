// The pre-controller rollout's agent DaemonSet (pure; replaced by manifests-agent.ts once the CLI is a
// client of the controller, issue 16). Least privilege, each grant with its reason:
// - no service-account token (the agent reports through readiness and its log), except with
//   --gate-new-nodes, where it must remove its node's startup taint;
// - host mounts, all under /host, none of which makes kubelet create anything on the node:
//   /etc (read-write: the per-runtime dirs mirrorctl writes may be missing, and a hostPath of a
//   missing dir is created by kubelet/the runtime — an empty /etc/docker on a containerd node; /etc
//   always exists, and detection reads /etc/os-release, /etc/crio, /etc/rancher there too),
//   /run read-only (every runtime socket for the health check — containerd, CRI-O, dockerd's
//   /run/docker.sock — also at /host/var/run; connect() works through a read-only mount), and
//   /var/lib/mirrorctl, mirrorctl's own state dir (DirectoryOrCreate: every node with an agent pod
//   is a node mirrorctl configures);
// - hostPID + privileged only because a runtime restart/reload is `nsenter -t 1` into the host
//   (which is also why finer /etc mounts would not be a security boundary: writes are confined by
//   the node filesystem adapter to the plan's paths, symlinks out of the root refused);
// - read-only root filesystem, no host network, small resource limits.
// Waves are driven through control.json in the spec ConfigMap, not by the update strategy: replacing an
// agent pod never touches the node's runtime, so RollingUpdate only ships new agent bundles/images.
import type { V1DaemonSet, V1Toleration, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import {
  AGENT_NAME,
  AGENT_SELECTOR,
  BUNDLE_KEY,
  GATE_TAINT_KEY,
  LABELS,
  POD_PATHS,
  SPEC_CONFIGMAP,
  SPEC_KEYS,
  TLS_SECRET,
} from './names.js';
import type { Requirement } from './selector.js';

export interface DaemonSetOptions {
  namespace: string;
  image: string;
  /** ConfigMap carrying the agent bundle; undefined = the image ships it at IMAGE_AGENT_PATH
   *  (the Dockerfile's image, used by the kustomize base). */
  bundleConfigMap?: string;
  /** Node affinity (the user's selector plus "not control-plane" unless included). */
  requirements: Requirement[];
  /** undefined = tolerate every taint (the agent must reach tainted workers: GPU, dedicated pools). */
  tolerations?: V1Toleration[];
  gateNewNodes: boolean;
}

export interface HostMount {
  hostPath: string;
  type: 'Directory' | 'DirectoryOrCreate';
  readOnly: boolean;
  /** Where it appears under /host (several: /run is also /var/run, a symlink to it on the node). */
  at: string[];
}

/** Every host path the agent sees. Only the state dir may be created, and only on nodes it configures. */
export const HOST_MOUNTS: readonly HostMount[] = [
  { hostPath: '/etc', type: 'Directory', readOnly: false, at: ['/etc'] },
  { hostPath: '/run', type: 'Directory', readOnly: true, at: ['/run', '/var/run'] },
  { hostPath: '/var/lib/mirrorctl', type: 'DirectoryOrCreate', readOnly: false, at: ['/var/lib/mirrorctl'] },
];
export const IMAGE_AGENT_PATH = '/opt/mirrorctl/agent.mjs';
/** The private keys of TLS client certificates (Secret, mode 0400); see tls-assets.ts. */
export const TLS_SECRET_MODE = 0o400;

const volumeName = (hostPath: string): string => `host${hostPath.replace(/\//g, '-')}`;

// `node -e` so the probe works on any image that has Node.js (no shell, no cat needed).
const PROBE_SCRIPT = `process.exit(JSON.parse(require('fs').readFileSync('${POD_PATHS.resultFile}','utf8')).ready===true?0:1)`;

function hostVolumes(): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  return {
    volumes: HOST_MOUNTS.map((m) => ({
      name: volumeName(m.hostPath),
      hostPath: { path: m.hostPath, type: m.type },
    })),
    mounts: HOST_MOUNTS.flatMap((m) =>
      m.at.map((at) => ({
        name: volumeName(m.hostPath),
        mountPath: `${POD_PATHS.hostRoot}${at}`,
        ...(m.readOnly ? { readOnly: true } : {}),
      })),
    ),
  };
}

export function buildDaemonSet(o: DaemonSetOptions): V1DaemonSet {
  const host = hostVolumes();
  const tolerations: V1Toleration[] = o.tolerations ? [...o.tolerations] : [{ operator: 'Exists' }];
  if (o.gateNewNodes && o.tolerations)
    tolerations.push({ key: GATE_TAINT_KEY, operator: 'Exists', effect: 'NoSchedule' });
  const args = [
    o.bundleConfigMap ? `${POD_PATHS.bundleDir}/${BUNDLE_KEY}` : IMAGE_AGENT_PATH,
    'agent',
    '--spec',
    `${POD_PATHS.configDir}/${SPEC_KEYS.spec}`,
    '--root',
    POD_PATHS.hostRoot,
    '--result-file',
    POD_PATHS.resultFile,
    ...(o.gateNewNodes ? ['--gate-taint', GATE_TAINT_KEY] : []),
  ];
  const labels = { ...AGENT_SELECTOR, [LABELS.managedBy]: 'mirrorctl', [LABELS.component]: 'agent' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: AGENT_NAME, namespace: o.namespace, labels },
    spec: {
      selector: { matchLabels: { ...AGENT_SELECTOR } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          ...(o.gateNewNodes ? { serviceAccountName: AGENT_NAME } : {}),
          automountServiceAccountToken: o.gateNewNodes,
          enableServiceLinks: false,
          hostPID: true,
          hostNetwork: false,
          priorityClassName: 'system-node-critical',
          terminationGracePeriodSeconds: 30,
          tolerations,
          ...(o.requirements.length > 0
            ? {
                affinity: {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [
                        {
                          matchExpressions: o.requirements.map((r) => ({
                            key: r.key,
                            operator: r.operator,
                            ...(r.values.length > 0 ? { values: r.values } : {}),
                          })),
                        },
                      ],
                    },
                  },
                },
              }
            : {}),
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [
            {
              name: 'agent',
              image: o.image,
              command: ['node'],
              args,
              env: [
                { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'MIRRORCTL_IN_POD', value: '1' },
              ],
              securityContext: { privileged: true, readOnlyRootFilesystem: true, runAsUser: 0 },
              resources: {
                requests: { cpu: '10m', memory: '48Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
              readinessProbe: {
                exec: { command: ['node', '-e', PROBE_SCRIPT] },
                periodSeconds: 5,
                timeoutSeconds: 5,
                failureThreshold: 1,
              },
              volumeMounts: [
                { name: 'spec', mountPath: POD_PATHS.configDir, readOnly: true },
                ...(o.bundleConfigMap
                  ? [{ name: 'bundle', mountPath: POD_PATHS.bundleDir, readOnly: true }]
                  : []),
                { name: 'tls-keys', mountPath: POD_PATHS.tlsKeyDir, readOnly: true },
                { name: 'result', mountPath: POD_PATHS.resultDir },
                { name: 'tmp', mountPath: '/tmp' },
                ...host.mounts,
              ],
            },
          ],
          volumes: [
            { name: 'spec', configMap: { name: SPEC_CONFIGMAP } },
            ...(o.bundleConfigMap
              ? [
                  {
                    name: 'bundle',
                    configMap: { name: o.bundleConfigMap, items: [{ key: BUNDLE_KEY, path: BUNDLE_KEY }] },
                  },
                ]
              : []),
            // Optional: the Secret exists only when the spec names a client key; kubelet fills the
            // volume when it appears, so the pod template (and the pods) stay the same.
            {
              name: 'tls-keys',
              secret: { secretName: TLS_SECRET, optional: true, defaultMode: TLS_SECRET_MODE },
            },
            { name: 'result', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
            ...host.volumes,
          ],
        },
      },
    },
  };
}
