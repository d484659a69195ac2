// IDMS / ITMS / ICSP objects → spec entries. A source with both a digest rule and a tag rule for the
// same mirror becomes one `pullFrom: all` mirror; a mirror only in IDMS is digest-only, only in ITMS
// tag-only. Mirrors are prefixes at https://<host>/v2, so they read back as namespace mirrors.

import type { Diagnostic } from '../diagnostics.js';
import type { EntryDoc, MirrorDoc } from './spec-doc.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

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

export function rulesOf(obj: unknown, file: string): { rules: Rule[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const kind = isObj(obj) && typeof obj.kind === 'string' ? obj.kind : '';
  const def = RULE_FIELDS[kind];
  if (!def || !isObj(obj) || !isObj(obj.spec))
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
  if (!Array.isArray(list)) return { rules, diagnostics };
  list.forEach((r, i) => {
    const field = `spec.${def.field}[${i}]`;
    if (!isObj(r) || typeof r.source !== 'string') {
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
  return { rules, diagnostics };
}

/** Merges digest and tag rules per source into spec entries (order of first appearance kept). */
export function rulesToEntries(
  rules: Rule[],
  file: string,
): { entries: EntryDoc[]; diagnostics: Diagnostic[] } {
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
