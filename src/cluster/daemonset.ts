// The agent DaemonSet (pure). Least privilege, each grant with its reason:
// - no service-account token (the agent reports through readiness and its log), except with
//   --gate-new-nodes, where it must remove its node's startup taint;
// - hostPath mounts only of the directories mirrorctl writes, its state dir and the runtime sockets'
//   directories (the CRI health check after a restart), all under /host;
// - hostPID + privileged only because a runtime restart/reload is `nsenter -t 1` into the host;
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
} from './names.js';
import type { Requirement } from './selector.js';

export type SocketRuntime = 'containerd' | 'crio';

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
  /** Runtimes whose socket directory is mounted (from the inventory); default both. */
  socketRuntimes?: SocketRuntime[];
}

/** Host directories the agent may write, mounted at /host<path>. */
export const HOST_CONFIG_DIRS = [
  '/etc/containerd',
  '/etc/containers',
  '/etc/docker',
  '/var/lib/mirrorctl',
] as const;
export const IMAGE_AGENT_PATH = '/opt/mirrorctl/agent.mjs';
export const SOCKET_DIRS: Record<SocketRuntime, string> = {
  containerd: '/run/containerd',
  crio: '/run/crio',
};

const volumeName = (hostPath: string): string => `host${hostPath.replace(/\//g, '-')}`;

// `node -e` so the probe works on any image that has Node.js (no shell, no cat needed).
const PROBE_SCRIPT = `process.exit(JSON.parse(require('fs').readFileSync('${POD_PATHS.resultFile}','utf8')).ready===true?0:1)`;

function hostVolumes(socketRuntimes: SocketRuntime[]): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const dirs = [...HOST_CONFIG_DIRS, ...socketRuntimes.map((r) => SOCKET_DIRS[r])];
  return {
    // DirectoryOrCreate: a containerd node has no /etc/containers; kubelet creates the empty dir
    // rather than failing the pod (a plain hostPath would do the same without saying so).
    volumes: dirs.map((path) => ({ name: volumeName(path), hostPath: { path, type: 'DirectoryOrCreate' } })),
    mounts: dirs.map((path) => ({ name: volumeName(path), mountPath: `${POD_PATHS.hostRoot}${path}` })),
  };
}

export function buildDaemonSet(o: DaemonSetOptions): V1DaemonSet {
  const host = hostVolumes(o.socketRuntimes ?? ['containerd', 'crio']);
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
            { name: 'result', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
            ...host.volumes,
          ],
        },
      },
    },
  };
}
