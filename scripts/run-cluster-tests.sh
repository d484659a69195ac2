#!/usr/bin/env bash
# npm run test:cluster: runs the vitest `cluster` project (test/cluster-e2e/) inside a private network +
# mount namespace with only loopback up, as scripts/run-e2e.sh does for the e2e project: simulated
# nodes, their containerd daemons, the API server stand-in and the podman pods never reach the network
# or this machine's mounts. Needs root. Extra arguments go to vitest
# (e.g. `npm run test:cluster -- test/cluster-e2e/podman-kube-play.test.ts`).
set -euo pipefail

if [[ "$(id -u)" != 0 ]]; then
  echo "run-cluster-tests: must run as root (namespaces of simulated nodes, mounts, containerd, podman)" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ "${MIRRORCTL_E2E_IN_NS:-}" != 1 ]]; then
  # test/e2e/harness/mountns.ts compares namespaces before mounting; PID 1's link may be unreadable
  # in sandboxes, so record ours now.
  MIRRORCTL_E2E_HOST_MNTNS="$(readlink /proc/self/ns/mnt)"
  export MIRRORCTL_E2E_HOST_MNTNS
  export MIRRORCTL_E2E_IN_NS=1
  exec unshare --net --mount --propagation private -- "$0" "$@"
fi

ip link set lo up
cd "$here"
exec node_modules/.bin/vitest run --project cluster "$@"
