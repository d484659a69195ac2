// buildPlan: desired state (rendered files + edits of files we do not own) vs observed state → Plan.
// Pure and deterministic: changes are sorted so cert files precede the hosts.toml naming them
// (shorter-lived dependencies first) and the output is stable for golden tests.
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics.js';
import { isManaged } from '../render/header.js';
import type { RenderedFile } from '../render/types.js';
import type { Target } from '../spec/types.js';
import {
  type FileChange,
  PLAN_API_VERSION,
  type Plan,
  type RuntimeAction,
  type RuntimeActionKind,
  type Service,
} from './types.js';

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** A whole-file edit of a file mirrorctl does not own (config.toml, daemon.json, registries.conf). */
export interface FileEdit {
  path: string;
  /** Content after the edit; null when the edit makes no change. */
  after: string;
  mode: number;
  reason: string;
  /** What the runtime needs when this file changes. */
  needs: RuntimeActionKind;
  /** The file holds credentials (k3s registries.yaml auth): redacted in plans and logs. */
  secret?: boolean;
}

export interface PlanInput {
  specHash: string;
  specName: string;
  target: Target;
  runtime: Plan['runtime'];
  service: Service;
  /** Files mirrorctl owns, as they should be. */
  files: RenderedFile[];
  /** What each owned file change needs from the runtime (hosts.toml: none; drop-in: reload). */
  ownedNeeds: RuntimeActionKind;
  edits: FileEdit[];
  /** Current contents of every path in files/edits/managedOnHost (null = absent). */
  observed: ReadonlyMap<string, string | null>;
  /** Paths mirrorctl owns on the host now (from state.json and managed headers). */
  managedOnHost: readonly string[];
  /** Replace existing files at owned paths that mirrorctl did not write (backed up, restored on uninstall). */
  takeOver: boolean;
  diagnostics: Diagnostic[];
}

const RANK: Record<RuntimeActionKind, number> = { none: 0, reload: 1, restart: 2 };

/** Cert/key files first, then other owned files, then edits of foreign files, deletions last. */
function order(c: FileChange): string {
  const isCert = /\.(pem|crt|cert|key)$/.test(c.path);
  const group = c.kind === 'delete' ? 3 : isCert ? 0 : c.kind === 'create' || c.owned ? 1 : 2;
  return `${group}:${c.path}`;
}

export function buildPlan(input: PlanInput): Plan {
  const diagnostics = [...input.diagnostics];
  const changes: FileChange[] = [];
  const reasons: string[] = [];
  let action: RuntimeActionKind = 'none';
  const need = (kind: RuntimeActionKind, why: string) => {
    if (kind === 'none') return;
    reasons.push(why);
    if (RANK[kind] > RANK[action]) action = kind;
  };
  const desired = new Set(input.files.map((f) => f.path));
  const managed = new Set(input.managedOnHost);

  for (const f of input.files) {
    const before = input.observed.get(f.path) ?? null;
    const secret = f.secret === true ? { secret: true } : {};
    if (before === null) {
      changes.push({
        kind: 'create',
        path: f.path,
        content: f.content,
        mode: f.mode,
        owned: true,
        reason: 'new',
        ...secret,
      });
      need(input.ownedNeeds, `${f.path} created`);
    } else if (before !== f.content) {
      if (!managed.has(f.path) && !isManaged(before) && !input.takeOver) {
        diagnostics.push({
          severity: 'error',
          code: 'plan.unowned-file',
          file: f.path,
          message: 'exists and was not written by mirrorctl; refusing to overwrite it',
          hint: 'move it away, import it into the spec (`mirrorctl import --from-node`), or pass --take-over (it is backed up and restored by `mirrorctl uninstall`)',
        });
        continue;
      }
      changes.push({
        kind: 'update',
        path: f.path,
        before,
        beforeSha256: sha256(before),
        content: f.content,
        mode: f.mode,
        owned: true,
        reason: 'content differs from the spec',
        ...secret,
      });
      need(input.ownedNeeds, `${f.path} changed`);
    }
  }
  for (const path of [...managed].sort()) {
    if (desired.has(path)) continue;
    const before = input.observed.get(path) ?? null;
    if (before === null) continue;
    changes.push({
      kind: 'delete',
      path,
      before,
      beforeSha256: sha256(before),
      reason: 'no longer in the spec',
    });
    need(input.ownedNeeds, `${path} removed`);
  }
  for (const e of input.edits) {
    const before = input.observed.get(e.path) ?? null;
    if (before === e.after) continue;
    const secret = e.secret === true ? { secret: true } : {};
    if (before === null) {
      changes.push({
        kind: 'create',
        path: e.path,
        content: e.after,
        mode: e.mode,
        owned: false,
        reason: e.reason,
        ...secret,
      });
    } else {
      changes.push({
        kind: 'update',
        path: e.path,
        before,
        beforeSha256: sha256(before),
        content: e.after,
        mode: e.mode,
        owned: false,
        reason: e.reason,
        ...secret,
      });
    }
    need(e.needs, `${e.path}: ${e.reason}`);
  }
  changes.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const runtimeAction: RuntimeAction = {
    kind: action,
    service: input.service,
    reason:
      action === 'none'
        ? nothingNeeded(
            input.target,
            changes.length,
            diagnostics.some((d) => d.severity === 'error'),
          )
        : reasons.join('; '),
  };
  return {
    apiVersion: PLAN_API_VERSION,
    specHash: input.specHash,
    specName: input.specName,
    target: input.target,
    runtime: input.runtime,
    changes,
    action: runtimeAction,
    diagnostics,
  };
}

function nothingNeeded(target: Target, changeCount: number, blocked: boolean): string {
  // Not "in sync" when errors left changes out of the plan (issue 15.7).
  if (changeCount === 0) return blocked ? 'nothing planned: blocked by errors' : 'in sync';
  return target === 'containerd'
    ? 'hosts.toml is read at pull time; no restart needed'
    : 'no runtime action needed';
}

/** In sync: nothing to change and nothing blocked the plan (exit codes are decided by the caller). */
export const isInSync = (plan: Plan): boolean =>
  plan.changes.length === 0 && plan.diagnostics.every((d) => d.severity !== 'error');
