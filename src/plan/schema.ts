// A plan read back from `plan -o json` (apply --plan FILE): validated before anything touches a node.
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import { TARGETS } from '../spec/types.js';
import { isHidden } from './redact.js';
import { PLAN_API_VERSION, type Plan } from './types.js';

/** Built on first use, not at module load: every `apply` imports this module, only `apply --plan FILE` parses. */
function buildPlanSchema() {
  const sha256 = () => z.string().regex(/^[0-9a-f]{64}$/);
  const base = { path: z.string().startsWith('/'), reason: z.string(), secret: z.boolean().optional() };
  /** What a create or update writes. */
  const written = {
    content: z.string(),
    contentSha256: sha256().optional(),
    mode: z.number().int(),
    owned: z.boolean(),
  };
  /** What an update or delete replaces (checked against the node before writing). */
  const replaced = { beforeSha256: sha256(), before: z.string() };
  const change = z.discriminatedUnion('kind', [
    z.object({ ...base, kind: z.literal('create'), ...written }),
    z.object({ ...base, kind: z.literal('update'), ...replaced, ...written }),
    z.object({ ...base, kind: z.literal('delete'), ...replaced }),
  ]);
  const diagnostic = z.object({
    severity: z.enum(['error', 'warning', 'info']),
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    file: z.string().optional(),
    line: z.number().optional(),
    column: z.number().optional(),
    hint: z.string().optional(),
    target: z.string().optional(),
  });
  return z.object({
    apiVersion: z.literal(PLAN_API_VERSION),
    specHash: z.string(),
    specName: z.string(),
    target: z.enum(TARGETS),
    runtime: z.object({
      name: z.string(),
      version: z.string().optional(),
      configVersion: z.number().optional(),
    }),
    changes: z.array(change),
    action: z.object({
      kind: z.enum(['none', 'reload', 'restart']),
      service: z.enum(['containerd', 'crio', 'docker', 'k3s', 'rke2']),
      reason: z.string(),
    }),
    diagnostics: z.array(diagnostic),
  });
}
let planSchemaMemo: ReturnType<typeof buildPlanSchema> | undefined;
const planSchema = (): ReturnType<typeof buildPlanSchema> => {
  planSchemaMemo ??= buildPlanSchema();
  return planSchemaMemo;
};

/**
 * Parses a saved plan. A file hidden whole (a secret file, or one whose secrets could not be located)
 * cannot be applied from the plan; values masked inside a file are put back by restorePlan (redact.ts).
 */
export function parsePlan(text: string, file: string): { plan?: Plan; diagnostics: Diagnostic[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return {
      diagnostics: [
        { severity: 'error', code: 'plan.file.json', file, message: `not JSON: ${(e as Error).message}` },
      ],
    };
  }
  const r = planSchema().safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'plan.file.invalid',
          file,
          field: i?.path.join('.') ?? '',
          message: `not a ${PLAN_API_VERSION} plan: ${i?.message ?? 'invalid'}`,
          hint: 'produce it with `mirrorctl plan -o json`',
        },
      ],
    };
  }
  const plan = r.data as Plan;
  const redacted = plan.changes.find((c) =>
    c.kind === 'delete' ? c.secret === true && isHidden(c.before) : isHidden(c.content),
  );
  if (redacted) {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'plan.file.redacted',
          file,
          message: `${redacted.path} holds a secret that plans never carry, so this plan cannot be applied from a file`,
          hint: 'apply with -f SPEC instead (the same plan is computed on the node)',
        },
      ],
    };
  }
  return { plan, diagnostics: [] };
}
