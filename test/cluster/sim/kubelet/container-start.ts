// From a pod's container spec to what runs (kubelet's generateContainerConfig): the image stand-in,
// the environment, the mounts (volume or subPath, file or directory, kubelet's /etc/hosts and
// resolv.conf), the merged pod/container securityContext — or why it cannot start yet (a waiting reason).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { InternalClient } from '../../apiserver/client.js';
import { isRecord, type Obj } from '../../apiserver/types.js';
import {
  capabilities,
  containerArgv,
  type ImageDef,
  impliedFiles,
  type LaunchSpec,
  type Mount,
} from './container.js';
import { containerEnv } from './env.js';
import type { ContainerRun } from './pod-status.js';
import { type PreparedVolume, podDir, resolveNodePath } from './volumes.js';

type Rec = Record<string, unknown>;

export interface Waiting {
  reason: string;
  message: string;
  /** Retry after this long (undefined: the caller's backoff). */
  retryMs?: number;
}

export interface StartInput {
  api: InternalClient;
  node: string;
  /** This machine's path of the node root. */
  root: string;
  images: Record<string, ImageDef>;
  pod: Obj;
  container: ContainerRun;
  volumes: Map<string, PreparedVolume>;
}

export function launchSpecFor(i: StartInput): { launch: LaunchSpec } | { waiting: Waiting } {
  const { pod, container: c } = i;
  const spec = pod.spec as Rec;
  const image = i.images[String(c.spec.image ?? '')];
  if (!image)
    return {
      waiting: {
        reason: 'ErrImagePull',
        message: `image ${String(c.spec.image)} is not available on this simulated node (not in the kubelet's images)`,
      },
    };
  const psc = (isRecord(spec.securityContext) ? spec.securityContext : {}) as Rec;
  const sc = { ...psc, ...((isRecord(c.spec.securityContext) ? c.spec.securityContext : {}) as Rec) };
  const hostNetwork = spec.hostNetwork === true;
  let env: Record<string, string>;
  try {
    env = containerEnv(i.api, pod, c.spec, image.env ?? {}, hostNetwork ? i.node : pod.metadata.name);
    if (sc.runAsNonRoot === true && (sc.runAsUser === undefined || sc.runAsUser === 0))
      throw new Error('container has runAsNonRoot and image will run as root');
  } catch (e) {
    return {
      waiting: { reason: 'CreateContainerConfigError', message: (e as Error).message, retryMs: 1000 },
    };
  }
  const argv = containerArgv(image, c.spec, new Map(Object.entries(env)));
  const pd = podDir(pod);
  const mounts: Mount[] = [];
  for (const m of (c.spec.volumeMounts as Rec[] | undefined) ?? []) {
    const vol = i.volumes.get(String(m.name));
    if (!vol)
      return {
        waiting: {
          reason: 'CreateContainerConfigError',
          message: `volume "${String(m.name)}" not found`,
          retryMs: 1000,
        },
      };
    const source = m.subPath ? `${vol.nodePath}/${String(m.subPath)}` : vol.nodePath;
    let file = false;
    try {
      file = statSync(join(i.root, resolveNodePath(i.root, source))).isFile();
    } catch {
      // a missing subPath is created as a directory, as kubelet does
    }
    mounts.push({ source, target: String(m.mountPath), readOnly: m.readOnly === true, file });
  }
  for (const [target, f] of [
    ['/etc/hosts', 'etc-hosts'],
    ['/etc/resolv.conf', 'resolv.conf'],
  ] as const)
    if (!mounts.some((m) => m.target === target))
      mounts.push({ source: `${pd}/${f}`, target, readOnly: false, file: true });
  return {
    launch: {
      rootfs: `${pd}/containers/${c.name}/rootfs`,
      argv,
      env,
      workingDir: String(c.spec.workingDir ?? image.workingDir ?? '/'),
      mounts,
      imageFiles: { ...impliedFiles(argv), ...image.files },
      hostPID: spec.hostPID === true,
      hostname: hostNetwork ? undefined : pod.metadata.name,
      privileged: sc.privileged === true,
      readOnlyRoot: sc.readOnlyRootFilesystem === true,
      noNewPrivs: sc.allowPrivilegeEscalation === false,
      caps: capabilities(sc),
      ...(typeof sc.runAsUser === 'number' ? { runAsUser: sc.runAsUser } : {}),
      ...(typeof sc.runAsGroup === 'number' ? { runAsGroup: sc.runAsGroup } : {}),
    },
  };
}
