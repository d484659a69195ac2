// The host files a target's desired state reads besides what it renders: the main config, CRI-O's
// other registries.conf.d drop-ins, and the files a containerd config.toml pulls in through
// `imports` (read in containerd's load order, so the planner sees an import that undoes its edit).

import { resolveImport } from '../formats/containerd-dropins.js';
import { containerdGates } from '../formats/containerd-versions.js';
import { crioGlobalAuthFile } from '../formats/crio-conf.js';
import type { NodePaths } from '../formats/node-paths.js';
import type { HostFs } from '../host/ports.js';
import type { HostInputs } from '../plan/desired.js';
import type { Target } from '../spec/types.js';
import { parseToml } from '../toml/parse.js';
import { readDropIns, readText } from './observe-node.js';

export async function readHostInputs(
  fs: HostFs,
  target: Target,
  mainPath: string,
  paths: NodePaths,
  runtimeVersion?: string,
): Promise<HostInputs> {
  const mainConfig = await readText(fs, mainPath);
  return {
    mainConfig,
    dropIns: target === 'crio' ? await readDropIns(fs, paths.registriesConfDir) : [],
    ...(target === 'crio' ? { crioAuth: await readCrioAuth(fs, paths) } : {}),
    ...(target === 'containerd' || target === 'containerd-legacy'
      ? { containerdImports: await readContainerdImports(fs, mainPath, mainConfig, runtimeVersion) }
      : {}),
  };
}

/** CRI-O's global_auth_file (crio.conf, then crio.conf.d) and the text of the auth file mirrorctl
 *  would merge mirror credentials into (that file, else paths.containersAuthFile). */
export async function readCrioAuth(
  fs: HostFs,
  paths: NodePaths,
): Promise<{ globalAuthFile?: string; authText: string | null }> {
  const mainText = await readText(fs, paths.crioConf);
  const setting = crioGlobalAuthFile(
    mainText === null ? null : { path: paths.crioConf, text: mainText },
    await readDropIns(fs, paths.crioConfDir),
  );
  const file = setting.globalAuthFile ?? paths.containersAuthFile;
  return {
    ...(setting.globalAuthFile ? { globalAuthFile: setting.globalAuthFile } : {}),
    authText: await readText(fs, file),
  };
}

export interface ContainerdImports {
  /** Imported files in load order (the main file excluded). */
  files: { path: string; text: string }[];
  /** Imports that could not be followed: a missing file, or a glob form not evaluated here. */
  unread: string[];
}

const importsOf = (text: string): string[] => {
  const parsed = parseToml(text);
  const imports = parsed.ok ? parsed.value.imports : undefined;
  return Array.isArray(imports) ? imports.filter((x): x is string => typeof x === 'string') : [];
};

/** server/config LoadConfig's order: breadth-first, each file once, glob matches sorted. */
export async function readContainerdImports(
  fs: HostFs,
  configPath: string,
  text: string | null,
  runtimeVersion?: string,
): Promise<ContainerdImports> {
  const fromConfigDir = containerdGates(runtimeVersion).relativeImportGlobsFromConfigDir;
  const out: ContainerdImports = { files: [], unread: [] };
  if (text === null) return out;
  const loaded = new Set<string>([configPath]);
  const pending: { path: string; text: string }[] = [{ path: configPath, text }];
  while (pending.length > 0) {
    const current = pending.shift()!;
    for (const entry of importsOf(current.text)) {
      const r = resolveImport(current.path, entry, fromConfigDir);
      if (r.unsupported) {
        out.unread.push(entry);
        continue;
      }
      const pattern = r.pattern;
      const paths = pattern
        ? ((await fs.readDir(r.dir)) ?? [])
            .filter((n) => pattern.test(n))
            .sort()
            .map((n) => `${r.dir}/${n}`)
        : [r.path];
      for (const p of paths) {
        if (loaded.has(p)) continue;
        loaded.add(p);
        const t = await readText(fs, p);
        if (t === null) {
          out.unread.push(p);
          continue;
        }
        out.files.push({ path: p, text: t });
        pending.push({ path: p, text: t });
      }
    }
  }
  return out;
}
