#!/usr/bin/env bash
# Installs what jstore's build, demo and tests need on a Debian-like host, and nothing that is
# already there. Idempotent; run as root (the drivers need it anyway).
set -euo pipefail

# tool -> Debian package. Later parts of jstore add their tools here.
packages=(
  "java:openjdk-17-jdk-headless"
  "mvn:maven"
  "cc:gcc"
  "/usr/include/stdio.h:libc6-dev"
  "/usr/include/linux/openat2.h:linux-libc-dev"
  "mkfs.ext4:e2fsprogs"
  "mkfs.xfs:xfsprogs"
  "mkfs.btrfs:btrfs-progs"
  "losetup:mount"
  "runc:runc"
  "crun:crun"
  "umoci:umoci"
  "skopeo:skopeo"
  "busybox:busybox-static"
  "tar:tar"
  # benchmarks: the Debian rootfs fixture (scripts/rootfs.sh)
  "debootstrap:debootstrap"
  "setfattr:attr"
  "fc-list:fontconfig"
  # devmapper: dm-thin runs in a VM (this kernel has no device-mapper), scripts/vm/prepare.sh
  "qemu-system-x86_64:qemu-system-x86"
  "depmod:kmod"
  "cpio:cpio"
  "thin_check:thin-provisioning-tools"
  # engine-adapters: the Docker graphdriver plugin test starts a private dockerd (20.10 still runs plugins)
  "dockerd:docker.io"
  # engine-adapters: the real containerd (1.6 in bookworm) that runs on jstore as its proxy snapshotter
  "containerd:containerd"
  "ctr:containerd"
)

missing=()
for entry in "${packages[@]}"; do
  tool=${entry%%:*}; pkg=${entry#*:}
  # an entry whose "tool" is a path (headers, static libraries) is checked as a file
  if [ "${tool#/}" != "$tool" ]; then [ -e "$tool" ] || missing+=("$pkg"); continue; fi
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || [ -x "/sbin/$tool" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Loop devices are made on demand by LOOP_CTL_GET_FREE, but the module must be there.
[ -e /dev/loop-control ] || modprobe loop 2>/dev/null || true
# The test VM's kernel (fetched, not installed) and initramfs; cached, so a no-op when made.
"$(dirname "$0")/vm/prepare.sh" >/dev/null
echo "setup: ok" >&2
