#!/bin/sh
# PID 1 of a simulated node's own PID, mount, UTS, IPC and network namespaces (sim/kubelet/node-host.ts):
# the node's / is a tmpfs holding its root dir's top-level entries (bind-mounted), the machine's /usr
# (read-only), /dev, /sys, the sim dir at /.sim (the machine's / read-only at /.sim/host), and a
# systemctl that asks the test process; then pivot_root, so `nsenter -t 1 -m` in a hostPID pod lands
# here and never on this machine. Arguments: node root, sim dir, empty mount point, node name.
set -eu
NODE_ROOT=$1
SIM=$2
NEW=$3
NAME=$4
mount -t tmpfs -o mode=755 tmpfs "$NEW"
for d in "$NODE_ROOT"/*; do
  [ -e "$d" ] || [ -L "$d" ] || continue
  n=${d##*/}
  if [ -L "$d" ]; then
    cp -P "$d" "$NEW/$n"
  elif [ -d "$d" ]; then
    mkdir -p "$NEW/$n"
    mount --bind "$d" "$NEW/$n"
  fi
done
mkdir -p "$NEW/usr" "$NEW/proc" "$NEW/dev" "$NEW/sys" "$NEW/.sim" "$NEW/.old"
mount --bind /usr "$NEW/usr"
mount -o remount,bind,ro "$NEW/usr"
for l in bin lib lib64 sbin; do
  [ -e "$NEW/$l" ] || ln -s "usr/$l" "$NEW/$l"
done
mount --rbind /dev "$NEW/dev"
mount --rbind /sys "$NEW/sys"
mount --bind "$SIM" "$NEW/.sim"
mount --bind / "$NEW/.sim/host"
mount -o remount,bind,ro "$NEW/.sim/host"
if [ -e "$NEW/usr/bin/systemctl" ]; then
  mount --bind "$NEW/.sim/systemctl" "$NEW/usr/bin/systemctl"
fi
hostname "$NAME"
ip link set lo up
ip addr add 10.96.0.1/32 dev lo
cd "$NEW"
pivot_root . .old
mount -t proc proc /proc
umount -l /.old
rmdir /.old
exec /usr/bin/tini -- /usr/bin/node /.sim/node-helper.mjs
