// containerd (CRI, config_path) request order on containerd's own reading of certs.d
// (formats/containerd-hosts.ts); the resolver (core/remotes/docker/resolver.go) HEADs manifests on
// pull+resolve hosts for a tag, pull hosts for a digest (then /blobs/), adding ?ns= on mirrors.
import path from 'node:path/posix';
import type { Diagnostic } from '../diagnostics.js';
import {
  fillDefaultHost,
  hostPaths,
  httpsFirst,
  type RegistryHost,
  readHostsToml,
} from '../formats/containerd-hosts.js';
import { nsQuery } from '../render/containerd-mirror-url.js';
import type { RenderedFile } from '../render/types.js';
import { type ExplainedImage, type ExplainRequest, objectOf } from './types.js';

/** isProxy: the contacted host is not the registry (docker.io ↔ registry-1.docker.io is the same). */
const isProxy = (namespace: string, host: string): boolean =>
  namespace !== host && !(namespace === 'docker.io' && host === 'registry-1.docker.io');

function originNote(h: RegistryHost, file: string): string {
  if (h.origin.kind === 'host')
    return `[host] #${h.origin.index} in ${file}${h.overridePath ? ', override_path' : ''}`;
  if (h.origin.kind === 'server') return `server (tried last) in ${file}`;
  return 'the registry itself (no server key: implicit upstream, tried last)';
}

export interface ContainerdExplainInput {
  /** Files under certsDir as they would sit on the node (rendered, or read from the host). */
  files: readonly Pick<RenderedFile, 'path' | 'content'>[];
  certsDir: string;
  version?: string;
}

export function explainContainerd(
  input: ContainerdExplainInput,
  image: ExplainedImage,
): { requests: ExplainRequest[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const namespace = image.ref.registry;
  const prefix = `${input.certsDir.replace(/\/+$/, '')}/`;
  const dirs = new Map<string, string | null>();
  for (const f of input.files) {
    if (!f.path.startsWith(prefix)) continue;
    const [dir, ...rest] = f.path.slice(prefix.length).split('/');
    if (dir === undefined || dir === '') continue;
    if (rest.join('/') === 'hosts.toml') dirs.set(dir, f.content);
    else if (!dirs.has(dir)) dirs.set(dir, null);
  }
  const dir = hostPaths(namespace, input.version).find((d) => dirs.has(d));
  let hosts: RegistryHost[] = [
    {
      scheme: '',
      host: '',
      path: '',
      pull: true,
      resolve: true,
      tlsConfigured: false,
      overridePath: false,
      origin: { kind: 'default' },
    },
  ];
  let file = '(none)';
  if (dir !== undefined) {
    file = path.join(input.certsDir, dir, 'hosts.toml');
    const text = dirs.get(dir);
    if (text === null || text === undefined || text.length === 0)
      diagnostics.push({
        severity: 'info',
        code: 'explain.containerd.empty-dir',
        message: `${path.join(input.certsDir, dir)} has no hosts.toml: only the registry itself is used`,
        target: 'containerd',
      });
    else {
      const parsed = readHostsToml(text, input.version);
      if (parsed.error === undefined) hosts = parsed.hosts;
      else
        diagnostics.push({
          severity: 'error',
          code: 'explain.containerd.hosts-toml',
          message: `containerd logs "failed to decode hosts.toml" (${parsed.error}) and ignores ${file}: only the registry itself is used`,
          file,
          target: 'containerd',
        });
    }
  }
  hosts = fillDefaultHost(hosts, namespace);
  const isDigest = image.kind === 'digest';
  const usable = hosts.filter((h) => h.pull && (isDigest || h.resolve));
  for (const h of hosts)
    if (!usable.includes(h))
      diagnostics.push({
        severity: 'info',
        code: 'explain.containerd.capability-skip',
        message: `${h.scheme}://${h.host}${h.path} is skipped for this tag: it lacks "resolve" (it still serves blobs once the digest is known)`,
        target: 'containerd',
      });
  const object = objectOf(image);
  const kinds = isDigest ? ['manifests', 'blobs'] : ['manifests'];
  const requests: ExplainRequest[] = [];
  for (const kind of kinds) {
    for (const h of usable) {
      const p = path.join('/', h.path, image.ref.repository, kind, object);
      const proxy = isProxy(namespace, h.host);
      const ns = proxy ? nsQuery(namespace) : '';
      const scheme = httpsFirst(h, input.version) ? 'https' : h.scheme;
      const notes = [originNote(h, file)];
      if (scheme !== h.scheme) notes.push('http:// host with TLS settings: HTTPS first, then HTTP');
      if (kind === 'blobs') notes.push('fallback when no host had the manifest');
      requests.push({
        url: `${scheme}://${h.host}${p}${ns}`,
        role: h.origin.kind === 'host' || proxy ? 'mirror' : 'source',
        capability: isDigest ? 'pull' : 'resolve',
        note: notes.join('; '),
      });
    }
  }
  if (requests.length === 0)
    diagnostics.push({
      severity: 'error',
      code: 'explain.containerd.no-resolve-host',
      message: `no host can resolve ${image.reference} ("no resolve hosts"): the pull fails`,
      target: 'containerd',
    });
  return { requests, diagnostics };
}
