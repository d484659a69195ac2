// Docker's daemon.json as a conversion format: `registry-mirrors` (Docker Hub only; Docker appends
// /v2/<repository> to each URL) and `insecure-registries`, read into a docker.io entry and written
// by the node renderer (render/docker-daemon.ts), so `convert --to docker` prints what apply writes.
import type { Diagnostic } from '../diagnostics.js';
import { daemonJsonOf, parseJsonText, splitMirror } from '../formats/docker-daemon.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { renderDockerDaemon } from '../render/docker-daemon.js';
import type { MirrorSet, SpecAssets } from '../spec/types.js';
import { type MirrorDoc, parseFailure, type ReadResult, type Written } from './spec-doc.js';

export function readDockerDaemon(text: string, file: string): ReadResult {
  // The text as given: a blank file is a parse error here, unlike for dockerd (readDaemonJson).
  const parsed = parseJsonText(text);
  if (!parsed.ok) return parseFailure(file, `not valid JSON: ${String(parsed.error)}`);
  const { registryMirrors, insecureRegistries: insecure } = daemonJsonOf(parsed.value);
  const diagnostics: Diagnostic[] = [];
  const mirrors: MirrorDoc[] = registryMirrors.map((raw) => {
    const split = splitMirror(raw);
    const origin = split?.origin ?? raw;
    const path = split?.path ?? '';
    // Docker appends /v2/<full repository> to the mirror URL: a path is a mount point.
    const d: MirrorDoc = path === '' ? { url: origin } : { url: `${origin}${path}`, path: 'mount' };
    if (origin.startsWith('https://') && insecure.includes(origin.slice(8)))
      d.tls = { insecureSkipVerify: true };
    return d;
  });
  const used = new Set(mirrors.map((m) => m.url.replace(/^https?:\/\//, '').split('/')[0]));
  for (const h of insecure.filter((x) => !used.has(x)))
    diagnostics.push({
      severity: 'info',
      code: 'convert.docker.insecure-other',
      file,
      field: 'insecure-registries',
      message: `${h} is an insecure registry but not a mirror; a mirrorctl spec does not carry it`,
    });
  return { entries: mirrors.length > 0 ? [{ source: 'docker.io', mirrors }] : [], diagnostics };
}

/** `convert --to docker`: the daemon.json mirrorctl would write on a node without one. */
export function writeDocker(set: MirrorSet, assets: SpecAssets): Written {
  const r = renderDockerDaemon(set, { target: 'docker', assets, paths: DEFAULT_PATHS }, null);
  const daemon = r.files.find((f) => f.path === DEFAULT_PATHS.dockerDaemonJson);
  return { text: daemon?.content ?? '{}\n', diagnostics: r.diagnostics };
}
