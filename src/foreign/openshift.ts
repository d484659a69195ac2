// OpenShift: the Machine Config Operator renders registries.conf from ImageDigestMirrorSet /
// ImageTagMirrorSet (config.openshift.io/v1) and image.config.openshift.io/cluster, and overwrites
// hand edits. The MCO turns IDMS mirrors into `pull-from-mirror = "digest-only"` and ITMS mirrors
// into `"tag-only"`, sources/mirrors are c/image prefixes (no scheme, /v2 implied), and
// NeverContactSource becomes `blocked = true`. CA bundles go through a ConfigMap in openshift-config
// named by image.config's additionalTrustedCA, keyed `host..port`. Read back: IDMS, ITMS and the
// deprecated ImageContentSourcePolicy; the YAML `convert` prints is openshift-documents.ts.
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, MirrorSet, RegistryEntry, SpecAssets } from '../spec/types.js';
import { isRecord } from '../util/is-record.js';
import { entryProblems } from './openshift-limits.js';
import type { EntryDoc, MirrorDoc, ReadResult } from './spec-doc.js';
import { readYamlDocs } from './yaml-docs.js';

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

const location = (m: Mirror): string => `${m.host}${m.path}`;

/** `name`: the objects' metadata.name (default mirrorctl-<spec name>, what rollout applies). */
export function specToOpenShift(
  set: MirrorSet,
  assets: SpecAssets,
  name: string = objectName(set),
): OpenShiftOutput {
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
  const objects: KubeObject[] = [];
  const mirrorSet = (kind: string, field: string, rules: MirrorRule[]): void => {
    if (rules.length > 0)
      objects.push({
        apiVersion: 'config.openshift.io/v1',
        kind,
        metadata: { name, labels: LABELS },
        spec: { [field]: rules },
      });
  };
  mirrorSet('ImageDigestMirrorSet', 'imageDigestMirrors', digest);
  mirrorSet('ImageTagMirrorSet', 'imageTagMirrors', tag);
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

// Reading: a source with both a digest rule and a tag rule for the same mirror becomes one
// `pullFrom: all` mirror; a mirror only in IDMS is digest-only, only in ITMS tag-only. Mirrors are
// prefixes at https://<host>/v2, so they read back as namespace mirrors.

interface Rule {
  source: string;
  mirrors: string[];
  never: boolean;
  kind: 'digest' | 'tag';
}

const RULE_FIELDS: Record<string, { field: string; kind: 'digest' | 'tag' }> = {
  ImageDigestMirrorSet: { field: 'imageDigestMirrors', kind: 'digest' },
  ImageTagMirrorSet: { field: 'imageTagMirrors', kind: 'tag' },
  ImageContentSourcePolicy: { field: 'repositoryDigestMirrors', kind: 'digest' },
};

function rulesOf(obj: unknown, file: string): { rules: Rule[]; diagnostics: Diagnostic[]; name?: string } {
  const diagnostics: Diagnostic[] = [];
  const kind = isRecord(obj) && typeof obj.kind === 'string' ? obj.kind : '';
  const def = RULE_FIELDS[kind];
  if (!def || !isRecord(obj) || !isRecord(obj.spec))
    return {
      rules: [],
      diagnostics: [
        {
          severity: 'warning',
          code: 'convert.openshift.kind',
          file,
          message: `a document of kind "${kind || '?'}" is not an ImageDigestMirrorSet, ImageTagMirrorSet or ImageContentSourcePolicy; ignored`,
        },
      ],
    };
  const list = obj.spec[def.field];
  const rules: Rule[] = [];
  const name =
    isRecord(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : undefined;
  const named = name === undefined ? {} : { name };
  if (!Array.isArray(list)) return { rules, diagnostics, ...named };
  list.forEach((r, i) => {
    const field = `spec.${def.field}[${i}]`;
    if (!isRecord(r) || typeof r.source !== 'string') {
      diagnostics.push({
        severity: 'error',
        code: 'convert.openshift.rule',
        file,
        field,
        message: 'a rule without a source string',
      });
      return;
    }
    const mirrors = Array.isArray(r.mirrors)
      ? r.mirrors.filter((m): m is string => typeof m === 'string')
      : [];
    if (mirrors.length === 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'convert.openshift.no-mirrors',
        file,
        field,
        message: `rule for ${r.source} has no mirrors (only a source policy); a mirrorctl entry needs at least one mirror, so it is left out`,
      });
      return;
    }
    rules.push({
      source: r.source,
      mirrors,
      never: r.mirrorSourcePolicy === 'NeverContactSource',
      kind: def.kind,
    });
  });
  return { rules, diagnostics, ...named };
}

