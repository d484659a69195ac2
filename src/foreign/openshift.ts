// OpenShift: the Machine Config Operator renders registries.conf from ImageDigestMirrorSet /
// ImageTagMirrorSet (config.openshift.io/v1) and image.config.openshift.io/cluster, and overwrites
// hand edits. The MCO turns IDMS mirrors into `pull-from-mirror = "digest-only"` and ITMS mirrors
// into `"tag-only"`, sources/mirrors are c/image prefixes (no scheme, /v2 implied), and
// NeverContactSource becomes `blocked = true`. CA bundles go through a ConfigMap in openshift-config
// named by image.config's additionalTrustedCA, keyed `host..port`.
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, MirrorSet, RegistryEntry, SpecAssets } from '../spec/types.js';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export interface MirrorRule {
  source: string;
  mirrors: string[];
  mirrorSourcePolicy?: 'NeverContactSource' | 'AllowContactingSource';
}

export interface OpenShiftOutput {
  /** IDMS, ITMS (each only when it has rules), the CA ConfigMap when a mirror has a CA. */
  objects: KubeObject[];
  /** Hosts for image.config.openshift.io/cluster spec.registrySources.insecureRegistries. */
  insecureRegistries: string[];
  /** ConfigMap name for spec.additionalTrustedCA, when CAs were emitted. */
  trustedCaConfigMap?: string;
  diagnostics: Diagnostic[];
}

export const OPENSHIFT_CONFIG_NS = 'openshift-config';
const LABELS = { 'app.kubernetes.io/managed-by': 'mirrorctl' };
export const objectName = (set: MirrorSet): string => `mirrorctl-${set.name}`;

/** image.config additionalTrustedCA keys: `host..port` for host:port (the MCO's own convention). */
export const caKey = (host: string): string => host.replace(/:(\d+)$/, '..$1');

const appliesToOpenShift = (e: RegistryEntry): boolean => e.only === undefined || e.only.includes('crio');

function entryProblems(e: RegistryEntry): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = `spec.registries[${e.index}]`;
  const err = (
    code: string,
    field: string,
    message: string,
    hint: string,
    severity: 'error' | 'warning' = 'error',
  ) => out.push({ severity, code: `render.openshift.${code}`, field, target: 'openshift', message, hint });
  if (e.source === '*')
    err(
      'wildcard',
      `${at}.source`,
      'ImageDigestMirrorSet sources name a registry or repository; "*" cannot be expressed',
      'list the registries explicitly',
    );
  e.mirrors.forEach((m, j) => {
    const f = `${at}.mirrors[${j}]`;
    if (m.pathMode !== 'namespace')
      err(
        'path-mode',
        `${f}.path`,
        `OpenShift mirrors are repository prefixes reached at https://<host>/v2/; path mode ${m.pathMode} cannot be expressed`,
        'serve the mirror at /v2 of its host and use path: namespace',
      );
    if (Object.keys(m.headers).length > 0)
      err(
        'headers',
        `${f}.headers`,
        'IDMS/ITMS have no request headers',
        'put registry credentials in the cluster pull secret instead',
      );
    if (m.tls.certFile !== undefined || m.tls.keyFile !== undefined)
      err(
        'client-cert',
        `${f}.tls`,
        'OpenShift has no per-mirror client certificates in IDMS/ITMS',
        'drop tls.certFile/keyFile for this target',
        'warning',
      );
    if (m.dialTimeout !== undefined)
      err(
        'dial-timeout',
        `${f}.dialTimeout`,
        `IDMS/ITMS have no dial timeout; ${m.dialTimeout} is dropped`,
        'remove dialTimeout for this target',
        'warning',
      );
    if (m.capabilities.includes('push'))
      err(
        'capabilities',
        `${f}.capabilities`,
        'OpenShift mirrors are pull-only; the push capability is dropped',
        'remove push for this target',
        'warning',
      );
  });
  return out;
}

const location = (m: Mirror): string => `${m.host}${m.path}`;

export function specToOpenShift(set: MirrorSet, assets: SpecAssets): OpenShiftOutput {
  const digest: MirrorRule[] = [];
  const tag: MirrorRule[] = [];
  const insecure = new Set<string>();
  const cas = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const e of set.registries.filter(appliesToOpenShift)) {
    const problems = entryProblems(e);
    diagnostics.push(...problems);
    if (problems.some((d) => d.severity === 'error')) continue;
    const policy = e.fallback ? {} : { mirrorSourcePolicy: 'NeverContactSource' as const };
    const forDigests = e.mirrors.filter((m) => m.pullFrom !== 'tag-only').map(location);
    const forTags = e.mirrors.filter((m) => m.pullFrom !== 'digest-only').map(location);
    if (forDigests.length > 0) digest.push({ source: e.source, mirrors: forDigests, ...policy });
    if (forTags.length > 0) tag.push({ source: e.source, mirrors: forTags, ...policy });
    if (!e.fallback && forTags.length === 0)
      diagnostics.push({
        severity: 'warning',
        code: 'render.openshift.digest-only-blocked',
        field: `spec.registries[${e.index}].fallback`,
        target: 'openshift',
        message: `${e.source} is blocked and only has digest mirrors: pulls by tag will fail`,
        hint: 'allow tags on a mirror (pullFrom: all) or pull by digest only',
      });
    for (const m of e.mirrors) {
      if (m.scheme === 'http' || m.tls.insecureSkipVerify) insecure.add(m.host);
      if (m.tls.caFile !== undefined && m.scheme === 'https') {
        const pem = assets[m.tls.caFile];
        if (pem !== undefined) cas.set(caKey(m.host), pem);
      }
    }
  }
  const name = objectName(set);
  const objects: KubeObject[] = [];
  if (digest.length > 0)
    objects.push({
      apiVersion: 'config.openshift.io/v1',
      kind: 'ImageDigestMirrorSet',
      metadata: { name, labels: LABELS },
      spec: { imageDigestMirrors: digest },
    });
  if (tag.length > 0)
    objects.push({
      apiVersion: 'config.openshift.io/v1',
      kind: 'ImageTagMirrorSet',
      metadata: { name, labels: LABELS },
      spec: { imageTagMirrors: tag },
    });
  const out: OpenShiftOutput = { objects, insecureRegistries: [...insecure].sort(), diagnostics };
  if (cas.size > 0) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-ca`, namespace: OPENSHIFT_CONFIG_NS, labels: LABELS },
      data: Object.fromEntries([...cas].sort(([a], [b]) => a.localeCompare(b))),
    });
    out.trustedCaConfigMap = `${name}-ca`;
  }
  return out;
}

/** The merge patch for image.config.openshift.io/cluster, given what the cluster lists already. */
export function imageConfigPatch(
  out: OpenShiftOutput,
  currentInsecure: readonly string[] = [],
): { spec: Record<string, unknown> } | undefined {
  const spec: Record<string, unknown> = {};
  const missing = out.insecureRegistries.filter((h) => !currentInsecure.includes(h));
  if (missing.length > 0) spec.registrySources = { insecureRegistries: [...currentInsecure, ...missing] };
  if (out.trustedCaConfigMap) spec.additionalTrustedCA = { name: out.trustedCaConfigMap };
  return Object.keys(spec).length > 0 ? { spec } : undefined;
}
