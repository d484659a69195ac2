// Files on the machine running mirrorctl (the spec and the TLS files it names), as opposed to the
// node's files, which go through HostFs under --root.
import { readFile } from 'node:fs/promises';

export async function readLocalText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') return null;
    throw e;
  }
}
