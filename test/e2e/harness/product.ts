// The product path as an e2e case drives it: write a spec, run `mirrorctl apply|verify|uninstall|
// explain` from source inside the private mount namespace, and compare `explain`'s request sequence
// with what the registries' access logs saw.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { ExecResult } from './exec.js';
import { mirrorctl } from './mirrorctl.js';
import type { AccessLogEntry, Registry } from './registry.js';

export interface SpecEntry {
  source: string;
  fallback?: boolean;
  only?: string[];
  mirrors: {
    url: string;
    path?: 'namespace' | 'api-root' | 'mount';
    pullFrom?: 'all' | 'digest-only' | 'tag-only';
    dialTimeout?: string;
    tls?: { caFile?: string; insecureSkipVerify?: boolean };
    auth?: { file: string };
  }[];
}

/** Writes a MirrorSet file and returns its path. */
export function writeSpec(file: string, registries: SpecEntry[], name = 'e2e'): string {
  writeFileSync(
    file,
    stringify({ apiVersion: 'mirrorctl/v1', kind: 'MirrorSet', metadata: { name }, spec: { registries } }),
  );
  return file;
}

/** Runs the CLI and fails with its whole output when the exit code is not `expected`. */
export async function cli(args: readonly string[], expected = 0): Promise<ExecResult> {
  const r = await mirrorctl(args);
  if (r.code !== expected) {
    throw new Error(
      `mirrorctl ${args.join(' ')} exited ${r.code} (expected ${expected})\n${r.stderr}\n${r.stdout}`,
    );
  }
  return r;
}

export interface ExplainedRequest {
  url: string;
  role: 'mirror' | 'source';
}

interface ExplainDoc {
  results: { target: string; requests: ExplainedRequest[] }[];
}

/** `mirrorctl explain IMAGE -f SPEC --target T [--runtime-version V] -o json` → the request list. */
export async function explainRequests(
  image: string,
  spec: string,
  target: string,
  runtimeVersion?: string,
  extra: readonly string[] = [],
): Promise<ExplainedRequest[]> {
  const r = await cli([
    'explain',
    image,
    '-f',
    spec,
    '--target',
    target,
    ...(runtimeVersion ? ['--runtime-version', runtimeVersion] : []),
    ...extra,
    '-o',
    'json',
  ]);
  const doc = JSON.parse(r.stdout) as ExplainDoc;
  return doc.results.find((x) => x.target === target)?.requests ?? [];
}

export interface Seen {
  /** `http://127.0.0.1:5001/v2/…/manifests/1.0?ns=icr.io` */
  url: string;
  status: number;
  entry: AccessLogEntry;
}

/**
 * Manifest requests for `reference` (a tag or digest) from clients whose User-Agent starts with
 * `client`, across the registries, in time order. A HEAD followed by a GET of the same URL is one
 * request for this comparison (containerd resolves with HEAD, c/image and dockerd GET directly).
 */
export function manifestRequests(
  registries: { registry: Registry; since: number }[],
  reference: string,
  client: string,
): Seen[] {
  const all = registries.flatMap(({ registry, since }) =>
    registry
      .accessLog()
      .slice(since)
      .map((entry, i) => ({ entry, i, registry })),
  );
  // Access logs carry second-resolution times only; within one registry the order is the line
  // order, across registries the log's timestamp decides.
  const stamp = (e: AccessLogEntry) => Date.parse(timeOf(e.line));
  all.sort((a, b) => stamp(a.entry) - stamp(b.entry) || (a.registry === b.registry ? a.i - b.i : 0));
  const out: Seen[] = [];
  for (const { entry, registry } of all) {
    if (!entry.userAgent.startsWith(client)) continue;
    const path = entry.path.split('?')[0] ?? '';
    if (!/\/manifests\/[^/]+$/.test(path) || !path.endsWith(`/manifests/${reference}`)) continue;
    const url = `${registry.url}${entry.path}`;
    if (out.at(-1)?.url === url) continue;
    out.push({ url, status: entry.status, entry });
  }
  return out;
}

function timeOf(line: string): string {
  // [25/Nov/2026:17:00:00 +0000] → 25 Nov 2026 17:00:00 +0000
  const m = /\[(\d+)\/(\w+)\/(\d+):(\d+:\d+:\d+) ([+-]\d+)\]/.exec(line);
  return m ? `${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]}` : '';
}

/**
 * What explain promises, cut where the runtime stops: every request up to and including the first
 * that a registry here answered 200. Hosts that are not running here (icr.io) never log, so the
 * comparison keeps only explained URLs on the registries the test started.
 */
export function expectedPrefix(explained: ExplainedRequest[], seen: Seen[], local: Registry[]): string[] {
  const bases = local.map((r) => r.url);
  const onLocal = explained
    .map((e) => e.url)
    .filter((u) => /\/manifests\/[^/?]+(\?|$)/.test(u) && bases.some((b) => u.startsWith(`${b}/`)));
  const served = seen.find((s) => s.status === 200)?.url;
  const cut = served === undefined ? onLocal.length : onLocal.indexOf(served) + 1;
  return cut === 0 ? onLocal : onLocal.slice(0, cut);
}

export const evidenceLine = (label: string, seen: Seen[]): string =>
  `[e2e evidence] ${label}:\n${seen.map((s) => `  ${s.entry.line}`).join('\n') || '  (no manifest request)'}`;
