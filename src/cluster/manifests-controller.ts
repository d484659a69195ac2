// The controller Deployment (pure): two replicas, one active through the Lease; restricted pod
// security (non-root, no capabilities, read-only root, seccomp RuntimeDefault), no host mounts —
// everything it needs is in the API. Metrics and probes on one port.
import type { V1Deployment } from '@kubernetes/client-node';
import { CONTROLLER_NAME, NAMESPACE, SERVICE_ACCOUNTS } from './api/meta.js';
import { COMMAND, CONTROLLER_ARGS, CONTROLLER_ENV, ENV, PORTS, PROBE_PATHS } from './api/pod-contract.js';
import { componentLabels } from './manifests-common.js';

/** The image's nobody-like uid (no home, no shell); any non-zero uid works, nothing is on disk. */
export const CONTROLLER_UID = 65532;

export function buildControllerDeployment(image: string, namespace = NAMESPACE): V1Deployment {
  const labels = componentLabels('controller', CONTROLLER_NAME);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: CONTROLLER_NAME, namespace, labels },
    spec: {
      // A standby replica takes over the Lease within its duration when the leader's node dies.
      replicas: 2,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: SERVICE_ACCOUNTS.controller,
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          priorityClassName: 'system-cluster-critical',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: CONTROLLER_UID,
            runAsGroup: CONTROLLER_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // The two replicas on different nodes, so one node failure never stops the controller.
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchLabels: labels },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                },
              ],
            },
          },
          containers: [
            {
              name: 'controller',
              image,
              command: [...COMMAND],
              args: [...CONTROLLER_ARGS],
              env: [
                { name: ENV.podName, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: ENV.podNamespace, valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ...Object.entries(CONTROLLER_ENV).map(([name, value]) => ({ name, value })),
              ],
              ports: [{ name: 'metrics', containerPort: PORTS.controller, protocol: 'TCP' }],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              livenessProbe: {
                httpGet: { path: PROBE_PATHS.live, port: PORTS.controller },
                periodSeconds: 20,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: PROBE_PATHS.ready, port: PORTS.controller },
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
        },
      },
    },
  };
}
