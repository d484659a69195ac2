// `import --from-node`: every registry setting already on a node, read back into one spec so an
// operator can adopt a hand-made setup. Reads through the Host port only (a --root prefix in tests).
// Sources, first one wins per registry: certs.d hosts.toml, legacy CRI mirrors, k3s/RKE2
// registries.yaml, registries.conf(.d), daemon.json. Each finding names the file it came from.
import { type Detection, detectRuntime } from '../detect/detect.js';
import type { Diagnostic } from '../diagnostics.js';
import { hostsTomlEntry, legacyEntries } from '../foreign/containerd.js';
import type { Credentials } from '../foreign/credentials-doc.js';
import { readDockerDaemon } from '../foreign/docker.js';
import { readK3s } from '../foreign/k3s.js';
import type { EntryDoc, MirrorDoc } from '../foreign/spec-doc.js';
import type { NodePaths } from '../formats/node-paths.js';
import { effectiveRegistriesConf } from '../formats/registries-conf.js';
import type { Host, HostFs } from '../host/ports.js';
import type { MirrorSet, SpecAssets } from '../spec/types.js';
import type { ImportSource, SourceKind } from './import-lints.js';
import { observeHost } from './observe-host.js';
import { readDropIns, readText } from './observe-node.js';

export interface NodeImport {
  entries: EntryDoc[];
  /** Files that contributed entries, for the summary line. */
  files: string[];
  /** Every file read that configures registries, with its kind and the entries it contributed. */
  sources: ImportSource[];
  diagnostics: Diagnostic[];
  /** Credentials found (configs.auth of config.toml/registries.yaml), by host; first file wins.
   *  Never put in the spec inline: foreign/credentials-doc.ts turns them into a reference. */
  credentials: Credentials;
}

function cimageEntries(
  mainText: string | null,
  dropIns: { path: string; text: string }[],
  file: string,
): { entries: EntryDoc[]; diagnostics: Diagnostic[] } {
  const r = effectiveRegistriesConf(mainText, dropIns);
  if (!r.ok)
    return {
      entries: [],
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
  return { entries, diagnostics };
}

export async function importFromNode(fs: HostFs, paths: NodePaths): Promise<NodeImport> {
  const out: NodeImport = { entries: [], files: [], sources: [], diagnostics: [], credentials: {} };
  const add = (
    file: string,
    kind: SourceKind,
    r: { entries: EntryDoc[]; diagnostics: Diagnostic[]; credentials?: Credentials },
  ): void => {
    out.diagnostics.push(...r.diagnostics);
    for (const [h, c] of Object.entries(r.credentials ?? {})) out.credentials[h] ??= c;
    if (r.entries.length > 0 && !out.files.includes(file)) out.files.push(file);
    const source = { file, kind, entries: 0 };
    out.sources.push(source);
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
      source.entries += 1;
    }
  };
  for (const dir of (await fs.readDir(paths.certsDir)) ?? []) {
    const file = `${paths.certsDir}/${dir}/hosts.toml`;
    const text = await readText(fs, file);
    if (text === null) continue;
    const r = hostsTomlEntry(dir, text, file);
    add(file, 'hosts-toml', { entries: r.entry ? [r.entry] : [], diagnostics: r.diagnostics });
  }
  const config = await readText(fs, paths.containerdConfig);
  if (config !== null)
    add(paths.containerdConfig, 'legacy-mirrors', legacyEntries(config, paths.containerdConfig));
  for (const flavor of ['k3s', 'rke2']) {
    const file = `/etc/rancher/${flavor}/registries.yaml`;
    const text = await readText(fs, file);
    if (text !== null) add(file, 'registries-yaml', readK3s(text, file));
  }
  const main = await readText(fs, paths.registriesConf);
  const dropIns = await readDropIns(fs, paths.registriesConfDir);
  if (main !== null || dropIns.length > 0)
    add(paths.registriesConf, 'registries-conf', cimageEntries(main, dropIns, paths.registriesConf));
  const daemon = await readText(fs, paths.dockerDaemonJson);
  if (daemon !== null)
    add(paths.dockerDaemonJson, 'daemon-json', readDockerDaemon(daemon, paths.dockerDaemonJson));
  return out;
}

/** The node's runtime, as plan detects it (an explicit version stands for what kubelet reports). */
export async function detectNodeRuntime(
  host: Host,
  paths: NodePaths,
  opts: { runCommands: boolean; containerdBin?: string; runtimeVersion?: string },
): Promise<Detection> {
  const facts = await observeHost(host, paths, {
    runCommands: opts.runCommands,
    ...(opts.containerdBin ? { bins: { containerd: opts.containerdBin } } : {}),
  });
  const first = detectRuntime(facts, paths);
  const wire = { containerd: 'containerd', crio: 'cri-o', docker: 'docker', unknown: undefined }[
    first.runtime
  ];
  return opts.runtimeVersion && wire
    ? detectRuntime(facts, paths, { kubeletRuntimeVersion: `${wire}://${opts.runtimeVersion}` })
    : first;
}

/** The TLS files an imported spec names (node paths), read from the node for the lints. */
export async function readTlsAssets(fs: HostFs, set: MirrorSet): Promise<SpecAssets> {
  const assets: SpecAssets = {};
  for (const m of set.registries.flatMap((e) => e.mirrors))
    for (const p of [m.tls.caFile, m.tls.certFile, m.tls.keyFile]) {
      if (p === undefined || p in assets) continue;
      const text = await readText(fs, p);
      if (text !== null) assets[p] = text;
    }
  return assets;
}
