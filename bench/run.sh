#!/usr/bin/env bash
# npm run bench: builds the CLI (section 4 builds the image bundle itself), then re-executes inside
# a private network + mount namespace with only loopback up (like scripts/run-e2e.sh), where the real containerd runs
# on bind-mounted node paths and this machine's own /etc and /var/lib stay untouched.
# Prints one table. Arguments select sections (1 2 3 4; default all).
set -euo pipefail

if [[ "$(id -u)" != 0 ]]; then
  echo "bench: must run as root (unshare, mount, containerd)" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

if [[ "${MIRRORCTL_E2E_IN_NS:-}" != 1 ]]; then
  if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
    echo "bench: npm run build" >&2
    npm run --silent build >&2
  fi
  # kubectl is the cold-start peer; Debian 12 ships it as kubernetes-client (figure 2 says so when
  # it is missing rather than inventing a number).
  if ! command -v kubectl >/dev/null 2>&1; then
    apt-get install -y -qq kubernetes-client >&2 || echo "bench: kubernetes-client not installable" >&2
  fi
  MIRRORCTL_E2E_HOST_MNTNS="$(readlink /proc/self/ns/mnt)"
  export MIRRORCTL_E2E_HOST_MNTNS
  export MIRRORCTL_E2E_IN_NS=1
  exec unshare --net --mount --propagation private -- "$0" "$@"
fi

ip link set lo up
exec node --import tsx bench/main.ts "$@"
