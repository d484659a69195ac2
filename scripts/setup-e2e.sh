#!/usr/bin/env bash
# Installs what the e2e suite runs (Debian 12 packages) on a CI runner or a fresh machine.
# Idempotent: packages already installed are not touched, and nothing is started. Needs root.
set -euo pipefail

if [[ "$(id -u)" != 0 ]]; then
  echo "setup-e2e: must run as root" >&2
  exit 2
fi

# containerd: CRI pulls (1.6 from bookworm; 1.7/2.1 come from scripts/fetch-containerd.sh)
# docker-registry: mirror and upstream stand-ins; skopeo/podman: registries.conf (CRI-O's library)
# docker.io: dockerd 20.10 + Debian CLI; iproute2: `ip link set lo up` in the test namespace
# openssl: test CA; apache2-utils: htpasswd; util-linux: unshare/mount; tar: OCI layers
packages=(containerd docker-registry skopeo podman runc docker.io iproute2 openssl apache2-utils util-linux tar)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup-e2e: installing ${missing[*]}"
  # Keep maintainer scripts from starting containerd/dockerd/registry services: the suite starts
  # its own instances with temp roots. Only a policy-rc.d we created is removed again.
  created_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=true
  fi
  trap '$created_policy && rm -f /usr/sbin/policy-rc.d' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup-e2e: all packages present"
fi

# The suite binds temp dirs over these node paths; they must exist as mount points.
for d in /etc/containerd /etc/containers /etc/docker /etc/cni; do
  [[ -d "$d" ]] || mkdir -p "$d"
done

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if ((node_major < 20)); then
  echo "setup-e2e: Node.js >= 20.11 is required (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

echo "setup-e2e: versions"
containerd --version
docker-registry --version
skopeo --version
podman --version
/usr/sbin/dockerd --version
runc --version | head -n1
node --version
