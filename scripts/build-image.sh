#!/usr/bin/env bash
# Builds the one mirrorctl image (controller, node agents, apply Job) with podman, without network:
# the CLI bundle (scripts/build-bundle.mjs), a rootfs from this machine (scripts/image-rootfs.sh),
# `podman import`ed as ghcr.io/mirrorctl/mirrorctl:<package version>. Prints the image ID and digest
# and records them in dist/image/image.json. The Dockerfile builds the same layout on a registry.
# Usage: scripts/build-image.sh [IMAGE_REF]
# Env: PODMAN — the podman command (default `podman`; e.g. `podman --root DIR --runroot DIR` for a
# private image store).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a podman <<<"${PODMAN:-podman}"
version="$(node -p "require('$here/package.json').version")"
ref="${1:-ghcr.io/mirrorctl/mirrorctl:$version}"
out="$here/dist/image"
work="$(mktemp -d "${TMPDIR:-/tmp}/mirrorctl-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT

node "$here/scripts/build-bundle.mjs" --outfile "$work/mirrorctl.mjs" >&2
"$here/scripts/image-rootfs.sh" "$work/rootfs" "$work/mirrorctl.mjs"
# Fixed order, times and owners: the same inputs give the same layer.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .

"${podman[@]}" import --quiet \
  --change 'ENTRYPOINT ["/usr/local/bin/node", "/opt/mirrorctl/mirrorctl.mjs"]' \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change "LABEL org.opencontainers.image.version=$version" \
  --change 'LABEL org.opencontainers.image.source=https://github.com/mirrorctl/mirrorctl' \
  --message "mirrorctl $version" \
  "$work/rootfs.tar" "$ref" >/dev/null

id="$("${podman[@]}" image inspect --format '{{.Id}}' "$ref")"
digest="$("${podman[@]}" image inspect --format '{{.Digest}}' "$ref")"
size="$("${podman[@]}" image inspect --format '{{.Size}}' "$ref")"
mkdir -p "$out"
printf '{\n  "image": "%s",\n  "id": "%s",\n  "digest": "%s",\n  "size": %s\n}\n' "$ref" "$id" "$digest" "$size" >"$out/image.json"
echo "image:  $ref"
echo "id:     $id"
echo "digest: $digest (local; pin the digest your registry reports after the push: podman push --digestfile)"
