// The kubectl-style connection flags of the cluster verbs: --kubeconfig, --context. The client verbs
// (install, rollout, nodes, status/rollback/uninstall --cluster) take no -n: mirrorctl's objects live
// in the `mirrorctl` namespace (the controller's, and the only one Secrets are read from). The
// controller itself also takes -n (KUBE_OPTIONS).

import { resolve } from 'node:path';
import { NAMESPACE } from '../../cluster/api/meta.js';
import type { Kube } from '../../host/kube-port.js';
import type { KubeConfigSource } from '../../host/pooled-kubeconfig.js';
import { type OptionDef, type OptionValues, optString } from '../command.js';
import type { CliContext } from '../context.js';

export const CLIENT_KUBE_OPTIONS: OptionDef[] = [
  {
    flags: '--kubeconfig <file>',
    description: 'kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)',
  },
  { flags: '--context <name>', description: 'kubeconfig context' },
];

export const KUBE_OPTIONS: OptionDef[] = [
  ...CLIENT_KUBE_OPTIONS,
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
  return connectKube(
    {
      env: ctx.env,
      ...(kubeconfig ? { kubeconfig: resolve(ctx.cwd, kubeconfig) } : {}),
      ...(context ? { context } : {}),
    },
    NAMESPACE,
  );
}
