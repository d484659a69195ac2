// Builds a tiny OCI image offline (hand-made OCI image layout: one gzip tar layer, config, manifest,
// index) and pushes it to a loopback registry with skopeo. Each image carries its own marker file, so
// two images never share a digest and a pull can only be satisfied by the registry that has it.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runOk } from './exec.js';
import type { Registry } from './registry.js';
import { skopeo } from './skopeo.js';

export interface OciImage {
  /** OCI layout directory. */
  dir: string;
  tag: string;
  /** `sha256:…` of the manifest: what a digest pull asks for. */
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
}

const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const ociArch = (arch: string) => (arch === 'x64' ? 'amd64' : arch);

function writeBlob(dir: string, data: Uint8Array): { digest: string; size: number } {
  const digest = sha256(data);
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), data);
  return { digest, size: data.length };
}

/** Builds `<dir>` as an OCI layout holding one image tagged `tag` whose file says `marker`. */
export async function buildTestImage(dir: string, tag: string, marker: string): Promise<OciImage> {
  const rootfs = join(dir, '..', `${tag}-rootfs-${Date.now()}`);
  mkdirSync(rootfs, { recursive: true });
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(rootfs, 'marker.txt'), `${marker}\n`);
  const tarFile = join(rootfs, '..', `${tag}-layer.tar`);
  // GNU tar with fixed owner and mtime: the layer is reproducible for a given marker.
  await runOk([
    'tar',
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mtime=@0',
    '-C',
    rootfs,
    '-cf',
    tarFile,
    'marker.txt',
  ]);
  const tar = readFileSync(tarFile);
  const layer = writeBlob(dir, gzipSync(tar));
  const config = writeBlob(
    dir,
    Buffer.from(
      JSON.stringify({
        architecture: ociArch(process.arch),
        os: 'linux',
        config: { Cmd: ['/marker.txt'] },
        rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      }),
    ),
  );
  const manifest = writeBlob(
    dir,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return {
    dir,
    tag,
    manifestDigest: manifest.digest,
    configDigest: config.digest,
    layerDigest: layer.digest,
  };
}

/** Pushes the image to `<registry>/<repo>:<tag>` (plain HTTP or the registry's own CA). */
export async function pushImage(
  image: OciImage,
  registry: Registry,
  repo: string,
  policy: string,
): Promise<void> {
  const dest = `docker://${registry.host}/${repo}:${image.tag}`;
  const args = ['copy', '--quiet', '--preserve-digests'];
  if (registry.pki) args.push('--dest-cert-dir', registry.pki.caDir);
  else args.push('--dest-tls-verify=false');
  if (registry.auth) args.push('--dest-creds', `${registry.auth.username}:${registry.auth.password}`);
  const result = await skopeo([...args, `oci:${image.dir}:${image.tag}`, dest], { policy });
  if (result.code !== 0) throw new Error(`skopeo push to ${dest} failed:\n${result.stderr}`);
}
