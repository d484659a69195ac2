// Flags and wiring shared by the node-level transaction verbs (rollback, uninstall, status):
// the node and runtime-control flags (one table with plan/apply: ../node-options.ts), the stderr
// step logger, the text/JSON result writer, and the --cluster delegation. Cluster code is imported
// lazily so a node-only build (or a broken cluster module) fails only the --cluster path.
import { CliError, ExitCode } from '../../exit-codes.js';
import type { Host, Logger } from '../../host/ports.js';
import { DEFAULT_STATE_DIR } from '../../transaction/state-files.js';
import { nodeStatus } from '../../transaction/status.js';
import { exitCodeFor, type TxOptions, type TxResult } from '../../transaction/types.js';
import { type OptionValues, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { nodeHost } from '../node-host.js';
import {
  durationFlag,
  NODE_OPTIONS,
  ROOT_OPTION,
  rootOf,
  runtimeFlag,
  STATE_DIR_OPTION,
} from '../node-options.js';
import { step, writeDiagnostics, writeDoc } from '../output.js';
import { txOptions } from '../runtime-wiring.js';

export {
  CLUSTER_OPTIONS,
  CLUSTER_ROLLBACK_OPTIONS,
  CLUSTER_UNINSTALL_OPTIONS,
  CONTROL_OPTIONS,
  OUTPUT_OPTION,
} from './node-tx-flags.js';
export { NODE_OPTIONS, ROOT_OPTION, rootOf, STATE_DIR_OPTION };

export function stepLogger(ctx: CliContext): Logger {
  return {
    step: (ok, message) => step(ctx, ok, message),
    info: (m) => (ctx.quiet ? undefined : ctx.stderr.write(`${m}\n`)),
    warn: (m) => ctx.stderr.write(`⚠ ${m}\n`),
    debug: (m) => (ctx.verbose ? ctx.stderr.write(`${m}\n`) : undefined),
  };
}

export function nodeTxSetup(ctx: CliContext, o: OptionValues): { host: Host; opts: TxOptions } {
  const root = rootOf(ctx, o);
  const host = nodeHost(root, stepLogger(ctx));
  const restartCommand = optString(o, 'restartCommand');
  const reloadCommand = optString(o, 'reloadCommand');
  const criEndpoint = optString(o, 'criEndpoint');
  const stateDir = optString(o, 'stateDir');
  const opts = txOptions(host.run, {
    root,
    healthTimeoutMs: durationFlag(optString(o, 'healthTimeout') ?? '30s', '--health-timeout'),
    env: ctx.env,
    ...(restartCommand ? { restartCommand } : {}),
    ...(reloadCommand ? { reloadCommand } : {}),
    ...(criEndpoint ? { criEndpoint } : {}),
    ...(stateDir ? { stateDir } : {}),
    // commander turns --no-runtime-action into runtimeAction: false (as apply does)
    ...(o.runtimeAction === false ? { deferAction: true } : {}),
  });
  return { host, opts: { ...opts, force: o.force === true } };
}

/**
 * rollback/uninstall take --runtime like plan/apply (one flag set for every node verb), but they
 * undo what was recorded: a --runtime naming another target than the apply in effect is a mistake
 * about the node, refused before anything is touched.
 */
export async function refuseOtherRuntime(o: OptionValues, host: Host, verb: string): Promise<void> {
  const wanted = runtimeFlag(o);
  if (!wanted) return;
  const recorded = (await nodeStatus(host.fs, optString(o, 'stateDir') ?? DEFAULT_STATE_DIR)).lastApply
    ?.target;
  if (recorded && recorded !== wanted)
    throw new CliError(
      `--runtime ${wanted}, but the apply in effect on this node was for ${recorded}; ${verb} undoes what that apply wrote (pass --runtime ${recorded} or auto)`,
      ExitCode.INVALID_INPUT,
    );
}

const VERB: Record<TxResult['kind'], string> = {
  apply: 'applied',
  rollback: 'rolled back',
  uninstall: 'uninstalled',
};

/** One line (text) or one JSON document (-o json) on stdout; diagnostics on stderr. */
export function writeTxResult(ctx: CliContext, o: OptionValues, r: TxResult): number {
  writeDiagnostics(ctx, r.diagnostics);
  const output = optString(o, 'output');
  if (output === 'json' || output === 'yaml') writeDoc(ctx, output, r);
  else {
    const action = r.action ? `; ${r.action.kind} ${r.action.service}` : '';
    const recovered = r.recovered
      ? ` (first recovered interrupted ${r.recovered.txid}: ${r.recovered.outcome})`
      : '';
    const lines: Record<TxResult['status'], string> = {
      applied: `${VERB[r.kind]}: ${r.changed.length} file(s)${action}`,
      unchanged: 'nothing to do',
      refused: 'refused: nothing was changed',
      failed: 'failed: nothing was changed',
      'rolled-back': `failed and restored${r.runtimeError ? `: ${r.runtimeError}` : ''}`,
      'rollback-failed': 'FAILED and could not restore: the host needs attention (see above)',
    };
    ctx.stdout.write(`${lines[r.status]}${recovered}\n`);
  }
  return exitCodeFor(r);
}

type ClusterVerb = 'clusterStatus' | 'clusterRollback' | 'clusterUninstall';

/** Delegates to src/cli/cluster-commands.ts, loaded only now. */
export async function runClusterVerb(ctx: CliContext, o: OptionValues, verb: ClusterVerb): Promise<number> {
  let cluster: typeof import('../cluster-commands.js');
  let follow: typeof import('../cluster-follow.js');
  let kubeOpts: typeof import('./kube-options.js');
  try {
    [cluster, follow, kubeOpts] = await Promise.all([
      import('../cluster-commands.js'),
      import('../cluster-follow.js'),
      import('./kube-options.js'),
    ]);
  } catch (e) {
    throw new CliError(
      `--cluster is unavailable in this build: ${e instanceof Error ? e.message : String(e)}`,
      ExitCode.INTERNAL,
    );
  }
  const f = follow.followFlags(o);
  if (Array.isArray(f)) {
    writeDiagnostics(ctx, f);
    return ExitCode.INVALID_INPUT;
  }
  const kube = await kubeOpts.kubeFromOptions(ctx, o);
  if (verb === 'clusterStatus') {
    const name = optString(o, 'name');
    return cluster.clusterStatus(ctx, { kube, output: f.output, ...(name ? { name } : {}) });
  }
  return cluster[verb](ctx, kube, o, f);
}