/** Merges digest and tag rules per source into spec entries (order of first appearance kept). */
function rulesToEntries(rules: Rule[], file: string): { entries: EntryDoc[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const bySource = new Map<string, { digest: string[]; tag: string[]; never: Set<boolean> }>();
  for (const r of rules) {
    const cur = bySource.get(r.source) ?? { digest: [], tag: [], never: new Set<boolean>() };
    const list = r.kind === 'digest' ? cur.digest : cur.tag;
    for (const m of r.mirrors) if (!list.includes(m)) list.push(m);
    cur.never.add(r.never);
    bySource.set(r.source, cur);
  }
  const entries: EntryDoc[] = [];
  for (const [source, s] of bySource) {
    if (s.never.size > 1)
      diagnostics.push({
        severity: 'warning',
        code: 'convert.openshift.policy-mixed',
        file,
        message: `${source}: some rules say NeverContactSource and others allow the source; the MCO blocks the source when any rule says Never, and so does the spec (fallback: false)`,
      });
    const order = [...s.digest, ...s.tag.filter((m) => !s.digest.includes(m))];
    const mirrors: MirrorDoc[] = order.map((m) => {
      const d = s.digest.includes(m);
      const t = s.tag.includes(m);
      return { url: `https://${m}`, ...(d && t ? {} : { pullFrom: d ? 'digest-only' : 'tag-only' }) };
    });
    entries.push({ source, ...(s.never.has(true) ? { fallback: false } : {}), mirrors });
  }
  if (rules.length > 0)
    diagnostics.push({
      severity: 'info',
      code: 'convert.openshift.https-assumed',
      file,
      message:
        'mirrors are written as https:// URLs; insecure registries and CAs live in image.config.openshift.io/cluster, which this file does not hold',
      hint: 'switch a mirror to http:// or add tls.caFile in the spec if the cluster lists it as insecure or trusts a custom CA',
    });
  return { entries, diagnostics };
}

/**
 * The objects' metadata.name is the input's name: `oc adm migrate icsp` keeps it from ICSP to IDMS,
 * and so does `convert` (issue 19 item 2). Several names: the first, said so.
 */
export function readOpenShift(text: string, file: string): ReadResult {
  const parsed = readYamlDocs(text, file);
  const diagnostics = [...parsed.diagnostics];
  const names: string[] = [];
  const rules = parsed.docs.flatMap((d) => {
    const r = rulesOf(d, file);
    diagnostics.push(...r.diagnostics);
    if (r.name !== undefined && !names.includes(r.name)) names.push(r.name);
    return r.rules;
  });
  const merged = rulesToEntries(rules, file);
  if (names.length > 1)
    merged.diagnostics.push({
      severity: 'warning',
      code: 'convert.openshift.names',
      file,
      message: `the input's objects are named ${names.join(', ')}; the result is named ${names[0]}`,
      hint: 'use --name to choose the name',
    });
  return {
    entries: merged.entries,
    diagnostics: [...diagnostics, ...merged.diagnostics],
    ...(names[0] !== undefined ? { name: names[0] } : {}),
  };
}
