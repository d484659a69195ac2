#!/usr/bin/env bash
# npm run test:e2e: runs the vitest `e2e` project inside a private network + mount namespace with
# only loopback up, so no test can reach the network or touch this machine's mounts, and registry
# ports never clash with anything else running here. Extra arguments go to vitest
# (e.g. `npm run test:e2e -- test/e2e/containerd-hosts.test.ts --reporter=json`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/private-netns.sh
source "$here/scripts/lib/private-netns.sh"

require_root run-e2e "unshare, mount, containerd, dockerd"
enter_private_netns "$@"
cd "$here"
exec node_modules/.bin/vitest run --project e2e "$@"
