#!/usr/bin/env bash
# Runs every test of every module, on real kernels and real filesystems (as root). Tests that
# cannot run on this host skip with the reason printed.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp ${JSTORE_MVN_OPTS:-} verify
