// Labels every manifest shares: app.kubernetes.io/* with managed-by mirrorctl (what `uninstall`
// may delete), plus the component; `name` doubles as each workload's pod selector.
import type { KubernetesObject } from '@kubernetes/client-node';
import { APP_LABELS, MANAGED_BY } from './api/meta.js';

/** An object of any kind, as the builders return and kubectl/kustomize read it. */
export type Manifest = KubernetesObject & Record<string, unknown>;

export type Component = 'controller' | 'agent' | 'apply-job' | 'rbac' | 'namespace' | 'crd' | 'policy';

export const componentLabels = (component: Component, name: string): Record<string, string> => ({
  [APP_LABELS.name]: name,
  [APP_LABELS.component]: component,
  [APP_LABELS.partOf]: 'mirrorctl',
  [APP_LABELS.managedBy]: MANAGED_BY,
});
