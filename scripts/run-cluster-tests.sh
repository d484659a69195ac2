#!/usr/bin/env bash
# npm run test:cluster: runs the vitest `cluster` project (test/cluster-e2e/) inside a private network +
# mount namespace with only loopback up, as scripts/run-e2e.sh does for the e2e project: simulated
# nodes, their containerd daemons, the API server stand-in and the podman pods never reach the network
# or this machine's mounts. Needs root. Extra arguments go to vitest
# (e.g. `npm run test:cluster -- test/cluster-e2e/podman-kube-play.test.ts`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/private-netns.sh
source "$here/scripts/lib/private-netns.sh"

require_root run-cluster-tests "namespaces of simulated nodes, mounts, containerd, podman"
enter_private_netns "$@"
cd "$here"
exec node_modules/.bin/vitest run --project cluster "$@"
