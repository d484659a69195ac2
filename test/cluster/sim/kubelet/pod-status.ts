// The pod status a kubelet reports from its containers (pkg/kubelet/kubelet_pods.go generateAPIPodStatus,
// getPhase): container states (waiting ContainerCreating / CrashLoopBackOff / ErrImagePull …, running,
// terminated with exit code), restartCount, readiness, the phase (Pending → Running → Succeeded/Failed
// by restartPolicy) and the PodReadyToStartContainers / Initialized / ContainersReady / Ready conditions.
import { isRecord, type Obj, timestamp } from '../../apiserver/types.js';
import type { ProbeLoop } from './probes.js';
import type { NodeProcess } from './process.js';

type Rec = Record<string, unknown>;

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: { exitCode: number; reason: string; startedAt?: string; finishedAt: string; signal?: number };
}

export interface ContainerRun {
  name: string;
  spec: Rec;
  init: boolean;
  state: ContainerState;
  lastState: ContainerState;
  restartCount: number;
  ready: boolean;
  /** Ended for good (restartPolicy says no restart). */
  done: boolean;
  containerID?: string;
  proc?: NodeProcess;
  probes: ProbeLoop[];
  timer?: NodeJS.Timeout;
  startedAtMs?: number;
  env?: Record<string, string>;
}

export interface PodView {
  pod: Obj;
  containers: ContainerRun[];
  volumesReady: boolean;
  hostIP: string;
  startTime: string;
}

function containerStatus(c: ContainerRun): Rec {
  return {
    name: c.name,
    state: c.state,
    lastState: c.lastState,
    ready: c.ready,
    restartCount: c.restartCount,
    image: String(c.spec.image ?? ''),
    imageID: `${String(c.spec.image ?? '').split(':')[0]}@sha256:${'0'.repeat(64)}`,
    ...(c.containerID ? { containerID: c.containerID } : {}),
    started: c.state.running !== undefined,
  };
}

export function podPhase(v: PodView): string {
  const inits = v.containers.filter((c) => c.init);
  const mains = v.containers.filter((c) => !c.init);
  if (inits.some((c) => c.done && (c.state.terminated?.exitCode ?? 0) !== 0)) return 'Failed';
  if (
    !inits.every((c) => c.done) ||
    !mains.some((c) => c.state.running || c.state.terminated || c.lastState.terminated)
  )
    return 'Pending';
  if (mains.every((c) => c.done))
    return mains.every((c) => c.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  return 'Running';
}

export function podStatus(v: PodView, previous: Rec | undefined): Rec {
  const now = timestamp(Date.now());
  const mains = v.containers.filter((c) => !c.init);
  const initsDone = v.containers
    .filter((c) => c.init)
    .every((c) => c.done && c.state.terminated?.exitCode === 0);
  const ready = mains.length > 0 && mains.every((c) => c.ready);
  const prevConds = (Array.isArray(previous?.conditions) ? previous.conditions : []) as Rec[];
  const cond = (type: string, ok: boolean, reason?: string): Rec => {
    const status = ok ? 'True' : 'False';
    const had = prevConds.find((c) => c.type === type);
    return {
      type,
      status,
      ...(reason && !ok ? { reason } : {}),
      lastProbeTime: null,
      lastTransitionTime: had?.status === status ? had.lastTransitionTime : now,
    };
  };
  const phase = podPhase(v);
  const notReady = mains.filter((c) => !c.ready).map((c) => c.name);
  const conditions = [
    cond('PodReadyToStartContainers', v.volumesReady),
    cond('Initialized', initsDone, 'ContainersNotInitialized'),
    cond('Ready', ready, phase === 'Succeeded' || phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady'),
    cond(
      'ContainersReady',
      ready,
      phase === 'Succeeded' || phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady',
    ),
    ...prevConds.filter((c) => c.type === 'PodScheduled'),
  ];
  if (!ready && notReady.length > 0)
    for (const c of conditions)
      if (c.type === 'Ready' || c.type === 'ContainersReady')
        c.message = `containers with unready status: [${notReady.join(' ')}]`;
  const inits = v.containers.filter((c) => c.init);
  return {
    phase,
    conditions,
    hostIP: v.hostIP,
    hostIPs: [{ ip: v.hostIP }],
    podIP: v.hostIP,
    podIPs: [{ ip: v.hostIP }],
    startTime: v.startTime,
    ...(inits.length > 0 ? { initContainerStatuses: inits.map(containerStatus) } : {}),
    containerStatuses: mains.map(containerStatus),
    qosClass: isRecord(previous) && typeof previous.qosClass === 'string' ? previous.qosClass : 'BestEffort',
  };
}

/** Status equality that ignores timestamps (a status write only when something changed). */
export const sameStatus = (a: unknown, b: unknown): boolean =>
  JSON.stringify(a, (k, v) => (k === 'lastTransitionTime' ? undefined : v)) ===
  JSON.stringify(b, (k, v) => (k === 'lastTransitionTime' ? undefined : v));

/** A pod's containers as a kubelet first sees them; after a node restart, a container that had
 *  started counts one more restart (the runtime starts it again). */
export function containerRuns(pod: Obj): ContainerRun[] {
  const spec = (isRecord(pod.spec) ? pod.spec : {}) as Rec;
  const prev = (isRecord(pod.status) ? pod.status : {}) as Rec;
  const statuses = [
    ...((prev.containerStatuses as Rec[] | undefined) ?? []),
    ...((prev.initContainerStatuses as Rec[] | undefined) ?? []),
  ];
  const mk = (c: Rec, init: boolean): ContainerRun => {
    const s = statuses.find((x) => x.name === c.name);
    const restarted = s && isRecord(s.state) && (s.state.running || s.state.terminated) ? 1 : 0;
    return {
      name: String(c.name),
      spec: c,
      init,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
      restartCount: s ? Number(s.restartCount ?? 0) + restarted : 0,
      ready: false,
      done: false,
      probes: [],
    };
  };
  return [
    ...((spec.initContainers as Rec[] | undefined) ?? []).map((c) => mk(c, true)),
    ...((spec.containers as Rec[] | undefined) ?? []).map((c) => mk(c, false)),
  ];
}
