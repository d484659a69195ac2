// Following a MirrorSet until the controller is done with it (verdict.ts decides when): a watch on
// that one object (field selector on its name) and, for a live table, on the MirrorNodes — no
// polling, one LIST per informer. Every change is handed to `onChange` (the CLI's progress writer);
// the timeout ends with the state reached, never with a guess.
import type { Informer, Kube, KubernetesObject } from '../../host/kube-port.js';
import {
  asMirrorNode,
  asMirrorSet,
  MIRRORNODES,
  MIRRORSETS,
  type MirrorNodeView,
  type MirrorSetView,
} from './resources.js';
import { type Expectation, STOPPED, verdict } from './verdict.js';

export interface FollowSnapshot {
  set?: MirrorSetView;
  /** This MirrorSet's MirrorNodes (only with watchNodes). */
  nodes?: MirrorNodeView[];
  /** What the follower still waits for (undefined once done). */
  waitingFor?: string;
}

export interface FollowOptions {
  timeoutMs: number;
  watchNodes: boolean;
  onChange: (s: FollowSnapshot) => void;
  now?: () => number;
}

export interface FollowResult {
  exitCode: number;
  message: string;
  timedOut: boolean;
  set?: MirrorSetView;
}

const started = (inf: Informer<KubernetesObject>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void inf.start().then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });

export async function follow(
  kube: Kube,
  name: string,
  expect: Expectation,
  o: FollowOptions,
): Promise<FollowResult> {
  const now = o.now ?? Date.now;
  const deadline = now() + o.timeoutMs;
  const sets = kube.informer(MIRRORSETS, { fieldSelector: `metadata.name=${name}` });
  const nodes = o.watchNodes ? kube.informer(MIRRORNODES) : undefined;
  let wake: () => void = () => {};
  sets.onChange(() => wake());
  nodes?.onChange(() => wake());
  try {
    const ok = await Promise.all([sets, ...(nodes ? [nodes] : [])].map((i) => started(i, o.timeoutMs)));
    if (!ok.every(Boolean))
      return {
        exitCode: STOPPED,
        timedOut: true,
        message: `could not list ${MIRRORSETS.plural} within the timeout`,
      };
    for (;;) {
      const set = asMirrorSet(sets.get(name));
      const v = verdict(set, expect);
      o.onChange({
        ...(set ? { set } : {}),
        ...(nodes
          ? {
              nodes: nodes
                .list()
                .map(asMirrorNode)
                .filter((n) => n.spec?.mirrorSet === name),
            }
          : {}),
        ...(v.done ? {} : { waitingFor: v.waitingFor }),
      });
      if (v.done)
        return { exitCode: v.exitCode, message: v.message, timedOut: false, ...(set ? { set } : {}) };
      const left = deadline - now();
      if (left <= 0)
        return {
          exitCode: STOPPED,
          timedOut: true,
          message: `timed out waiting for ${v.waitingFor}`,
          ...(set ? { set } : {}),
        };
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } finally {
    sets.stop();
    nodes?.stop();
  }
}
