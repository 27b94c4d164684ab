#!/usr/bin/env bash
# Runs a shell script inside jstore's test VM (scripts/vm/prepare.sh makes it) and exits with
# its exit status. The VM sees the host's root read-only at its own root, with /tmp,
# /var/tmp and /run on tmpfs, so the script can use the JDK and the built project at
# their host paths (~/.m2 too); the project's own directory stays visible even under /tmp. Software emulation: KVM is not usable on these machines.
#   scripts/vm/run.sh SCRIPT            (SCRIPT: an absolute path on the host)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../.." && pwd)
script=$1
case "$script" in /*) ;; *) echo "run: SCRIPT must be an absolute path" >&2; exit 2 ;; esac
vm=$("$here/prepare.sh")
qemu=$(command -v qemu-system-x86_64) || { echo "run: qemu-system-x86_64 is not installed (scripts/setup.sh)" >&2; exit 2; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$qemu" -accel tcg,thread=multi -cpu max -smp "${JSTORE_VM_CPUS:-2}" -m "${JSTORE_VM_MEMORY:-4096}" \
  -nodefaults -no-reboot -display none -serial stdio -monitor none \
  -kernel "$vm/vmlinuz" -initrd "$vm/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 jstore.run=$script jstore.keep=$project" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -device virtio-rng-pci </dev/null | tee "$log"
rc=$(sed -n 's/^JSTORE-VM-EXIT \([0-9]*\).*/\1/p' "$log" | tr -d '\r' | tail -n1)
[ -n "$rc" ] || { echo "run: the VM ended without running $script" >&2; exit 3; }
exit "$rc"
