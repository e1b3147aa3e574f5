#!/usr/bin/env bash
# ./run demo: a tour of nmiface on a sandboxed NetworkManager (own network and mount namespaces,
# private D-Bus; the host's network is never touched). Usage: demo/tour.sh BUILD_DIR
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/build}
export PATH="$build/src/tools:$build/src/daemon:$PATH"
exec "$top/tests/realnm/nm-sandbox" --veth veth0:veth0p --veth veth1:veth1p -- \
    "$top/demo/tour-inside.sh" "$top/demo"
