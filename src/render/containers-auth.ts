// Mirror credentials for CRI-O (and podman/skopeo pointed at the same file): entries of the containers
// auth file, keyed by the mirror's host[:port] as containers/image looks them up for a mirror
// (pkg/docker/config findAuthentication, authKeysForRef: the mirror reference, then its host). Only
// `auth` (base64 user:password) and `identitytoken` are read there, so those are what is written.
// The file is shared: other entries stay byte for byte in value and order, and mirrorctl removes only
// the keys it wrote, recorded (hosts only, no values or hashes: the drop-in is world-readable) in its
// registries.conf.d drop-in (ledgerLine / readLedger).
import type { Diagnostic } from '../diagnostics.js';
import { mirrorCredential } from '../spec/mirror-auth.js';
import type { MirrorSet } from '../spec/types.js';
import { isRecord } from '../util/is-record.js';
import type { RenderContext } from './types.js';

const TARGET = 'crio' as const;
const LEDGER = '# mirrorctl auth entries: ';

export interface AuthLedger {
  /** The auth file the entries were written to. */
  file: string;
  /** Its `auths` keys mirrorctl wrote. */
  keys: string[];
}

/** The ledger comment line for the drop-in (ends with a newline). */
export const ledgerLine = (l: AuthLedger): string => `${LEDGER}${JSON.stringify(l)}\n`;

/** The ledger recorded in a drop-in mirrorctl wrote earlier, if any. */
export function readLedger(dropIn: string | undefined): AuthLedger | undefined {
  const line = dropIn?.split('\n').find((l) => l.startsWith(LEDGER));
  if (!line) return undefined;
  try {
    const v: unknown = JSON.parse(line.slice(LEDGER.length));
    if (!isRecord(v) || typeof v.file !== 'string' || !Array.isArray(v.keys)) return undefined;
    return { file: v.file, keys: v.keys.filter((k): k is string => typeof k === 'string') };
  } catch {
    return undefined;
  }
}

/** The entries the spec wants in the auth file: mirror host[:port] → { auth[, identitytoken] }. */
export function wantedAuthEntries(
  set: MirrorSet,
  ctx: RenderContext,
): { entries: Record<string, Record<string, string>>; diagnostics: Diagnostic[] } {
  const entries: Record<string, Record<string, string>> = {};
  const diagnostics: Diagnostic[] = [];
  for (const e of set.registries) {
    if (e.only && !e.only.includes(TARGET)) continue;
    e.mirrors.forEach((m, j) => {
      if (!m.auth) return;
      const field = `spec.registries[${e.index}].mirrors[${j}].auth`;
      const c = mirrorCredential(m, ctx.assets);
      if (!c.ok) {
        const unresolved = c.reason === 'unresolved';
        diagnostics.push({
          severity: unresolved ? 'warning' : 'error',
          code: unresolved ? 'render.crio.auth.asset-missing' : 'render.crio.auth',
          field,
          target: TARGET,
          message: c.message,
        });
        return;
      }
      const cred = c.value?.credential;
      if (!cred) return;
      let entry: Record<string, string>;
      const b64 = (s: string): string => Buffer.from(s).toString('base64');
      if (cred.kind === 'basic') entry = { auth: b64(`${cred.username}:${cred.password}`) };
      else if (cred.kind === 'identity-token')
        entry = { auth: b64(`${cred.username}:`), identitytoken: cred.token };
      else {
        diagnostics.push({
          severity: 'error',
          code: 'render.crio.auth-registry-token',
          field,
          target: TARGET,
          message: `${c.value?.source} holds a registry token for ${m.host}; containers/image reads only auth and identitytoken from an auth file`,
          hint: 'use a username/password (or identity token) entry for the mirror',
        });
        return;
      }
      const prev = entries[m.host];
      if (prev && JSON.stringify(prev) !== JSON.stringify(entry)) {
        diagnostics.push({
          severity: 'error',
          code: 'render.crio.auth-conflict',
          field,
          target: TARGET,
          message: `two mirrors on ${m.host} name different credentials; the auth file holds one entry per host`,
          hint: 'use one auth entry for that host',
        });
        return;
      }
      entries[m.host] = entry;
    });
  }
  return { entries, diagnostics };
}

export interface AuthMerge {
  /** The file's new text, or null when it should not be created. */
  text: string | null;
  ledger: AuthLedger;
  diagnostics: Diagnostic[];
}

/**
 * Merges `want` into the auth file `file` (current text or null): keys in `previous` that are no
 * longer wanted are removed, everything else is kept. Written with tabs, as c/image writes it.
 */
