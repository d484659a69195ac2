// Layout of the state dir and the JSON documents kept in it. Read back through zod: a state file
// is input like any other (it may be truncated or edited), and a bad one is a Diagnostic.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import type { HostFs } from '../host/ports.js';

export const DEFAULT_STATE_DIR = DEFAULT_PATHS.stateDir;

export const statePaths = (stateDir: string) => ({
  lock: `${stateDir}/lock`,
  journal: `${stateDir}/journal.json`,
  state: `${stateDir}/state.json`,
  backups: `${stateDir}/backups`,
  backupDir: (txid: string) => `${stateDir}/backups/${txid}`,
  manifest: (txid: string) => `${stateDir}/backups/${txid}/manifest.json`,
  backupFile: (txid: string, path: string) => `${stateDir}/backups/${txid}/files${path}`,
});

export const sha256Of = (data: Uint8Array | string): string =>
  createHash('sha256').update(data).digest('hex');

const actionSchema = z.object({
  kind: z.enum(['none', 'reload', 'restart']),
  service: z.enum(['containerd', 'crio', 'docker', 'k3s', 'k3s-agent', 'rke2', 'rke2-server']),
  reason: z.string(),
});
const txKind = z.enum(['apply', 'rollback', 'uninstall']);

export const journalSchema = z.object({
  apiVersion: z.literal('mirrorctl/journal-v1'),
  txid: z.string(),
  kind: txKind,
  startedAt: z.string(),
  /** backup → write → action → restore (rolling back) */
  phase: z.enum(['backup', 'write', 'action', 'restore']),
  paths: z.array(z.string()),
  written: z.array(z.string()),
  action: actionSchema,
  actionStarted: z.boolean(),
});
export type Journal = z.infer<typeof journalSchema>;

export const manifestSchema = z.object({
  txid: z.string(),
  entries: z.array(
    z.discriminatedUnion('existed', [
      z.object({ path: z.string(), existed: z.literal(true), sha256: z.string(), mode: z.number().int() }),
      // The "absent" stamp: the file did not exist before this transaction.
      z.object({ path: z.string(), existed: z.literal(false) }),
    ]),
  ),
  /** Directories this transaction created (did not exist before), deepest last. */
  createdDirs: z.array(z.string()),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export const fileRecordSchema = z.object({
  path: z.string(),
  /** sha256 after the transaction; null = absent. */
  sha256: z.string().nullable(),
  owned: z.boolean(),
  secret: z.boolean(),
});
export type FileRecord = z.infer<typeof fileRecordSchema>;

export const txRecordSchema = z.object({
  txid: z.string(),
  kind: txKind,
  at: z.string(),
  specHash: z.string().optional(),
  specName: z.string().optional(),
  target: z.string().optional(),
  action: actionSchema,
  files: z.array(fileRecordSchema),
  /** For a rollback: the apply it undid. */
  undoes: z.string().optional(),
  /** For an apply: undone by a later rollback. */
  undone: z.boolean().optional(),
});
export type TxRecord = z.infer<typeof txRecordSchema>;

/** A restart/reload left to the operator (--no-runtime-action): the runtime still runs the old config. */
export const pendingActionSchema = z.object({
  action: actionSchema,
  /** The (first) transaction whose files wait for it, and when. */
  txid: z.string(),
  since: z.string(),
  /** What shows it done without mirrorctl performing it: containerd's CRI Status reports this config_path. */
  evidence: z.object({ criConfigPath: z.string() }).optional(),
});
export type PendingAction = z.infer<typeof pendingActionSchema>;

export const txStateSchema = z.object({
  apiVersion: z.literal('mirrorctl/state-v1'),
  history: z.array(txRecordSchema),
  /** State-dir ancestors mirrorctl created, removed again by uninstall. */
  stateDirCreated: z.array(z.string()),
  /** Optional, so a state.json written before it existed still reads (issue 15.3). */
  pendingAction: pendingActionSchema.optional(),
});
export type TxState = z.infer<typeof txStateSchema>;

export const emptyState = (stateDirCreated: string[] = []): TxState => ({
  apiVersion: 'mirrorctl/state-v1',
  history: [],
  stateDirCreated,
});

const dec = new TextDecoder();

/** Reads and validates a JSON state document: null when absent, a Diagnostic when unusable. */
export async function readJsonDoc<T>(
  fs: HostFs,
  path: string,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T | null } | { ok: false; diagnostic: Diagnostic }> {
  let bytes: Uint8Array | null;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      diagnostic: { severity: 'error', code: 'agent.state.unreadable', file: path, message },
    };
  }
  if (bytes === null) return { ok: true, value: null };
  const corrupt = (message: string): { ok: false; diagnostic: Diagnostic } => ({
    ok: false,
    diagnostic: {
      severity: 'error',
      code: 'agent.state.corrupt',
      file: path,
      message,
      hint: 'inspect it; move it away only if you know no transaction is pending',
    },
  });
  let raw: unknown;
  try {
    raw = JSON.parse(dec.decode(bytes));
  } catch (e) {
    return corrupt(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return corrupt(z.prettifyError(parsed.error));
  return { ok: true, value: parsed.data };
}

/** State documents are written 0600: they name paths and hashes of secret files. */
export const writeJsonDoc = (fs: HostFs, path: string, value: unknown): Promise<void> =>
  fs.writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, 0o600);

/** Ancestors of a node path, shallowest first (`/a/b/c` → `/a`, `/a/b`). */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

/** Removes a directory tree through HostFs (which has no recursive delete on purpose). */
export async function removeTree(fs: HostFs, dir: string): Promise<void> {
  const st = await fs.stat(dir);
  if (!st) return;
  if (st.type !== 'dir') return fs.removeFile(dir);
  for (const name of (await fs.readDir(dir)) ?? []) await removeTree(fs, `${dir}/${name}`);
  await fs.removeDirIfEmpty(dir);
}

/** Removes the given dirs deepest first, each only if empty. */
export async function removeEmptyDirs(fs: HostFs, dirs: readonly string[]): Promise<void> {
  const sorted = [...new Set(dirs)].sort((a, b) => b.length - a.length || (a < b ? 1 : -1));
  for (const d of sorted) await fs.removeDirIfEmpty(d);
}
