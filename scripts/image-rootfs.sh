#!/usr/bin/env bash
# Assembles the root filesystem of the mirrorctl image (controller, node agents, apply Job) from
# this machine: the node binary and the libraries ldd lists, the CLI bundle, util-linux nsenter and
# flock with theirs, the CA bundle, /tmp, and passwd/group entries for uid 0 and 65532. No shell,
# no package manager. Used by scripts/build-image.sh (podman, offline) and the Dockerfile, so both
# images have one layout — the paths in src/cluster/api/pod-contract.ts (IMAGE_PATHS).
# Usage: scripts/image-rootfs.sh ROOTFS_DIR BUNDLE_FILE
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 ROOTFS_DIR BUNDLE_FILE" >&2
  exit 2
fi
rootfs="$1"
bundle="$2"
mkdir -p "$rootfs"

# SOURCE binary → its path in the image, plus every shared library it loads (same paths as here).
put_binary() {
  local src dest lib
  src="$(readlink -f "$1")"
  dest="$2"
  install -D -m 0755 "$src" "$rootfs$dest"
  # ldd prints "name => /path (addr)" and the loader as "/lib64/ld-linux-x86-64.so.2 (addr)".
  while read -r lib; do
    # The loader must keep its execute bit (the kernel execs it for every dynamic binary).
    [[ -e "$rootfs$lib" ]] || install -D -m "$(stat -c %a "$(readlink -f "$lib")")" "$(readlink -f "$lib")" "$rootfs$lib"
  done < <(ldd "$src" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
}

need() { command -v "$1" >/dev/null || { echo "image-rootfs: $1 not found" >&2; exit 1; }; }
need node
need nsenter
need flock

put_binary "$(command -v node)" /usr/local/bin/node
put_binary "$(command -v nsenter)" /usr/bin/nsenter
put_binary "$(command -v flock)" /usr/bin/flock
install -D -m 0644 "$bundle" "$rootfs/opt/mirrorctl/mirrorctl.mjs"

ca=/etc/ssl/certs/ca-certificates.crt
[[ -s "$ca" ]] || { echo "image-rootfs: $ca missing (install ca-certificates)" >&2; exit 1; }
install -D -m 0644 "$ca" "$rootfs/etc/ssl/certs/ca-certificates.crt"

install -d -m 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs/etc/group"
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"
