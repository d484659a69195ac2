#!/usr/bin/env bash
# Fetches the extra containerd versions of the e2e matrix (issue 11) as Debian .debs and unpacks
# them into .cache/containerd/<version>/ (bin/containerd, bin/containerd-shim-runc-v2, ...).
# Uses a PRIVATE apt configuration (sources, lists, cache) so the machine's apt setup is never
# read or written; the binaries link only libc, so they run on bookworm.
# Idempotent: a version already unpacked and answering --version is skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${MIRRORCTL_CONTAINERD_CACHE:-$here/.cache/containerd}"
apt_dir="$cache/.apt"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# suite:wanted-version-prefix. 1.7 from trixie, 2.1 from sid (exact versions are resolved below
# and written to $cache/versions.txt).
targets=("trixie:1.7." "sid:2.1.")

mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc"
: >"$apt_dir/etc/sources.list"
for t in "${targets[@]}"; do
  echo "deb [signed-by=$keyring] $mirror ${t%%:*} main" >>"$apt_dir/etc/sources.list"
done

apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=/dev/null"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Acquire::Languages=none"
  -o "APT::Get::List-Cleanup=false"
  -o "APT::Sandbox::User=root"
)

# Versions already unpacked and working?
all_present=true
for t in "${targets[@]}"; do
  prefix="${t#*:}"
  found=""
  for d in "$cache"/"$prefix"*/; do
    [[ -x "$d/bin/containerd" ]] && "$d/bin/containerd" --version >/dev/null 2>&1 && found="$d"
  done
  [[ -n "$found" ]] || all_present=false
done
if $all_present; then
  echo "fetch-containerd: all versions present in $cache"
  cat "$cache/versions.txt" 2>/dev/null || true
  exit 0
fi

echo "fetch-containerd: apt-get update (private lists in $apt_dir)"
apt-get "${apt_opts[@]}" -qq update

: >"$cache/versions.txt.new"
for t in "${targets[@]}"; do
  suite="${t%%:*}"
  prefix="${t#*:}"
  # All candidate versions across the private lists; keep the newest one matching the prefix.
  version="$(apt-cache "${apt_opts[@]}" madison containerd | awk -F'|' '{gsub(/ /,"",$2); print $2}' |
    grep -E "^${prefix//./\\.}" | sort -V | tail -n1 || true)"
  if [[ -z "$version" ]]; then
    echo "fetch-containerd: no containerd ${prefix}x in $suite" >&2
    apt-cache "${apt_opts[@]}" policy containerd >&2
    exit 1
  fi
  upstream="${version%%~*}"
  upstream="${upstream%%-*}"
  upstream="${upstream%%+*}"
  dest="$cache/$upstream"
  if [[ -x "$dest/bin/containerd" ]] && "$dest/bin/containerd" --version >/dev/null 2>&1; then
    echo "fetch-containerd: $upstream already unpacked"
  else
    work="$(mktemp -d)"
    (cd "$work" && apt-get "${apt_opts[@]}" -qq download "containerd=$version")
    deb="$(ls "$work"/containerd_*.deb)"
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    dpkg -x "$deb" "$dest.tmp/root"
    mkdir -p "$dest.tmp/bin"
    # Keep the layout flat: bin/ holds every binary the package ships (containerd, shims, ctr).
    for b in "$dest.tmp"/root/usr/bin/* "$dest.tmp"/root/usr/sbin/*; do
      [[ -e "$b" ]] && ln -sf "../root/${b#"$dest.tmp"/root/}" "$dest.tmp/bin/$(basename "$b")"
    done
    rm -rf "$dest" && mv "$dest.tmp" "$dest"
    rm -rf "$work"
  fi
  "$dest/bin/containerd" --version
  echo "$upstream $version $suite" >>"$cache/versions.txt.new"
done
mv "$cache/versions.txt.new" "$cache/versions.txt"
echo "fetch-containerd: versions (upstream debian-version suite):"
cat "$cache/versions.txt"