export function mergeAuthFile(
  file: string,
  current: string | null,
  want: Record<string, Record<string, string>>,
  previous: AuthLedger | undefined,
): AuthMerge {
  const diagnostics: Diagnostic[] = [];
  const keys = Object.keys(want);
  let doc: Record<string, unknown> = {};
  if (current !== null && current.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(current);
    } catch (e) {
      parsed = undefined;
      diagnostics.push(unreadable(file, e instanceof Error ? e.message : String(e)));
    }
    if (parsed !== undefined && !(isRecord(parsed) && (parsed.auths === undefined || isRecord(parsed.auths))))
      diagnostics.push(unreadable(file, 'not an object with an "auths" object'));
    if (diagnostics.length > 0) return { text: current, ledger: previous ?? { file, keys: [] }, diagnostics };
    doc = parsed as Record<string, unknown>;
  }
  const auths: Record<string, unknown> = { ...((doc.auths as Record<string, unknown> | undefined) ?? {}) };
  const ours = new Set(previous && previous.file === file ? previous.keys : []);
  for (const k of ours) if (!(k in want)) delete auths[k];
  for (const [host, entry] of Object.entries(want)) {
    const before = auths[host];
    if (before !== undefined && !ours.has(host) && JSON.stringify(before) !== JSON.stringify(entry))
      diagnostics.push({
        severity: 'warning',
        code: 'render.crio.auth-replaces-entry',
        file,
        field: `auths.${host}`,
        message: `${file} already holds credentials for ${host} that mirrorctl did not write; the spec's replace them (the file is backed up, and restored by uninstall)`,
        hint: 'if those were the right credentials, point the mirror auth at a file holding them',
        target: TARGET,
      });
    auths[host] = entry;
  }
  if (current === null && keys.length === 0) return { text: null, ledger: { file, keys }, diagnostics };
  const next = { ...doc, auths };
  // Unchanged content keeps the file's own formatting (no rewrite, no diff).
  if (current !== null && JSON.stringify(next) === JSON.stringify({ ...doc, auths: doc.auths ?? {} }))
    return { text: current, ledger: { file, keys }, diagnostics };
  return { text: `${JSON.stringify(next, null, '\t')}\n`, ledger: { file, keys }, diagnostics };
}

function unreadable(file: string, why: string): Diagnostic {
  return {
    severity: 'error',
    code: 'render.crio.auth-file',
    file,
    message: `${file} cannot be merged into: ${why}`,
    hint: 'fix the file (containers/image cannot read it either), then run mirrorctl again',
    target: TARGET,
  };
}

/** A file edit for the planner (plan/desired.ts turns it into a FileEdit). */
export interface AuthFileEdit {
  path: string;
  after: string;
  mode: number;
  reason: string;
  needs: 'none' | 'restart';
}

export interface CrioAuthInput {
  /** The drop-in mirrorctl wrote earlier (for its ledger), if any. */
  ownDropIn?: string;
  /** CRI-O's global_auth_file (formats/crio-conf.ts), when a crio.conf(.d) file sets it. */
  globalAuthFile?: string;
  /** Current text of the auth file mirrorctl merges into (global_auth_file, else paths.containersAuthFile). */
  authText: string | null;
}

export interface CrioAuthResult {
  edits: AuthFileEdit[];
  /** The ledger line to put in the drop-in ('' when mirrorctl keeps no entries). */
  ledger: string;
  diagnostics: Diagnostic[];
}

export const crioAuthDropInPath = (ctx: RenderContext): string =>
  `${ctx.paths.crioConfDir}/99-mirrorctl-auth.conf`;

/** The auth-file merge and, when CRI-O names no auth file yet, the crio.conf.d drop-in naming it. */
export function crioAuthEdits(
  set: MirrorSet,
  ctx: RenderContext,
  input: CrioAuthInput,
  header: string,
): CrioAuthResult {
  const wanted = wantedAuthEntries(set, ctx);
  const previous = readLedger(input.ownDropIn);
  const file = input.globalAuthFile ?? ctx.paths.containersAuthFile;
  const diagnostics = [...wanted.diagnostics];
  if (previous && previous.file !== file && previous.keys.length > 0)
    diagnostics.push({
      severity: 'warning',
      code: 'render.crio.auth-file-moved',
      file: previous.file,
      message: `CRI-O now reads credentials from ${file}; the entries mirrorctl wrote to ${previous.file} (${previous.keys.join(', ')}) are left there`,
      hint: `remove them from ${previous.file} by hand, or run mirrorctl uninstall`,
      target: TARGET,
    });
  if (wanted.diagnostics.some((d) => d.severity === 'error')) return { edits: [], ledger: '', diagnostics };
  const merged = mergeAuthFile(
    file,
    input.authText,
    wanted.entries,
    previous?.file === file ? previous : undefined,
  );
  diagnostics.push(...merged.diagnostics);
  const edits: AuthFileEdit[] = [];
  if (merged.text !== null && merged.text !== input.authText)
    edits.push({
      path: file,
      after: merged.text,
      mode: 0o600,
      reason: 'mirror credentials (auths)',
      needs: 'none',
    });
  const keys = Object.keys(wanted.entries);
  if (keys.length > 0 && input.globalAuthFile === undefined)
    edits.push({
      path: crioAuthDropInPath(ctx),
      after: `${header}# CRI-O reads the mirrors' credentials from this file (not live-reloadable: restart crio).\n[crio.image]\nglobal_auth_file = ${JSON.stringify(file)}\n`,
      mode: 0o644,
      reason: 'CRI-O global_auth_file for the mirror credentials',
      needs: 'restart',
    });
  return { edits, ledger: keys.length > 0 ? ledgerLine({ file, keys }) : '', diagnostics };
}
