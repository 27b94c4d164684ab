#!/usr/bin/env bash
# The main job: a real demo of jstore's drivers on a small image (a static busybox root
# filesystem in two layers, as `docker save` writes it), each driver in a throwaway store on
# scratch filesystems (xfs with reflink, ext4; btrfs for the btrfs driver) made on loop
# devices and removed at the end, whatever happens.
#
#   JSTORE_DEMO_DRIVERS="vfs overlay"   only these drivers (default: each of vfs, overlay, btrfs and
#                                        devmapper that `jstore drivers` lists)
#   JSTORE_DEMO_FS="xfs ext4"            only these filesystems
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)

if [ "$(id -u)" != 0 ]; then
  echo "demo: needs root (loop devices, mkfs, mounts); run: sudo $0" >&2
  exit 1
fi
busybox=/bin/busybox  # Debian's busybox-static: one static binary, so it runs inside any root
if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
  echo "demo: needs a static $busybox (scripts/setup.sh installs busybox-static)" >&2
  exit 1
fi

work=$(mktemp -d /var/tmp/jstore-demo.XXXXXX)
loops=()
mounts=()
cleanup() {
  local status=$?
  set +e
  # Whatever a failed step left mounted under the scratch filesystems goes first, deepest first.
  for m in "${mounts[@]}"; do
    grep -o " $m[^ ]* " /proc/self/mountinfo | tr -d ' ' | sort -r | while read -r sub; do
      [ "$sub" = "$m" ] || umount -l "$sub"
    done
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
  rm -rf "$work"
  [ $status = 0 ] && echo "demo: done; scratch filesystems unmounted, loop devices detached" || echo "demo: FAILED (status $status); cleaned up" >&2
  exit $status
}
trap cleanup EXIT INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '\033[2m$ jstore %s\033[0m\n' "$*"; "$here/jstore" "$@"; }

step "build (first run only) and version"
./jstore --version

# ---------------------------------------------------------------- the image
step "a two-layer busybox image as a docker-save archive"
img=$work/image
mkdir -p "$img/l1/bin" "$img/l1/etc" "$img/l1/root" "$img/l1/tmp" "$img/l2/etc" "$img/archive"
cp "$busybox" "$img/l1/bin/busybox"
for app in sh ls cat echo uname id; do ln -s busybox "$img/l1/bin/$app"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$img/l1/etc/passwd"
printf 'jstore demo base layer\n' > "$img/l1/etc/issue"
chmod 1777 "$img/l1/tmp"
printf 'Welcome to a jstore container.\n' > "$img/l2/etc/motd"
: > "$img/l2/etc/.wh.issue"           # layer 2 deletes the base's /etc/issue (an OCI whiteout)
diff_ids=()
layers=()
for l in l1 l2; do
  tar --numeric-owner --owner=0 --group=0 -C "$img/$l" -cf "$img/$l.tar" .
  sum=$(sha256sum "$img/$l.tar" | cut -d' ' -f1)
  mkdir -p "$img/archive/$sum"
  mv "$img/$l.tar" "$img/archive/$sum/layer.tar"
  diff_ids+=("\"sha256:$sum\"")
  layers+=("\"$sum/layer.tar\"")
done
config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"],\"Env\":[\"PATH=/bin\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$(IFS=,; echo "${diff_ids[*]}")]}}"
config_sum=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
printf '%s' "$config" > "$img/archive/$config_sum.json"
printf '[{"Config":"%s.json","RepoTags":["demo/busybox:1"],"Layers":[%s]}]' "$config_sum" "$(IFS=,; echo "${layers[*]}")" \
  > "$img/archive/manifest.json"
tar -C "$img/archive" -cf "$work/busybox.tar" .
echo "$work/busybox.tar: $(du -h "$work/busybox.tar" | cut -f1), layers sha256:${diff_ids[0]:8:12}… sha256:${diff_ids[1]:8:12}…"

# ---------------------------------------------------------------- scratch filesystems
scratch() { # scratch TYPE: makes and mounts one, sets $mnt (no subshell: the trap must see loops and mounts)
  local type=$1 file=$work/$1.img loop
  mnt=$work/mnt-$1
  truncate -s 1G "$file"
  loop=$(losetup --find --show "$file")
  loops+=("$loop")
  case $type in
    xfs) mkfs.xfs -q -f -m reflink=1 "$loop" ;;
    ext4) mkfs.ext4 -q -F -E nodiscard "$loop" ;;
    btrfs) mkfs.btrfs -q -f "$loop" ;;
  esac
  mkdir -p "$mnt"
  mount "$loop" "$mnt"
  mounts+=("$mnt")
}

