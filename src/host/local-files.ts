// Files on the machine running mirrorctl (the spec, the TLS files it names, --output files, the agent
// pod's own mounts), as opposed to the node's files, which go through HostFs under --root.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The file's text, or null when it does not exist; any other failure is thrown. */
export async function readLocalText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') return null;
    throw e;
  }
}

/** The file's text, or undefined when it cannot be read for any reason (optional files, probes). */
export const tryReadLocalText = (path: string): Promise<string | undefined> =>
  readFile(path, 'utf8').catch(() => undefined);

/** Writes (creates or truncates) a file; `mode` applies only when the file is created. */
export async function writeLocalText(path: string, text: string, mode?: number): Promise<void> {
  await (mode === undefined ? writeFile(path, text) : writeFile(path, text, { mode }));
}

/** mkdir -p. */
export async function mkdirLocal(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}

/** Writes `path.tmp` then renames it over `path` (creating parents): a reader never sees half a file. */
export async function replaceLocalText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}
