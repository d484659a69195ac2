// Reads what planning needs from the node, through the Host port only: the target's main config,
// other registries.conf.d drop-ins, the files mirrorctl owns now, and current contents of paths.

import type { Diagnostic } from '../diagnostics.js';
import type { NodePaths } from '../formats/node-paths.js';
import { decodeHostText } from '../host/fs-error.js';
import type { HostFs } from '../host/ports.js';
import { isManaged } from '../render/header.js';
import { ownedPaths } from '../transaction/history.js';
import { readJsonDoc, statePaths, txStateSchema } from '../transaction/state-files.js';

export async function readText(fs: HostFs, path: string): Promise<string | null> {
  const bytes = await fs.readFile(path);
  return bytes === null ? null : decodeHostText(bytes, path);
}

/** `*.conf` drop-ins of registries.conf.d, in the lexical order containers/image reads them. */
export async function readDropIns(fs: HostFs, dir: string): Promise<{ path: string; text: string }[]> {
  const names = (await fs.readDir(dir)) ?? [];
  const out: { path: string; text: string }[] = [];
  for (const n of names.filter((x) => x.endsWith('.conf')).sort()) {
    const text = await readText(fs, `${dir}/${n}`);
    if (text !== null) out.push({ path: `${dir}/${n}`, text });
  }
  return out;
}

/**
 * Paths mirrorctl owns now: state.json's record, plus files carrying the managed header under the
 * directories mirrorctl writes (so a lost state dir does not orphan files).
 */
export async function ownedOnHost(
  fs: HostFs,
  paths: NodePaths,
  hostsDir: string,
): Promise<{ paths: string[]; diagnostics: Diagnostic[] }> {
  const owned = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const state = await readJsonDoc(fs, statePaths(paths.stateDir).state, txStateSchema);
  if (state.ok && state.value) for (const p of ownedPaths(state.value)) owned.add(p);
  if (!state.ok) diagnostics.push(state.diagnostic);
  for (const dir of (await fs.readDir(hostsDir)) ?? []) {
    const p = `${hostsDir}/${dir}/hosts.toml`;
    if ((await fs.stat(p))?.type !== 'file') continue;
    const text = await readText(fs, p);
    if (text !== null && isManaged(text)) owned.add(p);
  }
  for (const d of await readDropIns(fs, paths.registriesConfDir)) if (isManaged(d.text)) owned.add(d.path);
  return { paths: [...owned].sort(), diagnostics };
}

export async function readAll(fs: HostFs, paths: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const p of [...new Set(paths)].sort()) out.set(p, await readText(fs, p));
  return out;
}
