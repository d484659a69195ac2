// Label and field selectors as kube-apiserver parses them (k8s.io/apimachinery/pkg/labels/selector.go:
// `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`; pkg/fields/selector.go: `f=v`,
// `f==v`, `f!=v`), and metav1.LabelSelector objects (matchLabels + matchExpressions) for sims.
import { ApiError, type Obj } from './types.js';

type LabelReq =
  | { op: 'eq' | 'ne'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'absent'; key: string };

export type LabelFilter = (labels: Record<string, string> | undefined) => boolean;

/** Splits at commas outside parentheses. */
function terms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function parseLabelTerm(t: string): LabelReq {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(t);
  if (set)
    return {
      op: set[2] === 'in' ? 'in' : 'notin',
      key: set[1] ?? '',
      values: (set[3] ?? '').split(',').map((v) => v.trim()),
    };
  const ne = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(t);
  if (ne) return { op: 'ne', key: ne[1] ?? '', value: ne[2] ?? '' };
  const eq = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(t);
  if (eq) return { op: 'eq', key: eq[1] ?? '', value: eq[2] ?? '' };
  if (/^![^\s!=()]+$/.test(t)) return { op: 'absent', key: t.slice(1) };
  if (/^[^\s!=()]+$/.test(t)) return { op: 'exists', key: t };
  throw new ApiError(400, 'BadRequest', `unable to parse requirement: ${t}`);
}

function matchReq(r: LabelReq, l: Record<string, string>): boolean {
  const has = Object.hasOwn(l, r.key);
  switch (r.op) {
    case 'eq':
      return has && l[r.key] === r.value;
    case 'ne':
      return !has || l[r.key] !== r.value;
    case 'in':
      return has && r.values.includes(l[r.key] ?? '');
    case 'notin':
      return !has || !r.values.includes(l[r.key] ?? '');
    case 'exists':
      return has;
    case 'absent':
      return !has;
  }
}

/** Parses a `labelSelector` query value; throws a 400 ApiError on bad syntax. */
export function parseLabelSelector(selector: string | null | undefined): LabelFilter {
  if (!selector) return () => true;
  const reqs = terms(selector).map(parseLabelTerm);
  return (labels) => {
    const l = labels ?? {};
    return reqs.every((r) => matchReq(r, l));
  };
}

/** Kept for existing callers: whether `labels` match a selector string. */
export function matchesSelector(labels: Record<string, string> | undefined, selector: string): boolean {
  return parseLabelSelector(selector)(labels);
}

export type FieldFilter = (o: Obj) => boolean;

/** Parses a `fieldSelector` against the fields a resource supports (400 for any other field). */
export function parseFieldSelector(
  selector: string | null | undefined,
  fields: Record<string, (o: Obj) => string>,
): FieldFilter & { onlyName?: string } {
  if (!selector) return () => true;
  const reqs = terms(selector).map((t) => {
    const m = /^([^!=]+?)\s*(!=|==|=)\s*(.*)$/.exec(t);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid selector: '${selector}'; can't understand '${t}'`);
    const field = m[1] ?? '';
    const get = fields[field];
    if (!get) throw new ApiError(400, 'BadRequest', `field label not supported: ${field}`);
    return { field, get, neg: m[2] === '!=', value: m[3] ?? '' };
  });
  const filter: FieldFilter & { onlyName?: string } = (o) =>
    reqs.every((r) => (r.get(o) === r.value) !== r.neg);
  // A watch on one name is indexed by it (the stand-in's fast path for 5,000 per-node watches).
  const byName = reqs.find((r) => r.field === 'metadata.name' && !r.neg);
  if (byName) filter.onlyName = byName.value;
  return filter;
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** metav1.LabelSelectorAsSelector: an empty selector matches everything; `null` matches nothing. */
export function matchesLabelSelector(
  sel: LabelSelectorObject | null | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  return (sel.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        return has && values.includes(l[e.key] ?? '');
      case 'NotIn':
        return !has || !values.includes(l[e.key] ?? '');
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

export const isEmptyLabelSelector = (sel: LabelSelectorObject | null | undefined): boolean =>
  !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
