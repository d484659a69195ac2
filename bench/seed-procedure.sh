#!/usr/bin/env bash
# The seed's manual procedure, literally as a node script would run it: write one hosts.toml per
# mirrored registry, write config.toml with config_path, restart containerd. It restarts on every
# run, whether or not config.toml changed — that is the disruption the bench compares with
# `mirrorctl apply`.
# Usage: seed-procedure.sh MIRROR_URL REGISTRY...
set -euo pipefail
mirror="$1"
shift
for registry in "$@"; do
  mkdir -p "/etc/containerd/certs.d/$registry"
  cat >"/etc/containerd/certs.d/$registry/hosts.toml" <<TOML
server = "https://$registry"

[host."$mirror"]
  capabilities = ["pull", "resolve"]
TOML
done
# config.toml: the node's base settings ($BENCH_BASE_CONFIG, what the node image ships) plus the
# registry config_path, written whole as the seed's instructions say.
{
  cat "${BENCH_BASE_CONFIG:?BENCH_BASE_CONFIG must name the base config.toml}"
  printf '\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n'
} >/etc/containerd/config.toml.new
mv /etc/containerd/config.toml.new /etc/containerd/config.toml
"$(dirname "$0")/containerd-service.sh" restart
