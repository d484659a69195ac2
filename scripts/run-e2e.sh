#!/usr/bin/env bash
# npm run test:e2e: runs the vitest `e2e` project inside a private network + mount namespace with
# only loopback up, so no test can reach the network or touch this machine's mounts, and registry
# ports never clash with anything else running here. Extra arguments go to vitest
# (e.g. `npm run test:e2e -- test/e2e/containerd-hosts.test.ts --reporter=json`).
set -euo pipefail

if [[ "$(id -u)" != 0 ]]; then
  echo "run-e2e: must run as root (unshare, mount, containerd, dockerd)" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ "${MIRRORCTL_E2E_IN_NS:-}" != 1 ]]; then
  # The harness compares namespaces before mounting; PID 1's link may be unreadable in sandboxes,
  # so record ours now.
  MIRRORCTL_E2E_HOST_MNTNS="$(readlink /proc/self/ns/mnt)"
  export MIRRORCTL_E2E_HOST_MNTNS
  export MIRRORCTL_E2E_IN_NS=1
  exec unshare --net --mount --propagation private -- "$0" "$@"
fi

ip link set lo up
cd "$here"
exec node_modules/.bin/vitest run --project e2e "$@"
