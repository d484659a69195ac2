// Names, labels and paths shared by the manifests, the rollout and the agent, so the three agree.
// Object names are DNS-1123 (Kubernetes rejects anything else; cdk8s names.ts does the same).
import { createHash } from 'node:crypto';

export const DEFAULT_NAMESPACE = 'mirrorctl';
export const AGENT_NAME = 'mirrorctl-agent';
export const SPEC_CONFIGMAP = 'mirrorctl-spec';
/** Private keys named by the spec's tls.keyFile (and PEMs bundling one): never in a ConfigMap. */
export const TLS_SECRET = 'mirrorctl-tls';
/** The agent bundle lives in its own ConfigMap, suffixed by content hash: a new bundle changes the pod
 *  template, so the DaemonSet replaces the agent pods; a new spec only changes SPEC_CONFIGMAP. */
export const BUNDLE_CONFIGMAP_PREFIX = 'mirrorctl-agent-bundle';
export const GATE_TAINT_KEY = 'mirrorctl/not-ready';
export const DEFAULT_AGENT_IMAGE = 'node:20-alpine';

export const LABELS = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  component: 'app.kubernetes.io/component',
} as const;

export const AGENT_SELECTOR: Record<string, string> = { [LABELS.name]: AGENT_NAME };

/** Keys of the spec ConfigMap (see agent-protocol.ts for the control document). */
export const SPEC_KEYS = { spec: 'mirrors.yaml', control: 'control.json', history: 'history.json' } as const;
export const BUNDLE_KEY = 'agent.mjs';

/** Paths inside the agent container. */
export const POD_PATHS = {
  configDir: '/config',
  bundleDir: '/mirrorctl',
  tlsKeyDir: '/secrets/tls',
  hostRoot: '/host',
  resultDir: '/run/mirrorctl',
  resultFile: '/run/mirrorctl/result.json',
} as const;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const isDns1123Label = (s: string): boolean => s.length <= 63 && DNS1123_LABEL.test(s);
export const isDns1123Subdomain = (s: string): boolean => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);

/** First 10 hex chars of sha256: short enough for a name suffix, long enough not to collide by accident. */
export const shortHash = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 10);

/** The revision of a spec text as the CLI publishes it and the agent reports it back. */
export const specRevision = (specText: string): string => shortHash(specText);

export const bundleConfigMapName = (bundle: string): string =>
  `${BUNDLE_CONFIGMAP_PREFIX}-${shortHash(bundle)}`;
