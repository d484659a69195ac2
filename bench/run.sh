#!/usr/bin/env bash
# npm run bench: builds the CLI (section 4 builds the image bundle itself), then re-executes inside
# a private network + mount namespace with only loopback up (like scripts/run-e2e.sh), where the real containerd runs
# on bind-mounted node paths and this machine's own /etc and /var/lib stay untouched.
# Prints one table. Arguments select sections (1 2 3 4; default all).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/lib/private-netns.sh
source "$here/scripts/lib/private-netns.sh"
require_root bench "unshare, mount, containerd"
cd "$here"

if ! in_private_netns; then
  if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
    echo "bench: npm run build" >&2
    npm run --silent build >&2
  fi
  # kubectl is the cold-start peer; Debian 12 ships it as kubernetes-client (figure 2 says so when
  # it is missing rather than inventing a number).
  if ! command -v kubectl >/dev/null 2>&1; then
    apt-get install -y -qq kubernetes-client >&2 || echo "bench: kubernetes-client not installable" >&2
  fi
fi
enter_private_netns "$@"
exec node --import tsx bench/main.ts "$@"
