// Backups of one transaction: the original bytes and mode of every file it touches, an "absent"
// stamp for files that did not exist, and the directories it had to create. The manifest is
// written last: a backup dir without a manifest is incomplete (and nothing was changed yet).
import type { HostFs } from '../host/ports.js';
import {
  ancestorsOf,
  type BackupManifest,
  manifestSchema,
  readJsonDoc,
  removeEmptyDirs,
  sha256Of,
  statePaths,
  writeJsonDoc,
} from './state-files.js';
import { TxError } from './types.js';

export async function createBackup(
  fs: HostFs,
  stateDir: string,
  txid: string,
  paths: readonly string[],
): Promise<BackupManifest> {
  const p = statePaths(stateDir);
  const entries: BackupManifest['entries'] = [];
  const createdDirs = new Set<string>();
  for (const path of paths) {
    const bytes = await fs.readFile(path);
    if (bytes === null) {
      entries.push({ path, existed: false });
      for (const d of ancestorsOf(path)) if ((await fs.stat(d)) === null) createdDirs.add(d);
      continue;
    }
    const mode = (await fs.stat(path))?.mode ?? 0o644;
    await fs.writeFileAtomic(p.backupFile(txid, path), bytes, 0o600);
    entries.push({ path, existed: true, sha256: sha256Of(bytes), mode });
  }
  const manifest: BackupManifest = { txid, entries, createdDirs: [...createdDirs].sort() };
  await writeJsonDoc(fs, p.manifest(txid), manifest);
  return manifest;
}

export async function readManifest(fs: HostFs, stateDir: string, txid: string) {
  return readJsonDoc(fs, statePaths(stateDir).manifest(txid), manifestSchema);
}

/** Current sha256 of a node file, null when absent. */
export async function currentSha(fs: HostFs, path: string): Promise<string | null> {
  const b = await fs.readFile(path);
  return b === null ? null : sha256Of(b);
}

/**
 * Puts every file of the manifest back as it was (bytes and mode; absent ones removed) and removes
 * the directories the transaction created once empty. Idempotent: files already right are skipped,
 * so a restore interrupted by a crash is simply run again.
 */
export async function restoreBackup(
  fs: HostFs,
  stateDir: string,
  manifest: BackupManifest,
): Promise<string[]> {
  const p = statePaths(stateDir);
  const restored: string[] = [];
  // Reverse order: hosts.toml goes back before the certs it names disappear.
  for (const e of [...manifest.entries].reverse()) {
    const now = await fs.stat(e.path);
    if (!e.existed) {
      if (now === null) continue;
      await fs.removeFile(e.path);
      restored.push(e.path);
      continue;
    }
    if (now?.type === 'file' && now.mode === e.mode && (await currentSha(fs, e.path)) === e.sha256) continue;
    const bytes = await fs.readFile(p.backupFile(manifest.txid, e.path));
    if (bytes === null || sha256Of(bytes) !== e.sha256)
      throw new TxError(
        'agent.backup.damaged',
        e.path,
        `backup in ${p.backupDir(manifest.txid)} is missing or damaged`,
        'restore this file by hand from another copy; mirrorctl will not guess its content',
      );
    await fs.writeFileAtomic(e.path, bytes, e.mode);
    restored.push(e.path);
  }
  await removeEmptyDirs(fs, manifest.createdDirs);
  return restored;
}
