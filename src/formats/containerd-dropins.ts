// config.toml `imports` drop-ins (§1.7; 2.2+ ships `imports = ['/etc/containerd/conf.d/*.toml']`):
// which drop-ins count and which one decides config_path (1.x: an imported plugin table replaces the
// main one; 2.x: deep merge; later wins). Each file is read by containerd-config.ts.
import type { Diagnostic } from '../diagnostics.js';
import { parseTomlVerbatim } from '../toml/parse.js';
import { formatVersion, type Version } from '../util/version.js';
import { readContainerdConfig } from './containerd-config.js';
import { containerdGates } from './containerd-versions.js';

export const CONTAINERD_DROPIN_DIR = '/etc/containerd/conf.d';

export interface ContainerdDropIn {
  path: string;
  /** Listed in the main file's imports (exact path or `<dir>/*.toml`); otherwise containerd ignores it. */
  imported: boolean;
  configVersion?: number;
  /** The drop-in has the CRI plugin table that holds `registry` for its version. */
  hasRegistryPlugin: boolean;
  configPath?: string;
  legacyMirrorHosts: string[];
  /** The parser's message when the file does not parse (containerd then refuses to start). */
  syntaxError?: string;
  /** containerd's own errors when it refuses this file (readImportedFiles only). */
  loadErrors?: string[];
}

/** Only the two import forms containerd's own defaults use; other globs are reported as not imported. */
export function isImported(path: string, imports: readonly string[]): boolean {
  const dir = path.slice(0, path.lastIndexOf('/'));
  return imports.includes(path) || (imports.includes(`${dir}/*.toml`) && path.endsWith('.toml'));
}

/** An `imports` entry as containerd resolves it (server/config resolveImports): cleaned, relative to
 *  the importing file's directory; one with `*` is a filepath.Glob pattern (matches sorted). Only a
 *  glob in the last path component with `*`/`?` is evaluated here; others are `unsupported`. */
export interface ResolvedImport {
  path: string;
  dir: string;
  pattern?: RegExp;
  unsupported?: boolean;
}

export function resolveImport(
  parent: string,
  entry: string,
  relativeGlobsFromConfigDir = true,
): ResolvedImport {
  const base = entry.startsWith('/') ? entry : `${parent.slice(0, parent.lastIndexOf('/'))}/${entry}`;
  const parts: string[] = [];
  for (const seg of base.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  const path = `/${parts.join('/')}`;
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!entry.includes('*')) return { dir, path };
  // Before containerd#9746 a relative glob was matched against the daemon's working directory.
  if (!entry.startsWith('/') && !relativeGlobsFromConfigDir) return { dir, path, unsupported: true };
  if (dir.includes('*') || /[[\\]/.test(name)) return { dir, path, unsupported: true };
  const rx = name
    .replace(/[.+^${}()|]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return { dir, path, pattern: new RegExp(`^${rx}$`) };
}

/**
 * Files containerd loads through `imports` (all of them imported, in load order) → what each says
 * about the CRI registry, read as the containerd of `runtimeVersion` reads them.
 */
export function readImportedFiles(
  files: readonly { path: string; text: string }[],
  runtimeVersion?: string,
): ContainerdDropIn[] {
  return files.map(({ path, text }): ContainerdDropIn => {
    const d: ContainerdDropIn = { path, imported: true, hasRegistryPlugin: false, legacyMirrorHosts: [] };
    const parsed = parseTomlVerbatim(text);
    if (!parsed.ok) return { ...d, syntaxError: parsed.error };
    const facts = readContainerdConfig(parsed.value, runtimeVersion);
    d.configVersion = facts.configVersion;
    d.hasRegistryPlugin = facts.registryPluginPresent;
    if (facts.configPath) d.configPath = facts.configPath;
    d.legacyMirrorHosts = Object.keys(facts.legacyMirrors);
    if (facts.loadErrors.length > 0) d.loadErrors = facts.loadErrors;
    return d;
  });
}

export function summarizeDropIns(
  files: Record<string, string>,
  imports: readonly string[],
): { dropIns: ContainerdDropIn[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const dropIns = Object.keys(files)
    .sort()
    .map((path): ContainerdDropIn => {
      const d: ContainerdDropIn = {
        path,
        imported: isImported(path, imports),
        hasRegistryPlugin: false,
        legacyMirrorHosts: [],
      };
      const parsed = parseTomlVerbatim(files[path] ?? '');
      if (!parsed.ok) {
        diagnostics.push({
          severity: d.imported ? 'error' : 'warning',
          code: 'detect.containerd.dropin.syntax',
          file: path,
          message: `drop-in does not parse: ${parsed.error}`,
          hint: d.imported
            ? 'containerd refuses to start with it; fix or remove it'
            : 'it is not imported, so containerd ignores it',
        });
        return d;
      }
      const facts = readContainerdConfig(parsed.value);
      d.configVersion = facts.configVersion;
      d.hasRegistryPlugin = facts.registryPluginPresent;
      if (facts.configPath) d.configPath = facts.configPath;
      d.legacyMirrorHosts = Object.keys(facts.legacyMirrors);
      if (d.imported && d.legacyMirrorHosts.length) {
        diagnostics.push({
          severity: 'warning',
          code: 'detect.containerd.legacy-mirrors',
          file: path,
          target: 'containerd',
          message: `legacy registry.mirrors present for ${d.legacyMirrorHosts.join(', ')}; containerd refuses them together with config_path`,
          hint: 'plan with --migrate-legacy, or remove them from this drop-in',
        });
      }
      return d;
    });
  return { dropIns, diagnostics };
}

/**
 * config_path after imports: the last imported drop-in with the CRI plugin table decides on 1.x
 * (its table replaces the main one, even without config_path); on 2.x only one that sets it does.
 */
export function effectiveConfigPath(
  main: string | undefined,
  dropIns: readonly ContainerdDropIn[],
  runtimeVersion: Version | undefined,
): { configPath?: string; from?: string } {
  const deepMerge = containerdGates(runtimeVersion && formatVersion(runtimeVersion)).importsDeepMerge;
  let out: { configPath?: string; from?: string } = main ? { configPath: main } : {};
  for (const d of dropIns) {
    if (!d.imported || !d.hasRegistryPlugin) continue;
    if (d.configPath) out = { configPath: d.configPath, from: d.path };
    else if (!deepMerge) out = { from: d.path };
  }
  return out;
}
