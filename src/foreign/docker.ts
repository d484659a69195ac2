// Docker's daemon.json as a conversion format: `registry-mirrors` (Docker Hub only; Docker appends
// /v2/<repository> to each URL) and `insecure-registries`, read into a docker.io entry and written
// by the node renderer (render/docker-daemon.ts), so `convert --to docker` prints what apply writes.
import type { Diagnostic } from '../diagnostics.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { renderDockerDaemon } from '../render/docker-daemon.js';
import type { MirrorSet, SpecAssets } from '../spec/types.js';
import { isRecord } from '../util/is-record.js';
import type { MirrorDoc, ReadResult, Written } from './spec-doc.js';

export function readDockerDaemon(text: string, file: string): ReadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return {
      entries: [],
      diagnostics: [
        { severity: 'error', code: 'convert.parse', file, message: `not valid JSON: ${String(e)}` },
      ],
    };
  }
  const obj = isRecord(doc) ? doc : {};
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const insecure = strings(obj['insecure-registries']);
  const diagnostics: Diagnostic[] = [];
  const mirrors: MirrorDoc[] = strings(obj['registry-mirrors']).map((raw) => {
    const m = /^(https?:\/\/[^/]+)(\/.*)?$/.exec(raw.replace(/\/+$/, ''));
    const origin = m?.[1] ?? raw;
    const path = m?.[2] ?? '';
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