step "drivers on this class path"
./jstore drivers --root "$work/probe"
listed=$(./jstore drivers --root "$work/probe" | awk 'NR>1 {print $1}')
wanted=${JSTORE_DEMO_DRIVERS:-vfs overlay btrfs devmapper}
drivers=()
for d in $wanted; do grep -qx "$d" <<<"$listed" && drivers+=("$d"); done
[ ${#drivers[@]} -gt 0 ] || { echo "demo: none of [$wanted] is on the class path" >&2; exit 1; }

demo_on() { # demo_on DRIVER MOUNTPOINT
  local driver=$1 mnt=$2 root=$2/store-$1 path
  local fs; fs=$(findmnt -n -o FSTYPE --target "$mnt")
  step "$driver on $fs ($mnt)"
  local probe; probe=$("$here/jstore" drivers --root "$root" | awk -v d="$driver" '$1 == d')
  echo "$probe"
  if ! grep -q " supported" <<<"$probe" || grep -q "not supported" <<<"$probe"; then
    echo "(skipped: the $driver driver cannot run on $fs here)"
    return 0
  fi
  local s=(--root "$root" --driver "$driver")
  run image import "$work/busybox.tar" --name demo/busybox:1 "${s[@]}"
  run image ls "${s[@]}"
  run layer ls "${s[@]}"
  run container create web --image demo/busybox:1 "${s[@]}"
  path=$(run container mount web "${s[@]}" | tail -1)
  echo "mounted at $path"
  echo "-- the container's root, run by its own busybox:"
  chroot "$path" /bin/sh -c 'cat /etc/motd; ls /etc; [ ! -e /etc/issue ] && echo "/etc/issue: deleted by layer 2"'
  echo "-- a write into the container:"
  echo "hello from $driver" > "$path/root/hello.txt"
  rm "$path/etc/motd"
  run container changes web "${s[@]}"
  run container diff web -o "$work/web-$driver.tar" "${s[@]}"
  echo "-- its diff as an OCI layer tar:"
  tar -tvf "$work/web-$driver.tar"
  run container umount web "${s[@]}"
  run container ls "${s[@]}"
  run container rm web "${s[@]}"
  echo "-- containers: the driver's mounts inside their own namespaces, the image's Cmd and Env honoured"
  run run --rm --hostname demo "${s[@]}" demo/busybox:1 sh -c 'hostname; tr "\0" " " < /proc/1/cmdline; echo; echo $PATH'
  run run -d --name bg --memory 64m --pids-limit 64 "${s[@]}" demo/busybox:1 \
    sh -c 'echo started; echo "patched on $(hostname)" > /etc/motd; exec sleep 30'
  sleep 0.5
  run ps "${s[@]}"
  run logs bg "${s[@]}"
  run stop -t 1 bg "${s[@]}"
  run diff bg --root "$root"
  run commit bg demo/patched:1 "${s[@]}"
  run run --rm "${s[@]}" demo/patched:1 cat /etc/motd
  run rm bg "${s[@]}"
  run ps -a "${s[@]}"
  run image rm demo/patched:1 "${s[@]}"
  run image export demo/busybox:1 -o "$work/export-$driver.tar" "${s[@]}"
  echo "-- the export is an OCI image layout:"
  tar -tf "$work/export-$driver.tar" | sed 's/^/   /'
  if command -v skopeo >/dev/null; then
    echo "-- as skopeo reads it:"
    skopeo inspect --config "oci-archive:$work/export-$driver.tar:1" | grep -A3 '"diff_ids"' | sed 's/^/   /'
  fi
  run image rm demo/busybox:1 "${s[@]}"
  run gc "${s[@]}"
  run fsck "${s[@]}"
}

fss=${JSTORE_DEMO_FS:-xfs ext4}
for fs in $fss; do
  scratch "$fs"
  for d in "${drivers[@]}"; do
    [ "$d" = btrfs ] && continue
    demo_on "$d" "$mnt"
  done
done
if printf '%s\n' "${drivers[@]}" | grep -qx btrfs; then
  scratch btrfs
  demo_on btrfs "$mnt"
fi
