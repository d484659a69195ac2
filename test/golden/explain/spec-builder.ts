// Builds normalized MirrorSet objects for renderer and explain tests (what spec/validate.ts
// produces), so cases read like the YAML a user writes: entry('icr.io/cpopen', [mirror(…)]).
import type { Mirror, MirrorSet, RegistryEntry, Target } from '../../../src/spec/types.js';

export type MirrorOptions = Partial<Omit<Mirror, 'url' | 'scheme' | 'host' | 'path'>>;

export function mirror(url: string, opts: MirrorOptions = {}): Mirror {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  return {
    url: `${u.protocol}//${u.host}${path}`,
    scheme: u.protocol === 'http:' ? 'http' : 'https',
    host: u.host,
    path,
    pathMode: 'namespace',
    pullFrom: 'all',
    capabilities: ['pull', 'resolve'],
    tls: { insecureSkipVerify: false },
    headers: {},
    ...opts,
  };
}

export interface EntryOptions {
  fallback?: boolean;
  only?: Target[];
}

export function entry(
  source: string,
  mirrors: Mirror[],
  opts: EntryOptions = {},
): Omit<RegistryEntry, 'index'> {
  const slash = source.indexOf('/');
  const rawHost = slash < 0 ? source : source.slice(0, slash);
  const host = ['index.docker.io', 'registry-1.docker.io'].includes(rawHost) ? 'docker.io' : rawHost;
  const e: Omit<RegistryEntry, 'index'> = {
    source: slash < 0 ? host : `${host}/${source.slice(slash + 1)}`,
    sourceHost: host,
    sourcePath: slash < 0 ? '' : source.slice(slash + 1),
    fallback: opts.fallback ?? true,
    mirrors,
  };
  if (opts.only) e.only = opts.only;
  return e;
}

export function mirrorSet(name: string, entries: Omit<RegistryEntry, 'index'>[]): MirrorSet {
  return {
    apiVersion: 'mirrorctl/v1',
    kind: 'MirrorSet',
    name,
    registries: entries.map((e, index) => ({ ...e, index })),
  };
}
