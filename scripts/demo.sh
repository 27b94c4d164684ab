#!/usr/bin/env bash
# The main job: a real demo of jstore's drivers on a small image (a static busybox root
# filesystem), in a throwaway store on scratch filesystems that are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
./jstore --version
echo
echo "== drivers and their probes"
./jstore drivers --root "${JSTORE_DEMO_ROOT:-/tmp/jstore-demo}"
