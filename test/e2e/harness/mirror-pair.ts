// The two registries every mirror case needs: the mirror and a stand-in for the source registry
// (which is unreachable here, so a pull that succeeds came from one of these two and the access
// logs say which). Both hold the same test image: a pull would succeed from either, so only the
// logs decide.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestImage, type OciImage, pushImage } from './image.js';
import { type Registry, type RegistryOptions, startRegistry } from './registry.js';
import { acceptAnythingPolicy } from './skopeo.js';

export interface MirrorPair {
  mirror: Registry;
  upstream: Registry;
  image: OciImage;
  policy: string;
  stop(): Promise<void>;
}

export interface MirrorPairOptions {
  dir: string;
  tag: string;
  /** Repositories the image is pushed to on the mirror, e.g. `dpod/cpopen/cpopen-test`. */
  mirrorRepos: string[];
  /** Repositories on the upstream stand-in, e.g. `cpopen/cpopen-test`. */
  upstreamRepos: string[];
  mirror?: Partial<RegistryOptions>;
}

export async function startMirrorPair(options: MirrorPairOptions): Promise<MirrorPair> {
  mkdirSync(options.dir, { recursive: true });
  const policy = acceptAnythingPolicy(options.dir);
  const mirror = await startRegistry({ ...options.mirror, name: 'mirror', dir: options.dir });
  const upstream = await startRegistry({ name: 'upstream', dir: options.dir });
  const image = await buildTestImage(join(options.dir, 'image'), options.tag, `mirrorctl e2e ${options.tag}`);
  for (const repo of options.mirrorRepos) await pushImage(image, mirror, repo, policy);
  for (const repo of options.upstreamRepos) await pushImage(image, upstream, repo, policy);
  return {
    mirror,
    upstream,
    image,
    policy,
    async stop() {
      await mirror.stop();
      await upstream.stop();
    },
  };
}

/**
 * The lines a test prints as its proof: which registry served which path to which client. Only
 * requests from `client` (a User-Agent prefix such as `containerd/1.7.24`) after `since`
 * (a `registry.mark()`) count, not the pushes.
 */
export function evidence(
  label: string,
  registry: Registry,
  prefix: string,
  client: string,
  since = 0,
): string {
  const hits = registry.requests(prefix, since).filter((e) => e.userAgent.startsWith(client));
  const lines = hits.map((h) => `  ${h.line}`).join('\n');
  return `[e2e evidence] ${label}: ${registry.name} ${registry.host} served ${hits.length} request(s)\n${lines}`;
}
