// What the manifests hand each process of cluster mode — image layout, command, arguments, env,
// ports, paths — so the controller and agent entry points read exactly what the pods give them.
// One image serves the controller, the agents and the apply Job (scripts/build-image.sh, Dockerfile).

/** The image repository; the tag is the package version (never `latest`). */
export const IMAGE_REPOSITORY = 'ghcr.io/mirrorctl/mirrorctl';
export const imageRef = (version: string): string => `${IMAGE_REPOSITORY}:${version}`;

/** The image layout (scripts/image-rootfs.sh builds it; test/cluster/deploy.test.ts checks they agree). */
export const IMAGE_PATHS = {
  node: '/usr/local/bin/node',
  bundle: '/opt/mirrorctl/mirrorctl.mjs',
  nsenter: '/usr/bin/nsenter',
  flock: '/usr/bin/flock',
  caBundle: '/etc/ssl/certs/ca-certificates.crt',
} as const;

/** Explicit in every pod, so the manifests do not depend on the image's ENTRYPOINT metadata. */
export const COMMAND = [IMAGE_PATHS.node, IMAGE_PATHS.bundle];

/** Where the node's filesystem appears in the agent and Job containers (`--root`). */
export const HOST_ROOT = '/host';

export const PORTS = {
  /** Controller: /metrics, /healthz, /readyz. */
  controller: 8080,
  /** Node agent: /metrics, /healthz, /readyz (container port, not on the host network). */
  agent: 9477,
} as const;
export const PROBE_PATHS = { live: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

/** Environment set from the downward API. */
export const ENV = {
  nodeName: 'NODE_NAME',
  podName: 'POD_NAME',
  podNamespace: 'POD_NAMESPACE',
  /** The process runs in a pod: host commands go through `nsenter -t 1` (runtime-control.ts). */
  inPod: 'MIRRORCTL_IN_POD',
} as const;

/** `mirrorctl controller`: leader election on the Lease, identity = the pod name. Flags read
 *  MIRRORCTL_<FLAG> from the env too (cli/command.ts), so the values are plain env here. */
export const CONTROLLER_ARGS = ['controller'];
export const CONTROLLER_ENV = {
  MIRRORCTL_LEADER_ELECT: 'true',
  MIRRORCTL_LEASE_NAME: 'mirrorctl-controller',
  MIRRORCTL_METRICS_PORT: String(PORTS.controller),
} as const;

/** `mirrorctl agent`: the long-running, unprivileged node agent (never performs a runtime action). */
export const AGENT_ARGS = ['agent', '--root', HOST_ROOT];
export const AGENT_ENV = { MIRRORCTL_METRICS_PORT: String(PORTS.agent) } as const;

/** The apply Job: one full transaction under a permit, restart/reload through nsenter, then exit.
 *  buildApplyJob adds `--revision <rev>`: the Job acts only while the MirrorNode's permit names it. */
export const APPLY_JOB_ARGS = ['agent', '--once', '--allow-runtime-action', '--root', HOST_ROOT];
