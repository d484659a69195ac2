// Image references preflight checks, from a list file (one ref per line) or a directory of
// Kubernetes manifests (every pod template, including init and ephemeral containers); the live
// cluster's come from src/cluster/image-source.ts, merged by the CLI. Refs are normalised
// (docker.io/library/…, tag latest) so one image used by many workloads is probed once.
import { parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import type { HostFs } from '../host/ports.js';
import { formatImageRef, parseImageRef } from '../registry/reference.js';

export interface CollectedImage {
  /** Normalised reference, e.g. `docker.io/library/nginx:1.27`. */
  reference: string;
  /** Where it was found (`apps.yaml: Deployment web/api container api`), sorted, unique. */
  origins: string[];
}

export interface Collection {
  images: CollectedImage[];
  diagnostics: Diagnostic[];
}

/** One raw reference and where it came from, before normalisation. */
export interface FoundImage {
  image: string;
  origin: string;
  file?: string;
  line?: number;
}

/** Normalise, deduplicate and sort; invalid refs become diagnostics naming file and line. */
export function mergeFound(found: readonly FoundImage[]): Collection {
  const byRef = new Map<string, Set<string>>();
  const diagnostics: Diagnostic[] = [];
  for (const f of found) {
    const parsed = parseImageRef(f.image);
    if (!parsed.ok) {
      const d: Diagnostic = {
        severity: 'error',
        code: 'preflight.image.invalid',
        message: `invalid image reference "${f.image}": ${parsed.reason}${f.origin === `${f.file}:${f.line}` ? '' : ` (${f.origin})`}`,
        hint: 'fix the reference; the runtime would refuse it too (InvalidImageName)',
      };
      if (f.file) d.file = f.file;
      if (f.line) d.line = f.line;
      diagnostics.push(d);
      continue;
    }
    const ref = formatImageRef(parsed.ref);
    const origins = byRef.get(ref) ?? new Set<string>();
    origins.add(f.origin);
    byRef.set(ref, origins);
  }
  const images = [...byRef.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reference, origins]) => ({ reference, origins: [...origins].sort() }));
  return { images, diagnostics };
}

/** A list file: one reference per line; blank lines and `#` comments ignored. */
export function findInList(text: string, file: string): FoundImage[] {
  const found: FoundImage[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const image = raw.replace(/#.*$/, '').trim();
    if (image !== '') found.push({ image, origin: `${file}:${i + 1}`, file, line: i + 1 });
  });
  return found;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (v: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATH: Record<string, string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Images of one pod spec, each with `container <name>` (init/ephemeral marked). */
export function imagesOfPodSpec(spec: unknown, origin: string): FoundImage[] {
  const found: FoundImage[] = [];
  for (const list of CONTAINER_LISTS) {
    const containers = at(spec, list);
    if (!Array.isArray(containers)) continue;
    const kind =
      list === 'containers'
        ? 'container'
        : list === 'initContainers'
          ? 'initContainer'
          : 'ephemeralContainer';
    for (const c of containers) {
      const image = at(c, 'image');
      const name = at(c, 'name');
      if (typeof image === 'string')
        found.push({ image, origin: `${origin} ${kind} ${typeof name === 'string' ? name : '?'}` });
    }
  }
  return found;
}

/** Images of one Kubernetes object (a `List` is walked recursively); other kinds yield nothing. */
export function imagesOfObject(obj: unknown, where: string): FoundImage[] {
  const kind = at(obj, 'kind');
  if (kind === 'List' || (typeof kind === 'string' && kind.endsWith('List'))) {
    const items = at(obj, 'items');
    return Array.isArray(items) ? items.flatMap((item) => imagesOfObject(item, where)) : [];
  }
  if (typeof kind !== 'string') return [];
  const path = POD_SPEC_PATH[kind];
  if (!path) return [];
  const ns = at(obj, 'metadata', 'namespace');
  const name = at(obj, 'metadata', 'name');
  const id = `${typeof ns === 'string' ? `${ns}/` : ''}${typeof name === 'string' ? name : '?'}`;
  return imagesOfPodSpec(at(obj, ...path), `${where}: ${kind} ${id}`);
}

/** All images in a multi-document YAML (or JSON) manifest file. */
export function findInManifest(
  text: string,
  file: string,
): { found: FoundImage[]; diagnostics: Diagnostic[] } {
  const found: FoundImage[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const d: Diagnostic = {
        severity: 'error',
        code: 'preflight.manifest.parse',
        file,
        message: `not valid YAML: ${e?.message.split('\n')[0] ?? 'parse error'}`,
        hint: 'fix the document or move the file out of the manifests directory',
      };
      if (e?.linePos?.[0]) {
        d.line = e.linePos[0].line;
        d.column = e.linePos[0].col;
      }
      diagnostics.push(d);
      continue;
    }
    const line = doc.contents?.range ? lineOf(text, doc.contents.range[0]) : undefined;
    for (const f of imagesOfObject(doc.toJS(), line ? `${file}:${line}` : file)) {
      found.push(line ? { ...f, file, line } : { ...f, file });
    }
  }
  return { found, diagnostics };
}

const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** Every *.yaml/*.yml/*.json under `dir` (recursive, sorted, symlinks not followed). */
export async function findInManifestDir(
  fs: Pick<HostFs, 'readDir' | 'readFile' | 'stat'>,
  dir: string,
  shownAs = dir,
): Promise<{ found: FoundImage[]; diagnostics: Diagnostic[] }> {
  const found: FoundImage[] = [];
  const diagnostics: Diagnostic[] = [];
  const entries = await fs.readDir(dir);
  if (entries === null) {
    diagnostics.push({
      severity: 'error',
      code: 'preflight.manifests.missing',
      file: shownAs,
      message: 'manifests directory does not exist',
      hint: 'pass an existing directory to --manifests',
    });
    return { found, diagnostics };
  }
  for (const name of entries) {
    const path = `${dir.replace(/\/+$/, '')}/${name}`;
    const shown = `${shownAs.replace(/\/+$/, '')}/${name}`;
    const st = await fs.stat(path);
    if (st?.type === 'dir') {
      const sub = await findInManifestDir(fs, path, shown);
      found.push(...sub.found);
      diagnostics.push(...sub.diagnostics);
    } else if (st?.type === 'file' && MANIFEST_FILE.test(name)) {
      const bytes = await fs.readFile(path);
      if (bytes === null) continue;
      const one = findInManifest(new TextDecoder().decode(bytes), shown);
      found.push(...one.found);
      diagnostics.push(...one.diagnostics);
    }
  }
  return { found, diagnostics };
}
