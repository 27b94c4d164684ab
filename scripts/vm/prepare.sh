#!/usr/bin/env bash
# Prepares the virtual machine that runs jstore's dm-thin tests (this kernel has no
# device-mapper): Debian's generic kernel, fetched as a package but not installed, and an
# initramfs of busybox-static plus the modules for device-mapper thin pools, loop devices,
# ext4/xfs and 9p (the host's root is shared read-only over virtio-9p). Debian's cloud kernel
# has dm-thin but no 9p, hence the generic one. Idempotent; prints the directory holding
# vmlinuz and initramfs.cpio.gz.
set -euo pipefail
cache=${JSTORE_VM_CACHE:-/var/cache/jstore-vm}
mkdir -p "$cache"

kernel_pkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'; }
pkg=$(kernel_pkg)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then apt-get update -qq >&2; pkg=$(kernel_pkg); fi
[ -n "$pkg" ] || { echo "prepare: apt knows no linux-image-amd64 (apt-get update?)" >&2; exit 1; }
ver=${pkg#linux-image-}
out=$cache/$ver
here=$(cd "$(dirname "$0")" && pwd)
if [ -s "$out/vmlinuz" ] && [ -s "$out/initramfs.cpio.gz" ] \
    && [ "$out/initramfs.cpio.gz" -nt "$here/prepare.sh" ] && [ "$out/initramfs.cpio.gz" -nt "$here/init" ]; then
  echo "$out"; exit 0
fi

deb=$(ls "$cache/${pkg}"_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
  (cd "$cache" && apt-get download "$pkg" >&2 2>/dev/null) || (cd "$cache" && apt-get download "$pkg" >&2)
  deb=$(ls "$cache/${pkg}"_*.deb | head -n1)
fi

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" --wildcards './boot/vmlinuz-*' './lib/modules/*'
depmod -b "$work" "$ver"

root=$work/initramfs
mkdir -p "$root"/{bin,dev,proc,sys,host,mods}
cp "$(command -v busybox)" "$root/bin/busybox"
: > "$root/modules.load"
for m in virtio_pci 9pnet_virtio 9p loop dm-thin-pool ext4 xfs; do
  modprobe -d "$work" -S "$ver" --show-depends "$m" | awk '$1 == "insmod" {print $2}' | while read -r ko; do
    name=$(basename "$ko")
    grep -qx "$name" "$root/modules.load" && continue
    cp "$ko" "$root/mods/$name"
    echo "$name" >> "$root/modules.load"
  done
done
cp "$here/init" "$root/init"
chmod 0755 "$root/init" "$root/bin/busybox"

mkdir -p "$out.tmp"
cp "$work"/boot/vmlinuz-* "$out.tmp/vmlinuz"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp/initramfs.cpio.gz"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
