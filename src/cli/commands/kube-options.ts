// The kubectl-style connection flags shared by the cluster verbs (nodes, rollout, status/rollback/
// uninstall --cluster): --kubeconfig, --context, -n/--namespace.

import type { Kube } from '../../host/kube-port.js';
import type { KubeConfigSource } from '../../host/pooled-kubeconfig.js';
import { type OptionDef, type OptionValues, optString } from '../command.js';
import type { CliContext } from '../context.js';

export const KUBE_OPTIONS: OptionDef[] = [
  {
    flags: '--kubeconfig <file>',
    description: 'kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)',
  },
  { flags: '--context <name>', description: 'kubeconfig context' },
  {
    flags: '-n, --namespace <ns>',
    description: "namespace of mirrorctl's objects (default: context's, else mirrorctl)",
  },
];

/** Loads the Kubernetes client on first use (it is heavy; node-level commands never need it), on a
 *  kubeconfig resolved like kubectl's. */
export async function connectKube(source: KubeConfigSource, namespace?: string): Promise<Kube> {
  const [{ loadKubeConfig }, { createKubeClient }] = await Promise.all([
    import('../../host/pooled-kubeconfig.js'),
    import('../../cluster/kube-client.js'),
  ]);
  return createKubeClient(loadKubeConfig(source), namespace ? { namespace } : {});
}

export async function kubeFromOptions(ctx: CliContext, o: OptionValues): Promise<Kube> {
  const kubeconfig = optString(o, 'kubeconfig');
  const context = optString(o, 'context');
  const namespace = optString(o, 'namespace');
  return connectKube(
    { env: ctx.env, ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) },
    namespace,
  );
}
