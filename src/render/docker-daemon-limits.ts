// What daemon.json can and cannot say about a spec entry (runtime-semantics.md §3.1): Docker mirrors
// Docker Hub only, requests <mirror>/v2/<full repository> (a URL path is an API prefix, 24.0.8+),
// uses every mirror for every pull and always falls back to the Hub.
import type { Diagnostic } from '../diagnostics.js';
import { MIRROR_PATH_REFUSED, mirrorPathAccepted, validateMirror } from '../formats/docker-daemon.js';
import type { Mirror, RegistryEntry } from '../spec/types.js';
import { missingTlsAssets, targetError } from './entry-diagnostics.js';
import type { RenderContext } from './types.js';

const TARGET = 'docker' as const;

/** An error for the docker target (code render.docker.<code>). */
export const err = targetError(TARGET);

/**
 * The registry-mirrors value for one mirror. Docker requests `<mirror>/v2/<repository>/…` with the
 * full Hub repository (library/nginx), so a mirror path is an API prefix, never a namespace.
 */
export function mirrorUrl(m: Mirror, field: string, ctx: RenderContext): string | Diagnostic {
  const base = `${m.scheme}://${m.host}`;
  let prefix: string;
  switch (m.pathMode) {
    case 'namespace':
      if (m.path !== '')
        return err(
          'namespace-path',
          `${field}.url`,
          `Docker cannot rewrite Hub repositories into ${m.url}: it always requests <mirror>/v2/<full repository> (library/nginx), so a namespace path is never applied`,
          `store the images under their Hub names and use ${base} (or path: mount for a proxy under ${m.path}, Docker 24.0.8+)`,
        );
      prefix = '';
      break;
    case 'api-root':
      if (m.path !== '/v2' && !m.path.endsWith('/v2'))
        return err(
          'api-root',
          `${field}.path`,
          `api-root mirror ${m.url} needs requests without /v2, but Docker always appends /v2/ to the mirror URL`,
          'serve the API under <path>/v2 and use path: mount, or limit the entry with only: [containerd]',
        );
      prefix = m.path.slice(0, -3);
      break;
    case 'mount':
      prefix = m.path;
      break;
  }
  const url = `${base}${prefix}`;
  // dockerd's own check of the value; an unknown version counts as one that refuses a path.
  const checked = validateMirror(url, mirrorPathAccepted(ctx.runtimeVersion) === true);
  if (checked.ok) return url;
  if (checked.reason === 'path')
    return err(
      'mirror-path-version',
      `${field}.url`,
      `a mirror URL with a path (${url}) needs Docker 24.0.8+; ${ctx.runtimeVersion === undefined ? 'the Docker version is unknown' : `this node runs ${ctx.runtimeVersion}`}, which refuses to start with "${MIRROR_PATH_REFUSED}"`,
      'serve the mirror at the host root, upgrade Docker, or pass --runtime-version',
    );
  // Unreachable for a valid spec (it refuses userinfo, queries and other schemes): kept as a self-check.
  return err(
    'mirror-url',
    `${field}.url`,
    `dockerd would refuse to start: ${checked.error}`,
    'fix the mirror url',
  );
}

export const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

export function mirrorProblems(m: Mirror, field: string, ctx: RenderContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (m.pullFrom !== 'all')
    out.push(
      err(
        'pull-from',
        `${field}.pullFrom`,
        `Docker uses registry-mirrors for every Hub pull; pullFrom: ${m.pullFrom} cannot be expressed`,
        'use pullFrom: all for the docker target, or limit the entry with only: [containerd, crio]',
      ),
    );
  if (Object.keys(m.headers).length > 0)
    out.push(
      err(
        'headers',
        `${field}.headers`,
        'daemon.json has no per-mirror HTTP headers',
        'put the headers in a reverse proxy in front of the mirror, or limit the entry with only: [containerd]',
      ),
    );
  if (!m.capabilities.includes('pull') || !m.capabilities.includes('resolve'))
    out.push(
      err(
        'capabilities',
        `${field}.capabilities`,
        'Docker mirrors serve whole pulls (tag resolution and blobs); a capability subset cannot be expressed',
        'use capabilities [pull, resolve] for docker, or limit the entry with only: [containerd]',
      ),
    );
  if (m.auth)
    // moby distribution/pull_v2.go: every endpoint of a pull, mirrors included, gets the pull's
    // AuthConfig (what the client sent for docker.io); dockerd itself stores no credentials.
    out.push({
      severity: 'warning',
      code: 'render.docker.auth-client-side',
      message: `dockerd has no credential setting: it sends each pull's client credentials for Docker Hub (docker login, a kubelet pull secret for docker.io) to ${m.host}; mirrorctl writes none (they would also go to Docker Hub on fallback)`,
      field: `${field}.auth`,
      hint: `log the pulling clients in to docker.io with an account ${m.host} accepts, or limit the entry with only: [containerd, crio]`,
      target: TARGET,
    });
  if (m.dialTimeout !== undefined)
    out.push({
      severity: 'info',
      code: 'render.docker.dial-timeout',
      message: `dialTimeout ${m.dialTimeout} is ignored: daemon.json has no per-mirror connect timeout`,
      field: `${field}.dialTimeout`,
      target: TARGET,
    });
  out.push(...missingTlsAssets(TARGET, m, field, ctx));
  return out;
}

export function entryProblems(entry: RegistryEntry, field: string): Diagnostic[] {
  if (entry.sourceHost !== 'docker.io')
    return [
      err(
        'non-hub-source',
        `${field}.source`,
        `upstream Docker mirrors Docker Hub only; "${entry.source}" cannot be mirrored through daemon.json`,
        'use crio/containerd nodes for this registry, or Docker 28+ with /etc/docker/certs.d/<host>/hosts.toml (containerd image store, undocumented); or limit the entry with only: [containerd, crio]',
      ),
    ];
  const out: Diagnostic[] = [];
  if (entry.sourcePath !== '')
    out.push(
      err(
        'hub-prefix',
        `${field}.source`,
        `registry-mirrors apply to all of Docker Hub; the repository prefix "${entry.sourcePath}" cannot be expressed`,
        'use source: docker.io for the docker target',
      ),
    );
  if (!entry.fallback)
    out.push(
      err(
        'fallback',
        `${field}.fallback`,
        'Docker always falls back to registry-1.docker.io after its mirrors; fallback: false cannot be expressed',
        'block registry-1.docker.io at the network level, or limit the entry with only: [containerd, crio]',
      ),
    );
  return out;
}
