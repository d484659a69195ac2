// CRI-O's crio.conf reading rule for the one key mirrorctl needs: `[crio.image] global_auth_file`,
// the containers auth file CRI-O passes to containers/image for every pull (SystemContext
// AuthFilePath; mirrors get their credentials from it, keyed by the mirror host: c/image
// docker/docker_image_src.go drops the kubelet's credentials for another domain). CRI-O reads
// /etc/crio/crio.conf, then /etc/crio/crio.conf.d/*.conf in lexical order, a later value winning
// (crio.conf.5 "drop-in"). The key is not live-reloadable: setting it needs a CRI-O restart.
import { isTable, parseToml } from '../toml/parse.js';

export interface CrioConfFile {
  path: string;
  text: string;
}

export interface CrioAuthSetting {
  /** The effective global_auth_file, undefined when no file sets it (c/image's per-user defaults). */
  globalAuthFile?: string;
  /** The file that set it. */
  setBy?: string;
  /** Files that do not parse (CRI-O would not start with them; mirrorctl leaves them alone). */
  unreadable: string[];
}

/** `main` first, then the drop-ins (sorted here, as CRI-O does). */
export function crioGlobalAuthFile(
  main: CrioConfFile | null,
  dropIns: readonly CrioConfFile[],
): CrioAuthSetting {
  const out: CrioAuthSetting = { unreadable: [] };
  const files = [
    ...(main ? [main] : []),
    ...[...dropIns].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  ];
  for (const f of files) {
    const parsed = parseToml(f.text);
    if (!parsed.ok) {
      out.unreadable.push(f.path);
      continue;
    }
    const crio = parsed.value.crio;
    const image = isTable(crio) ? crio.image : undefined;
    const value = isTable(image) ? image.global_auth_file : undefined;
    if (typeof value !== 'string') continue;
    // An empty string is CRI-O's default ("no global auth file"): it unsets an earlier file's value.
    if (value === '') {
      delete out.globalAuthFile;
      delete out.setBy;
    } else {
      out.globalAuthFile = value;
      out.setBy = f.path;
    }
  }
  return out;
}
