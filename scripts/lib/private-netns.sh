# Sourced by scripts/run-e2e.sh, scripts/run-cluster-tests.sh and bench/run.sh: checks for root and
# re-executes the calling script inside a private network + mount namespace with only loopback up, so
# nothing it starts can reach the network or this machine's mounts.

# require_root NAME WHY: exits 2 with "NAME: must run as root (WHY)" unless running as root.
require_root() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "$1: must run as root ($2)" >&2
    exit 2
  fi
}

# in_private_netns: true once the script runs inside the namespace enter_private_netns made.
in_private_netns() {
  [[ "${MIRRORCTL_E2E_IN_NS:-}" == 1 ]]
}

# enter_private_netns "$@": outside, re-executes the calling script ($0) with its arguments under
# unshare (never returns); inside, brings loopback up and returns.
enter_private_netns() {
  if ! in_private_netns; then
    # test/e2e/harness/mountns.ts compares namespaces before mounting; PID 1's link may be unreadable
    # in sandboxes, so record ours now.
    MIRRORCTL_E2E_HOST_MNTNS="$(readlink /proc/self/ns/mnt)"
    export MIRRORCTL_E2E_HOST_MNTNS
    export MIRRORCTL_E2E_IN_NS=1
    exec unshare --net --mount --propagation private -- "$0" "$@"
  fi
  ip link set lo up
}
