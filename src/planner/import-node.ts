// `import --from-node`: every registry setting already on a node, read back into one spec so an
// operator can adopt a hand-made setup. Reads through the Host port only (a --root prefix in tests).
// Sources, first one wins per registry: certs.d hosts.toml, legacy CRI mirrors, k3s/RKE2
// registries.yaml, registries.conf(.d), daemon.json. Each finding names the file it came from.
import type { Diagnostic } from '../diagnostics.js';
import { hostsTomlEntry, legacyEntries } from '../foreign/containerd.js';
import { readDockerDaemon } from '../foreign/docker.js';
import { readK3s } from '../foreign/k3s.js';
import type { EntryDoc, MirrorDoc } from '../foreign/spec-doc.js';
import type { NodePaths } from '../formats/node-paths.js';
import { effectiveRegistriesConf } from '../formats/registries-conf.js';
import type { HostFs } from '../host/ports.js';
import { readDropIns, readText } from './observe-node.js';

export interface NodeImport {
  entries: EntryDoc[];
  /** Files that contributed entries, for the summary line. */
  files: string[];
  diagnostics: Diagnostic[];
}

function cimageEntries(
  mainText: string | null,
  dropIns: { path: string; text: string }[],
  file: string,
): NodeImport {
  const r = effectiveRegistriesConf(mainText, dropIns);
  if (!r.ok)
    return {
      entries: [],
      files: [],
      diagnostics: [{ severity: 'error', code: 'import.registries-conf', file, message: r.error }],
    };
  const diagnostics: Diagnostic[] = [];
  const entries: EntryDoc[] = [];
  for (const reg of r.config.registries) {
    if (reg.mirrors.length === 0) continue;
    if (reg.location !== '' && reg.location !== reg.prefix)
      diagnostics.push({
        severity: 'warning',
        code: 'import.registries-conf.location',
        file,
        field: `[[registry]] prefix="${reg.prefix}"`,
        message: `location "${reg.location}" rewrites the source itself; a spec keeps the mirrors but not that rewrite`,
      });
    const mirrors = reg.mirrors.map((m): MirrorDoc => {
      const d: MirrorDoc = { url: `https://${m.location}` };
      const pull = m.pullFromMirror || (reg.mirrorByDigestOnly ? 'digest-only' : 'all');
      if (pull === 'digest-only' || pull === 'tag-only') d.pullFrom = pull;
      // c/image `insecure`: HTTPS without verification, then plain HTTP.
      if (m.insecure) d.tls = { insecureSkipVerify: true };
      return d;
    });
    entries.push({ source: reg.prefix, ...(reg.blocked ? { fallback: false } : {}), mirrors });
  }
  return { entries, files: entries.length > 0 ? [file] : [], diagnostics };
}

export async function importFromNode(fs: HostFs, paths: NodePaths): Promise<NodeImport> {
  const out: NodeImport = { entries: [], files: [], diagnostics: [] };
  const add = (file: string, r: { entries: EntryDoc[]; diagnostics: Diagnostic[] }): void => {
    out.diagnostics.push(...r.diagnostics);
    if (r.entries.length > 0 && !out.files.includes(file)) out.files.push(file);
    for (const e of r.entries) {
      const first = out.entries.find((x) => x.source === e.source);
      if (first) {
        out.diagnostics.push({
          severity: 'warning',
          code: 'import.duplicate-source',
          file,
          message: `${e.source} is configured here too; the first setting found is kept (${out.files[0] ?? 'earlier file'})`,
          hint: 'check which of the two the runtime really reads (mirrorctl detect), and remove the other',
        });
        continue;
      }
      out.entries.push(e);
    }
  };
  for (const dir of (await fs.readDir(paths.certsDir)) ?? []) {
    const file = `${paths.certsDir}/${dir}/hosts.toml`;
    const text = await readText(fs, file);
    if (text === null) continue;
    const r = hostsTomlEntry(dir, text, file);
    add(file, { entries: r.entry ? [r.entry] : [], diagnostics: r.diagnostics });
  }
  const config = await readText(fs, paths.containerdConfig);
  if (config !== null) add(paths.containerdConfig, legacyEntries(config, paths.containerdConfig));
  for (const flavor of ['k3s', 'rke2']) {
    const file = `/etc/rancher/${flavor}/registries.yaml`;
    const text = await readText(fs, file);
    if (text !== null) add(file, readK3s(text, file));
  }
  const main = await readText(fs, paths.registriesConf);
  const dropIns = await readDropIns(fs, paths.registriesConfDir);
  if (main !== null || dropIns.length > 0)
    add(paths.registriesConf, cimageEntries(main, dropIns, paths.registriesConf));
  const daemon = await readText(fs, paths.dockerDaemonJson);
  if (daemon !== null) add(paths.dockerDaemonJson, readDockerDaemon(daemon, paths.dockerDaemonJson));
  return out;
}
