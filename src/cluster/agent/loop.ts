// The long-running node agent: watch the node's MirrorNode, reconcile on every change (one at a
// time; changes that arrive meanwhile fold into one more pass), and again every drift interval
// (on-disk drift, an owed restart, a runtime that changed). Never performs a runtime action.
// Ready once the first reconcile finished (also when no MirrorNode names this node yet).
import type { WatchHandle } from '../../host/kube-port.js';
import type { NodeObject } from './api.js';
import { type ReconcileDeps, reconcileNode } from './reconcile.js';

export interface LoopOptions {
  node: string;
  driftIntervalMs: number;
  /** After a lock held by another transaction. */
  busyRetryMs: number;
  /** First retry after an API or node error; doubles up to the drift interval. */
  errorRetryMs: number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A file-change hint (inotify on the runtime's config dirs): calls back when files changed;
   *  returns its stop function. Only a hint: the drift interval still runs. */
  watchFiles?: (onChange: () => void) => () => void;
}

export interface AgentLoop {
  /** True once the first reconcile finished. */
  ready(): boolean;
  /** Resolves after the running reconcile (never cut short: it may be mid-transaction) ends. */
  stop(): Promise<void>;
  /** Resolves when the loop has stopped. */
  done: Promise<void>;
}

export function startAgentLoop(deps: ReconcileDeps, o: LoopOptions): AgentLoop {
  const abort = new AbortController();
  let latest: NodeObject | undefined;
  let seen = false;
  let first = true;
  let ready = false;
  let dirty = true;
  let wake: (() => void) | undefined;
  let watch: WatchHandle | undefined;
  let failures = 0;
  let stopHint: (() => void) | undefined;

  const kick = () => {
    dirty = true;
    wake?.();
  };
  /** Sleeps until `ms` passed, a change arrived, or stop. */
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const inner = new AbortController();
      const onAbort = () => inner.abort();
      abort.signal.addEventListener('abort', onAbort, { once: true });
      wake = () => inner.abort();
      o.sleep(ms, inner.signal).then(() => {
        abort.signal.removeEventListener('abort', onAbort);
        wake = undefined;
        resolve();
      });
    });

  const pass = async (): Promise<number> => {
    const obj = latest;
    if (!seen) return o.driftIntervalMs; // the watch has not listed yet
    if (!obj) {
      if (first) deps.log(`no MirrorNode ${o.node} yet: waiting for the controller to select this node`);
      return o.driftIntervalMs;
    }
    if (!obj.node) {
      deps.log(`${obj.problem}; waiting for a valid one`);
      return o.driftIntervalMs;
    }
    const r = await reconcileNode(deps, obj, { mayAct: false });
    if (r.kind === 'busy') {
      deps.log('another mirrorctl transaction holds the node lock; retrying');
      return o.busyRetryMs;
    }
    // The status we just wrote is the freshest object until the watch delivers a newer one.
    if (r.node && latest === obj) latest = r.node;
    return o.driftIntervalMs;
  };

  const run = async () => {
    while (!abort.signal.aborted) {
      let next: number;
      dirty = false;
      try {
        next = await pass();
        failures = 0;
      } catch (e) {
        next = Math.min(o.errorRetryMs * 2 ** failures++, o.driftIntervalMs);
        deps.log(
          `reconcile failed (retry in ${Math.round(next / 1000)} s): ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      if (seen && first) {
        first = false;
        ready = true;
      }
      if (abort.signal.aborted) break;
      if (!dirty) await idle(next);
    }
  };

  const done = (async () => {
    while (!abort.signal.aborted && !watch) {
      try {
        watch = await deps.api.watchNode(o.node, (obj) => {
          // Our own status writes come back as events: only a spec change (generation) or the
          // object appearing/disappearing needs a new pass.
          const changed =
            !seen ||
            !obj !== !latest ||
            obj?.node?.metadata.generation !== latest?.node?.metadata.generation ||
            obj?.problem !== latest?.problem;
          seen = true;
          latest = obj;
          if (changed) kick();
        });
      } catch (e) {
        deps.log(`cannot list MirrorNode ${o.node}: ${e instanceof Error ? e.message : String(e)}`);
        await idle(Math.min(o.errorRetryMs * 2 ** failures++, o.driftIntervalMs));
      }
    }
    stopHint = o.watchFiles?.(() => {
      // Only when something is there to compare; our own writes come back too: one more pass
      // finds the node in sync and writes nothing.
      if (latest?.node) kick();
    });
    await run();
    stopHint?.();
  })();

  return {
    ready: () => ready,
    async stop() {
      abort.abort();
      wake?.();
      watch?.stop();
      await done;
    },
    done,
  };
}
