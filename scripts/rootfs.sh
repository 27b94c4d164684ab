#!/usr/bin/env bash
# Prints the path of a tar of a debootstrap'd Debian bookworm (minbase) root filesystem, the
# "real rootfs" the benchmarks measure on. Made once (a few minutes, needs deb.debian.org)
# and cached; concurrent callers wait for the one that makes it.
set -euo pipefail
cache=${JSTORE_ROOTFS_CACHE:-/var/cache/jstore}
tar=$cache/debian-bookworm-minbase.tar
mkdir -p "$cache"
exec 9>"$cache/.rootfs.lock"
flock 9
if [ ! -s "$tar" ]; then
  command -v debootstrap >/dev/null || { echo "rootfs: debootstrap is not installed (scripts/setup.sh)" >&2; exit 1; }
  work=$(mktemp -d "$cache/.rootfs.XXXXXX")
  trap 'rm -rf --one-file-system "$work"' EXIT
  echo "rootfs: debootstrap bookworm minbase (once, cached in $cache)" >&2
  debootstrap --variant=minbase bookworm "$work/root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/log" 2>&1 \
    || { tail -20 "$work/log" >&2; exit 1; }
  rm -rf "$work/root/var/cache/apt/archives/"*.deb
  tar --numeric-owner --xattrs --xattrs-include='*' -C "$work/root" -cf "$work/rootfs.tar" .
  mv "$work/rootfs.tar" "$tar"
fi
echo "$tar"
