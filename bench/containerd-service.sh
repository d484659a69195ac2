#!/usr/bin/env bash
# The bench's stand-in for `systemctl {start,restart,stop} containerd` inside the private mount
# namespace: one containerd 1.6 (Debian) on the node paths (/etc/containerd/config.toml,
# /run/containerd/containerd.sock) with root/state in $BENCH_CONTAINERD_DIR. Every start appends a
# line to $BENCH_CONTAINERD_DIR/starts, so the bench counts restarts exactly (PID changes could be
# missed between two samples). Both the seed's manual procedure and `mirrorctl apply` restart
# through this script, so their disruption is measured against the same service manager.
set -euo pipefail
dir="${BENCH_CONTAINERD_DIR:?BENCH_CONTAINERD_DIR must name the containerd temp dir}"
pidfile="$dir/containerd.pid"

start() {
  mkdir -p /run/containerd "$dir/root" "$dir/state"
  # setsid: the daemon outlives the shell that restarted it (mirrorctl runs this script with sh -c);
  # 3>&-: the bench reads its CPU figures from fd 3 and waits for every holder to close it.
  setsid /usr/bin/containerd --config /etc/containerd/config.toml --root "$dir/root" --state "$dir/state" \
    --address /run/containerd/containerd.sock >>"$dir/containerd.log" 2>&1 </dev/null 3>&- &
  echo $! >"$pidfile"
  echo "$(date +%s%N) $!" >>"$dir/starts"
}

stop() {
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || return 0
  # systemd's stop waits for the main process to exit (TimeoutStopSec); so does this.
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
esac
